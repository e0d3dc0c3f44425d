// Reconnection backoff: exponential from 1 s, capped at 30 s, with jitter, and it never gives up.
import { describe, expect, it } from 'vitest';
import { Backoff } from '../src/lib/backoff.js';

describe('backoff', () => {
  it('doubles from 1 s to 30 s, each delay jittered by ±25 % within those bounds', () => {
    for (const random of [0, 0.5, 0.999]) {
      const backoff = new Backoff(() => random);
      const delays = Array.from({ length: 12 }, () => backoff.next());
      expect(delays[0]).toBeGreaterThanOrEqual(1_000);
      expect(delays[0]).toBeLessThanOrEqual(1_250);
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(1_000);
        expect(delay).toBeLessThanOrEqual(30_000);
      }
      if (random === 0.5) expect(delays.slice(0, 6)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    }
  });

  it('keeps going after any number of attempts, and starts over after a reset', () => {
    const backoff = new Backoff(Math.random);
    for (let n = 0; n < 10_000; n += 1) expect(backoff.next()).toBeLessThanOrEqual(30_000);
    expect(backoff.attempts).toBe(10_000);
    backoff.reset();
    expect(backoff.next()).toBeLessThanOrEqual(1_250);
  });

  it('jitter spreads reconnecting modules apart', () => {
    const delays = new Set(Array.from({ length: 50 }, () => new Backoff(Math.random).next()));
    expect(delays.size).toBeGreaterThan(10);
  });
});
