// The server's second opinion on critical rolls: when the module gave no verdict (kind `none`, source null), a
// natural 20 or natural 1 on the single kept d20 of the roll is a critical success or failure.
import type { CriticalVerdict, DiceRollPayload } from '@tumulte/schemas';

export interface CriticalJudgement {
  readonly verdict: CriticalVerdict;
  /** True when the verdict is the server's, not the module's. */
  readonly byServer: boolean;
}

export function judgeCritical(roll: Pick<DiceRollPayload, 'critical' | 'result'>): CriticalJudgement {
  const module: CriticalJudgement = { verdict: roll.critical, byServer: false };
  if (roll.critical.kind !== 'none' || roll.critical.source !== null || roll.result === null) return module;
  // Advantage (2d20kh) is one d20 term with one active result; two separate d20 terms are not "a single d20".
  const d20Terms = roll.result.dice.filter((term) => term.faces === 20);
  if (d20Terms.length !== 1) return module;
  const kept = d20Terms[0]?.results.filter((result) => result.active) ?? [];
  if (kept.length !== 1) return module;
  const value = kept[0]?.value;
  if (value === 20) return { verdict: { kind: 'success', source: 'natural' }, byServer: true };
  if (value === 1) return { verdict: { kind: 'failure', source: 'natural' }, byServer: true };
  return module;
}
