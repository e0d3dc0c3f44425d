import { describe, expect, it } from 'vitest';
import { hpBar } from './hp';

describe('hpBar', () => {
  it('scales the bar on the maximum when current + temporary fit in it', () => {
    const bar = hpBar({ current: 9, max: 12, temp: 2 });
    expect(bar.known).toBe(true);
    expect(bar.currentPct).toBeCloseTo(75);
    expect(bar.tempPct).toBeCloseTo((2 / 12) * 100);
    expect(bar.level).toBe('healthy');
  });

  it('widens the bar to current + temporary when they exceed the maximum', () => {
    const bar = hpBar({ current: 12, max: 12, temp: 6 });
    expect(bar.currentPct).toBeCloseTo((12 / 18) * 100);
    expect(bar.tempPct).toBeCloseTo((6 / 18) * 100);
    expect(bar.currentPct + bar.tempPct).toBeCloseTo(100);
  });

  it('has levels for wounded, critical and down characters', () => {
    expect(hpBar({ current: 6, max: 12, temp: 0 }).level).toBe('wounded');
    expect(hpBar({ current: 3, max: 12, temp: 0 }).level).toBe('critical');
    expect(hpBar({ current: 0, max: 12, temp: 0 }).level).toBe('down');
    expect(hpBar({ current: 0, max: 12, temp: 5 }).level).toBe('down');
  });

  it('clamps negative and overflowing hit points inside the bar but keeps the real numbers', () => {
    const negative = hpBar({ current: -4, max: 10, temp: 0 });
    expect(negative.currentPct).toBe(0);
    expect(negative.current).toBe(-4);
    const over = hpBar({ current: 15, max: 10, temp: 0 });
    expect(over.currentPct).toBe(100);
    expect(over.tempPct).toBe(0);
  });

  it('draws no bar when the maximum is unknown', () => {
    const bar = hpBar({ current: 7, max: null, temp: 3 });
    expect(bar.known).toBe(false);
    expect(bar.currentPct).toBe(0);
    expect(bar.temp).toBe(3);
    expect(hpBar({ current: 0, max: 0, temp: 0 }).known).toBe(false);
  });
});
