/**
 * A token bucket: `ratePerSecond` sustained, `burst` at once. One per VTT connection (ConnectionRateLimits), so
 * a flood from one module never slows the others.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = Math.max(burst, 1);
    this.updatedAt = now();
  }

  /** Takes one token; false when the bucket is empty (the caller refuses the event). */
  take(): boolean {
    const now = this.now();
    const capacity = Math.max(this.burst, 1);
    this.tokens = Math.min(capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * The buckets of the VTT connections on this node: every socket of a connection draws from the same one, so
 * opening more sockets with the same session (or reconnecting) does not multiply the budget. A bucket is
 * forgotten once its connection has no socket left and it has refilled: by then a new one is the same.
 */
export class ConnectionRateLimits {
  private readonly entries = new Map<string, { bucket: TokenBucket; sockets: number; idleSince: number }>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The bucket of `connectionId`, for one more socket; pair with `release`. */
  acquire(connectionId: string): TokenBucket {
    this.forgetRefilled();
    let entry = this.entries.get(connectionId);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.ratePerSecond, this.burst, this.now), sockets: 0, idleSince: 0 };
      this.entries.set(connectionId, entry);
    }
    entry.sockets += 1;
    return entry.bucket;
  }

  /** One socket of `connectionId` is gone. */
  release(connectionId: string): void {
    const entry = this.entries.get(connectionId);
    if (entry) {
      entry.sockets -= 1;
      if (entry.sockets === 0) entry.idleSince = this.now();
    }
    this.forgetRefilled();
  }

  /** How many connections this node keeps a bucket for. */
  get size(): number {
    return this.entries.size;
  }

  private forgetRefilled(): void {
    // Empty to full takes burst / rate seconds; a rate of 0 never refills, so such a bucket is kept.
    if (this.ratePerSecond <= 0) return;
    const refillMs = (Math.max(this.burst, 1) / this.ratePerSecond) * 1000;
    const now = this.now();
    // At most one sweep per refill time: thousands of connections (re)connecting stay linear.
    if (now - this.lastSweep < refillMs) return;
    this.lastSweep = now;
    for (const [connectionId, entry] of this.entries) {
      if (entry.sockets === 0 && now - entry.idleSince >= refillMs) this.entries.delete(connectionId);
    }
  }
}
