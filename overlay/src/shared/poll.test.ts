import { describe, expect, it } from 'vitest';
import { poll } from '../../test/fixtures';
import { formatCountdown, pollOutcome, pollRows, remainingMs } from './poll';

describe('poll logic', () => {
  it('computes shares and the leaders of a running poll', () => {
    const rows = pollRows(poll([6, 2, 0, 2]));
    expect(rows.map((row) => row.pct)).toEqual([60, 20, 0, 20]);
    expect(rows.filter((row) => row.isLeading).map((row) => row.id)).toEqual(['a']);
    expect(rows.some((row) => row.isWinner)).toBe(false);
    expect(pollRows(poll([0, 0])).every((row) => row.pct === 0 && !row.isLeading)).toBe(true);
  });

  it('reports the winner the server declared', () => {
    const closed = poll([12, 7], 'closed', ['a']);
    expect(pollOutcome(closed)).toEqual({ kind: 'winner', labels: ['Option A'] });
    expect(pollRows(closed).map((row) => row.isWinner)).toEqual([true, false]);
  });

  it('reports a tie as a tie, with every winning option', () => {
    const tie = poll([3, 3, 1], 'closed', ['a', 'b']);
    expect(pollOutcome(tie)).toEqual({ kind: 'tie', labels: ['Option A', 'Option B'] });
    expect(pollRows(tie).map((row) => row.isWinner)).toEqual([true, true, false]);
  });

  it('reports a closed poll without votes, and running or draft polls', () => {
    expect(pollOutcome(poll([0, 0], 'closed', []))).toEqual({ kind: 'noVotes' });
    expect(pollOutcome(poll([1, 0], 'running')).kind).toBe('running');
    expect(pollOutcome(poll([0, 0], 'draft')).kind).toBe('draft');
  });

  it('counts down to endsAt', () => {
    expect(remainingMs(60_000, 0)).toBe(60_000);
    expect(remainingMs(60_000, 90_000)).toBe(0);
    expect(remainingMs(null, 0)).toBeNull();
    expect(formatCountdown(60_000)).toBe('1:00');
    expect(formatCountdown(59_001)).toBe('1:00');
    expect(formatCountdown(59_000)).toBe('0:59');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(3_725_000)).toBe('1:02:05');
  });
});
