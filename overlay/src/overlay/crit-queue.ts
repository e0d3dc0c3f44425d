import type { OverlayRoll } from '@tumulte/schemas';
import { type Ref, shallowRef } from 'vue';

export interface Scheduler {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const browserScheduler: Scheduler = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Only real critical successes and failures get an alert. */
export const isCritical = (roll: OverlayRoll): boolean =>
  roll.critical.kind === 'success' || roll.critical.kind === 'failure';

const MAX_REMEMBERED = 500;

/**
 * Critical-roll alerts, one at a time: a crit that arrives while another shows waits its turn, so two crits in
 * a row both show for the full duration. A roll is shown at most once (by `rollId`), even if a reconnect
 * replays it.
 */
export class CritQueue {
  readonly current: Ref<OverlayRoll | null> = shallowRef(null);
  private readonly waiting: OverlayRoll[] = [];
  private readonly seen = new Set<string>();
  private timer: unknown = null;

  constructor(
    private readonly durationMs: number,
    private readonly scheduler: Scheduler = browserScheduler,
    private readonly maxWaiting = 10,
  ) {}

  get pending(): number {
    return this.waiting.length;
  }

  /** Remembers a roll without showing it (rolls that happened before the overlay opened). */
  markSeen(rollId: string): void {
    this.seen.add(rollId);
    if (this.seen.size > MAX_REMEMBERED) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
  }

  /** Queues the roll's alert; false when it is not critical, already seen, or the queue is full. */
  push(roll: OverlayRoll): boolean {
    if (!isCritical(roll) || this.seen.has(roll.rollId)) return false;
    this.markSeen(roll.rollId);
    if (this.current.value === null) {
      this.show(roll);
      return true;
    }
    if (this.waiting.length >= this.maxWaiting) return false;
    this.waiting.push(roll);
    return true;
  }

  /** Stops showing anything and forgets what waits. */
  clear(): void {
    if (this.timer !== null) this.scheduler.clear(this.timer);
    this.timer = null;
    this.waiting.length = 0;
    this.current.value = null;
  }

  private show(roll: OverlayRoll): void {
    this.current.value = roll;
    this.timer = this.scheduler.set(() => this.next(), this.durationMs);
  }

  private next(): void {
    this.timer = null;
    const following = this.waiting.shift();
    if (following) this.show(following);
    else this.current.value = null;
  }
}
