import type { CriticalVerdict, DieTerm } from '@tumulte/schemas';
import { get, isRecord, type Json, num } from '../lib/data.js';

/**
 * A roll as stored (JSON string or object from `toJSON()`) or live (a Roll instance): the fields we read are
 * the same in both (`class`, `options`, `formula`, `total`, `terms`), plus the getters a live system roll has
 * (`isCritical`, `isFumble`, `degreeOfSuccess`).
 */
export interface RollData {
  readonly className: string;
  readonly formula: string;
  readonly total: number | null;
  readonly options: Json;
  readonly terms: readonly unknown[];
  /** The roll object itself, for system getters. */
  readonly source: Json;
}

export function readRoll(raw: unknown): RollData | null {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!isRecord(value)) return null;
  const className =
    typeof value.class === 'string'
      ? value.class
      : ((value.constructor as { name?: string } | undefined)?.name ?? 'Roll');
  return {
    className,
    formula: typeof value.formula === 'string' ? value.formula : '',
    total: num(value.total),
    options: isRecord(value.options) ? value.options : {},
    terms: Array.isArray(value.terms) ? value.terms : [],
    source: value,
  };
}

interface RawResult {
  readonly result?: unknown;
  readonly active?: unknown;
  readonly discarded?: unknown;
  readonly rerolled?: unknown;
}

/**
 * Every dice term of a roll, in order, found by walking nested terms: pools (`rolls`), groupings and
 * parenthetical terms (`term`, `roll`), arithmetic (`operands`) — pf2e damage nests dice three levels down.
 */
export function diceOf(roll: RollData): DieTerm[] {
  const found: DieTerm[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (!isRecord(node) || seen.has(node)) return;
    seen.add(node);
    const faces = num(node.faces);
    if (faces !== null && Array.isArray(node.results)) {
      found.push({
        faces: Math.max(1, Math.trunc(faces)),
        results: (node.results as RawResult[])
          .filter((r) => isRecord(r) && num(r.result) !== null)
          .map((r) => ({
            value: Math.trunc(num(r.result) ?? 0),
            active: r.active !== false && r.discarded !== true && r.rerolled !== true,
          })),
      });
      return;
    }
    for (const key of ['terms', 'rolls', 'operands', 'dice']) {
      const children = node[key];
      if (Array.isArray(children)) for (const child of children) walk(child);
    }
    walk(node.term);
    walk(node.roll);
  };
  for (const term of roll.terms) walk(term);
  return found;
}

/** The kept result of the roll's single d20, or null (no d20, several d20 terms, or several kept d20s). */
export function naturalD20(roll: RollData): number | null {
  const d20s = diceOf(roll).filter((term) => term.faces === 20);
  if (d20s.length !== 1) return null;
  const kept = d20s[0]?.results.filter((result) => result.active) ?? [];
  return kept.length === 1 ? (kept[0]?.value ?? null) : null;
}

export const NO_CRITICAL: CriticalVerdict = { kind: 'none', source: null };

/** The generic rule: a natural 20 or 1 on a single d20 (advantage and disadvantage: the kept die only). */
export function naturalVerdict(roll: RollData): CriticalVerdict {
  const natural = naturalD20(roll);
  if (natural === 20) return { kind: 'success', source: 'natural' };
  if (natural === 1) return { kind: 'failure', source: 'natural' };
  return NO_CRITICAL;
}

/** A boolean getter or field on a live roll (`isCritical`), undefined when the roll has none. */
export function rollFlag(roll: RollData, name: string): boolean | undefined {
  const value = roll.source[name];
  return typeof value === 'boolean' ? value : undefined;
}

/** Core's initiative flag (`flags.core.initiativeRoll`), which every system's initiative message carries. */
export function isInitiativeMessage(message: Foundry.ChatMessage): boolean {
  return get(message.flags, 'core.initiativeRoll') === true;
}
