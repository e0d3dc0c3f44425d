import type { Timers } from '../env.js';

/**
 * Runs one task per key after a quiet period: a burst of updates of the same document becomes one event,
 * computed from the document's state when the task runs (so it is always the latest).
 */
export class Coalescer {
  private readonly pending = new Map<string, { handle: unknown; task: () => void }>();

  constructor(
    private readonly timers: Timers,
    private readonly delayMs: number,
  ) {}

  schedule(key: string, task: () => void): void {
    const previous = this.pending.get(key);
    if (previous) this.timers.clearTimeout(previous.handle);
    const handle = this.timers.setTimeout(() => this.run(key), this.delayMs);
    this.pending.set(key, { handle, task });
  }

  cancel(key: string): void {
    const previous = this.pending.get(key);
    if (!previous) return;
    this.timers.clearTimeout(previous.handle);
    this.pending.delete(key);
  }

  /** Runs every pending task now (used before a sync, on stop, and by tests instead of waiting). */
  flush(): void {
    for (const key of [...this.pending.keys()]) this.run(key);
  }

  clear(): void {
    for (const { handle } of this.pending.values()) this.timers.clearTimeout(handle);
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }

  private run(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.timers.clearTimeout(entry.handle);
    this.pending.delete(key);
    entry.task();
  }
}
