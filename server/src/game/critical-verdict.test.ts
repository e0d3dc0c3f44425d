import type { DiceRollPayload } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';
import { judgeCritical } from './critical-verdict.js';

const none = { kind: 'none', source: null } as const;
const roll = (dice: { faces: number; results: [number, boolean][] }[], critical: DiceRollPayload['critical'] = none) =>
  judgeCritical({
    critical,
    result: {
      formula: 'test',
      total: 0,
      dice: dice.map((d) => ({ faces: d.faces, results: d.results.map(([value, active]) => ({ value, active })) })),
    },
  });

describe('critical second opinion', () => {
  it('calls a natural 20 or 1 on a single d20 when the module gave no verdict', () => {
    expect(roll([{ faces: 20, results: [[20, true]] }])).toEqual({
      verdict: { kind: 'success', source: 'natural' },
      byServer: true,
    });
    expect(roll([{ faces: 20, results: [[1, true]] }])).toEqual({
      verdict: { kind: 'failure', source: 'natural' },
      byServer: true,
    });
    expect(roll([{ faces: 20, results: [[19, true]] }]).verdict).toEqual(none);
  });

  it('reads the kept die of advantage or disadvantage, and ignores other dice', () => {
    expect(
      roll([
        {
          faces: 20,
          results: [
            [3, false],
            [20, true],
          ],
        },
      ]).verdict.kind,
    ).toBe('success');
    expect(
      roll([
        {
          faces: 20,
          results: [
            [20, false],
            [1, true],
          ],
        },
      ]).verdict.kind,
    ).toBe('failure');
    expect(
      roll([
        { faces: 20, results: [[20, true]] },
        { faces: 4, results: [[1, true]] },
      ]).verdict.kind,
    ).toBe('success');
  });

  it('stays out of rolls that are not a single d20', () => {
    expect(
      roll([
        {
          faces: 20,
          results: [
            [20, true],
            [20, true],
          ],
        },
      ]).byServer,
    ).toBe(false);
    expect(
      roll([
        { faces: 20, results: [[20, true]] },
        { faces: 20, results: [[5, true]] },
      ]).byServer,
    ).toBe(false);
    expect(roll([{ faces: 6, results: [[6, true]] }]).byServer).toBe(false);
    expect(judgeCritical({ critical: none, result: null })).toEqual({ verdict: none, byServer: false });
  });

  it('never overrides the module’s own verdict', () => {
    const system = { kind: 'none', source: 'system' } as unknown as DiceRollPayload['critical'];
    expect(roll([{ faces: 20, results: [[20, true]] }], system)).toEqual({ verdict: system, byServer: false });
    const degree = { kind: 'failure', source: 'degree' } as const;
    expect(roll([{ faces: 20, results: [[20, true]] }], degree)).toEqual({ verdict: degree, byServer: false });
  });
});
