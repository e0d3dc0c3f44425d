/**
 * Only one client sends: the active GM (`game.users.activeGM`, the lowest-id active full GM), so several GMs
 * never double-send. A second tab of the same GM user is the same User; Web Locks keep it quiet too.
 */
export function isActiveGM(game: Foundry.Game): boolean {
  const user = game.user;
  if (!user?.isGM) return false;
  const active = game.users.activeGM;
  if (active === undefined) {
    // Before v11 there was no activeGM: fall back to the lowest id among active full GMs.
    const gms = [...game.users].filter((u) => u.active && u.isGM && (u.role ?? 4) >= 4).map((u) => u.id);
    gms.sort();
    return gms[0] === user.id;
  }
  return active !== null && (active.isSelf === true || active.id === user.id);
}

/**
 * One tab per browser profile holds the lock named after the world. A tab that does not get it waits and takes
 * over when the other closes. Without Web Locks (insecure http origins) every tab counts as holding it.
 */
export class TabLock {
  private release: (() => void) | null = null;
  private held = false;

  constructor(
    private readonly locks: LockManager | undefined,
    private readonly name: string,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Calls `onAcquired` once this tab holds the lock (at once when free or without Web Locks). */
  acquire(onAcquired: () => void): void {
    if (this.held || this.release) return;
    if (!this.locks) {
      this.held = true;
      onAcquired();
      return;
    }
    const released = new Promise<void>((resolve) => {
      this.release = resolve;
    });
    void this.locks
      .request(this.name, async () => {
        if (!this.release) return;
        this.held = true;
        onAcquired();
        await released;
      })
      .catch(() => undefined);
  }

  releaseLock(): void {
    this.held = false;
    const release = this.release;
    this.release = null;
    release?.();
  }
}
