/**
 * A token bucket mirroring the server's limits (`connection:ready` → `limits.eventsPerSecond` / `eventsBurst`),
 * so a long queue is sent at a pace the server accepts instead of running into RATE_LIMITED.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly now: () => number,
    private perSecond: number,
    private burst: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  configure(perSecond: number, burst: number): void {
    this.refill();
    this.perSecond = perSecond;
    this.burst = Math.max(1, burst);
    this.tokens = Math.min(this.tokens, this.burst);
  }

  /** How many of `wanted` events may go now (at least one token must be there). */
  available(wanted: number): number {
    this.refill();
    return Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
  }

  take(count: number): void {
    this.refill();
    this.tokens -= count;
  }

  /** Milliseconds until one token is there. */
  waitMs(): number {
    this.refill();
    if (this.tokens >= 1 || this.perSecond <= 0) return this.perSecond <= 0 ? 1_000 : 0;
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.updatedAt = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perSecond);
  }
}

/** Bytes of a payload as the server counts them (UTF-8 JSON). */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}
