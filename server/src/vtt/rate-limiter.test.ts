// The event budget of a VTT connection: a token bucket shared by all its sockets on a node, kept across a
// reconnect until it has refilled.
import { describe, expect, it } from 'vitest';
import { ConnectionRateLimits, TokenBucket } from './rate-limiter.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const drain = (bucket: TokenBucket) => {
  let taken = 0;
  while (bucket.take()) taken += 1;
  return taken;
};

describe('TokenBucket', () => {
  it('gives the burst at once, then the sustained rate', () => {
    const time = clock();
    const bucket = new TokenBucket(10, 5, time.now);
    expect(drain(bucket)).toBe(5);
    time.advance(300);
    expect(drain(bucket)).toBe(3);
    time.advance(10_000);
    expect(drain(bucket)).toBe(5);
  });
});

describe('ConnectionRateLimits', () => {
  it('shares one budget between the sockets of a connection, not between connections', () => {
    const limits = new ConnectionRateLimits(10, 5, clock().now);
    const first = limits.acquire('world-a');
    const second = limits.acquire('world-a');
    expect(second).toBe(first);
    expect(drain(first) + drain(second)).toBe(5);
    expect(drain(limits.acquire('world-b'))).toBe(5);
  });

  it('keeps a drained budget across a reconnect, and forgets it once it has refilled', () => {
    const time = clock();
    const limits = new ConnectionRateLimits(10, 5, time.now);
    expect(drain(limits.acquire('world-a'))).toBe(5);
    limits.release('world-a');
    // Reconnecting at once does not refill the budget.
    expect(drain(limits.acquire('world-a'))).toBe(0);
    limits.release('world-a');
    time.advance(499);
    limits.release('unknown');
    expect(limits.size).toBe(1);
    time.advance(1);
    limits.release('unknown');
    expect(limits.size).toBe(0);
    expect(drain(limits.acquire('world-a'))).toBe(5);
  });

  it('never forgets a connection that still has a socket', () => {
    const time = clock();
    const limits = new ConnectionRateLimits(10, 5, time.now);
    limits.acquire('world-a');
    limits.acquire('world-a');
    limits.release('world-a');
    time.advance(60_000);
    limits.acquire('world-b');
    expect(limits.size).toBe(2);
  });
});
