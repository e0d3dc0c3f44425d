/** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 30 s, each delay randomised by ±25 %. Never gives up. */
export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** Fraction of the delay randomised either way (0.25 → ±25 %). */
  readonly jitter?: number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly jitter: number;

  constructor(
    private readonly random: () => number,
    options: BackoffOptions = {},
  ) {
    this.initialMs = options.initialMs ?? 1_000;
    this.maxMs = options.maxMs ?? 30_000;
    this.jitter = options.jitter ?? 0.25;
  }

  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt; each call counts one attempt. */
  next(): number {
    const raw = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    const spread = raw * this.jitter * (this.random() * 2 - 1);
    return Math.round(Math.min(this.maxMs, Math.max(this.initialMs, raw + spread)));
  }

  reset(): void {
    this.attempt = 0;
  }
}
