import type {
  AbilityScore,
  CharacterClass,
  CharacterStats,
  CriticalVerdict,
  InventoryItem,
  RollType,
} from '@tumulte/schemas';
import { clip, get, int, isRecord, num, str } from '../lib/data.js';
import { abilityMod, baseInventoryItem, nonNegative, readAbilities, readUses } from './common.js';
import { isInitiativeMessage, NO_CRITICAL, naturalVerdict, type RollData } from './rolls.js';
import type { RollVerdict, SystemAdapter } from './types.js';

// pf2e (and sf2e, which shares its codebase), paths from foundry-api.md §3 and the pf2e iconic pack sources.

const ATTRIBUTES = ['str', 'dex', 'con', 'int', 'wis', 'cha'] as const;

const CONTEXT_TYPES: Record<string, RollType> = {
  'attack-roll': 'attack',
  'damage-roll': 'damage',
  'saving-throw': 'save',
  'skill-check': 'skill',
  'recall-knowledge-check': 'skill',
  'perception-check': 'check',
  'flat-check': 'check',
  'counteract-check': 'check',
  check: 'check',
  initiative: 'initiative',
};

const OUTCOME_DEGREE: Record<string, number> = { criticalFailure: 0, failure: 1, success: 2, criticalSuccess: 3 };

const itemsOfType = (actor: Foundry.Actor, type: string) => [...actor.items].filter((item) => item.type === type);

/** A boost slot: the chosen attribute, or the only one offered; an unchosen free boost counts for nothing. */
function slotChoice(slot: unknown): string | null {
  if (!isRecord(slot)) return null;
  const selected = str(slot.selected);
  if (selected) return selected;
  const value = slot.value;
  return Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' ? value[0] : null;
}

function slots(record: unknown): string[] {
  if (!isRecord(record)) return [];
  return Object.keys(record)
    .sort()
    .map((key) => slotChoice(record[key]))
    .filter((choice): choice is string => choice !== null);
}

/**
 * Attribute modifiers from source data: every attribute starts at +0 (score 10); each boost adds +1 (+2 score),
 * or half that from +4 up (a partial boost); each flaw removes 1. Boosts come from the ancestry, background,
 * class key attribute and the level boosts of `system.build` (`attributes`, formerly `abilities`).
 */
function computedAbilities(actor: Foundry.Actor, level: number): Record<string, AbilityScore> {
  const scores = Object.fromEntries(ATTRIBUTES.map((key) => [key, 10])) as Record<string, number>;
  const boost = (key: string) => {
    if (scores[key] === undefined) return;
    scores[key] += (scores[key] ?? 10) >= 18 ? 1 : 2;
  };
  const flaw = (key: string) => {
    if (scores[key] !== undefined) scores[key] -= 2;
  };
  for (const ancestry of itemsOfType(actor, 'ancestry')) {
    for (const key of slots(get(ancestry.system, 'boosts'))) boost(key);
    for (const key of slots(get(ancestry.system, 'flaws'))) flaw(key);
  }
  for (const background of itemsOfType(actor, 'background'))
    for (const key of slots(get(background.system, 'boosts'))) boost(key);
  for (const cls of itemsOfType(actor, 'class')) {
    const key = slotChoice(get(cls.system, 'keyAbility'));
    if (key) boost(key);
  }
  const build = get(actor.system, 'build.attributes.boosts') ?? get(actor.system, 'build.abilities.boosts');
  if (isRecord(build)) {
    const levels = Object.keys(build)
      .map(Number)
      .filter((n) => Number.isFinite(n) && n <= level)
      .sort((a, b) => a - b);
    for (const boostLevel of levels) {
      const chosen = build[String(boostLevel)];
      if (Array.isArray(chosen)) for (const key of chosen) if (typeof key === 'string') boost(key);
    }
  }
  const out: Record<string, AbilityScore> = {};
  for (const key of ATTRIBUTES) out[key] = { value: null, mod: abilityMod(scores[key] ?? 10) };
  return out;
}

function proficiency(rank: number, level: number): number {
  return rank > 0 ? 2 * rank + level : 0;
}

function isWornArmor(item: Foundry.Item): boolean {
  const category = str(get(item.system, 'category'));
  return (
    item.type === 'armor' &&
    category !== 'shield' &&
    get(item.system, 'equipped.carryType') === 'worn' &&
    get(item.system, 'equipped.inSlot') !== false
  );
}

/** AC from source data: 10 + Dex (capped by the armor) + proficiency in the armor's category + item bonus + potency. */
function computedAc(actor: Foundry.Actor, dexMod: number, level: number): number | null {
  const cls = itemsOfType(actor, 'class')[0];
  const armor = [...actor.items].find(isWornArmor);
  const category = armor ? (str(get(armor.system, 'category')) ?? 'light') : 'unarmored';
  const rank = Math.max(
    int(get(cls?.system, `defenses.${category}`)) ?? 0,
    int(get(actor.system, `martial.${category}.rank`)) ?? 0,
  );
  if (!cls && rank === 0) return null;
  const cap = armor ? num(get(armor.system, 'dexCap')) : null;
  const itemBonus = armor
    ? (num(get(armor.system, 'acBonus')) ?? 0) + (num(get(armor.system, 'potencyRune.value')) ?? 0)
    : 0;
  return 10 + (cap === null ? dexMod : Math.min(dexMod, cap)) + proficiency(rank, level) + itemBonus;
}

function contextOf(message: Foundry.ChatMessage): Record<string, unknown> | null {
  const context = get(message.flags, 'sf2e.context') ?? get(message.flags, 'pf2e.context');
  return isRecord(context) ? context : null;
}

function degreeOf(context: Record<string, unknown> | null, roll: RollData): number | null {
  const outcome = str(context?.outcome);
  if (outcome && OUTCOME_DEGREE[outcome] !== undefined) return OUTCOME_DEGREE[outcome] ?? null;
  const degree = int(roll.source.degreeOfSuccess) ?? int(roll.options.degreeOfSuccess);
  return degree !== null && degree >= 0 && degree <= 3 ? degree : null;
}

export const pf2eAdapter: SystemAdapter = {
  systems: ['pf2e', 'sf2e'],
  isCharacter: (actor) => ['character', 'npc', 'familiar'].includes(actor.type),
  characterType: (actor) => (actor.type === 'character' || actor.hasPlayerOwner === true ? 'pc' : 'npc'),

  stats(actor): CharacterStats {
    const system = actor.system;
    const level = Math.max(0, int(get(system, 'details.level.value')) ?? 0);
    const live = readAbilities(system);
    const abilities =
      Object.keys(live).length > 0 || actor.type !== 'character' ? live : computedAbilities(actor, level);
    const conMod = abilities.con?.mod ?? 0;
    const dexMod = abilities.dex?.mod ?? 0;
    const ancestryHp = itemsOfType(actor, 'ancestry').reduce(
      (sum, item) => sum + (num(get(item.system, 'hp')) ?? 0),
      0,
    );
    const classHp = itemsOfType(actor, 'class').reduce((sum, item) => sum + (num(get(item.system, 'hp')) ?? 0), 0);
    const computedMax = classHp > 0 ? ancestryHp + (classHp + conMod) * Math.max(level, 1) : null;
    const classes: CharacterClass[] = itemsOfType(actor, 'class')
      .slice(0, 20)
      .map((item) => ({ name: clip(item.name, 200), level }));
    return {
      hp: {
        current: num(get(system, 'attributes.hp.value')) ?? 0,
        max: nonNegative(num(get(system, 'attributes.hp.max')) ?? computedMax),
        temp: Math.max(0, num(get(system, 'attributes.hp.temp')) ?? 0),
      },
      ac: nonNegative(num(get(system, 'attributes.ac.value')) ?? computedAc(actor, dexMod, level)),
      abilities,
      level: num(get(system, 'details.level.value')) === null ? null : level,
      classes,
    };
  },

  isInventoryItem: (item) => num(get(item.system, 'quantity')) !== null && isRecord(get(item.system, 'equipped')),
  inventoryItem(item): InventoryItem {
    const carry = str(get(item.system, 'equipped.carryType'));
    const equipped =
      carry === 'held' ||
      (carry === 'worn' &&
        (get(item.system, 'equipped.inSlot') === true || get(item.system, 'equipped.invested') === true));
    return baseInventoryItem(item, equipped, readUses(item.system) ?? readUses(item.system, 'charges'));
  },

  extensions(actor) {
    const ancestry = itemsOfType(actor, 'ancestry')[0]?.name;
    const heritage = itemsOfType(actor, 'heritage')[0]?.name;
    if (!ancestry && !heritage) return undefined;
    return { ...(ancestry ? { ancestry } : {}), ...(heritage ? { heritage } : {}) };
  },

  roll(message, roll): RollVerdict {
    const context = contextOf(message);
    const type = str(context?.type);
    let rollType: RollType = (type && CONTEXT_TYPES[type]) || 'other';
    if (isInitiativeMessage(message)) rollType = 'initiative';
    const degree = degreeOf(context, roll);
    if (rollType === 'damage' || roll.className === 'DamageRoll') {
      // Critical damage follows the strike's degree of success, never the dice.
      const critical: CriticalVerdict = degree === 3 ? { kind: 'success', source: 'degree' } : NO_CRITICAL;
      return { rollType, critical };
    }
    if (degree === 3) return { rollType, critical: { kind: 'success', source: 'degree' } };
    if (degree === 0) return { rollType, critical: { kind: 'failure', source: 'degree' } };
    if (degree !== null) return { rollType, critical: NO_CRITICAL };
    return { rollType, critical: naturalVerdict(roll) };
  },
};
