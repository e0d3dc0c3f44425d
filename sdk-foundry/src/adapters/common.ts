import type { AbilityScore, CharacterStats, InventoryItem, ItemUses } from '@tumulte/schemas';
import { clip, get, int, isRecord, num, str } from '../lib/data.js';

/** dnd5e's rule, shared by most d20 systems: floor((score − 10) / 2). */
export function abilityMod(score: number): number {
  return Math.floor((score - 10) / 2);
}

const ABILITY_KEY = /^[a-z][a-z0-9_-]{0,31}$/;

/** `system.abilities.<key>.{value, mod}`; a missing mod is computed from the score. */
export function readAbilities(system: unknown): Record<string, AbilityScore> {
  const abilities = get(system, 'abilities');
  const out: Record<string, AbilityScore> = {};
  if (!isRecord(abilities)) return out;
  for (const [key, raw] of Object.entries(abilities)) {
    if (!ABILITY_KEY.test(key) || !isRecord(raw)) continue;
    const value = num(raw.value);
    const mod = num(raw.mod) ?? (value !== null ? abilityMod(value) : null);
    if (mod !== null) out[key] = { value, mod };
  }
  return out;
}

export function nonNegative(value: number | null): number | null {
  return value === null ? null : Math.max(0, value);
}

/** Hit points from `system.attributes.hp` (the common path), temp defaulting to 0. */
export function readHp(system: unknown, path = 'attributes.hp'): CharacterStats['hp'] {
  const hp = get(system, path);
  return {
    current: num(get(hp, 'value')) ?? 0,
    max: nonNegative(num(get(hp, 'max'))),
    temp: Math.max(0, num(get(hp, 'temp')) ?? 0),
  };
}

export function actorImage(actor: Foundry.Actor): string | null {
  const img = actor.img ?? actor.prototypeToken?.texture?.src ?? null;
  return img ? clip(img, 2048) : null;
}

export function itemImage(item: Foundry.Item): string | null {
  return item.img ? clip(item.img, 2048) : null;
}

/** Uses (charges) from `system.uses`: `{value, max}` (pf2e, dnd5e < 4) or `{spent, max}` (dnd5e 4+). */
export function readUses(system: unknown, path = 'uses'): ItemUses | null {
  const uses = get(system, path);
  if (!isRecord(uses)) return null;
  const max = num(uses.max);
  if (max === null || max <= 0) return null;
  const spent = num(uses.spent);
  const value = num(uses.value) ?? (spent !== null ? max - spent : null);
  if (value === null) return null;
  return { value: Math.max(0, value), max };
}

export function baseInventoryItem(item: Foundry.Item, equipped: boolean, uses: ItemUses | null): InventoryItem {
  return {
    id: item.id,
    name: clip(item.name ?? '', 200),
    type: clip(item.type, 64),
    quantity: Math.max(0, num(get(item.system, 'quantity')) ?? 1),
    equipped,
    img: itemImage(item),
    uses,
  };
}

/** The character's level from the usual paths (`details.level(.value)`, `level`), or null. */
export function readLevel(system: unknown): number | null {
  const level =
    int(get(system, 'details.level.value')) ?? int(get(system, 'details.level')) ?? int(get(system, 'level'));
  return level === null || level < 0 ? null : Math.min(level, 1000);
}

export function textOrNull(value: unknown): string | null {
  return str(value);
}

/** Adds transferred, enabled Active Effect changes on `key` (mode ADD = 2) — enough for AC bonuses. */
export function effectChanges(actor: Foundry.Actor, key: string): Foundry.ActiveEffectChange[] {
  const changes: Foundry.ActiveEffectChange[] = [];
  const collect = (effects: Iterable<Foundry.ActiveEffect> | undefined, transferredOnly: boolean) => {
    for (const effect of effects ?? []) {
      if (effect.disabled) continue;
      if (transferredOnly && effect.transfer === false) continue;
      for (const change of effect.changes ?? []) if (change.key === key) changes.push(change);
    }
  };
  collect(actor.effects, false);
  for (const item of actor.items) collect(item.effects, true);
  return changes;
}

export const EFFECT_MODE = { ADD: 2, OVERRIDE: 5, UPGRADE: 4, DOWNGRADE: 3, MULTIPLY: 1, CUSTOM: 0 } as const;
