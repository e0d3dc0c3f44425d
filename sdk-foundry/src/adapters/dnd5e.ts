import type { CharacterClass, CharacterStats, CriticalVerdict, InventoryItem, RollType } from '@tumulte/schemas';
import { clip, get, int, isRecord, type Json, num, str } from '../lib/data.js';
import {
  abilityMod,
  baseInventoryItem,
  EFFECT_MODE,
  effectChanges,
  nonNegative,
  readAbilities,
  readUses,
} from './common.js';
import { isInitiativeMessage, NO_CRITICAL, naturalD20, naturalVerdict, type RollData, rollFlag } from './rolls.js';
import type { RollVerdict, SystemAdapter } from './types.js';

// dnd5e (3.x – 5.x), paths from foundry-api.md §2 and the dnd5e 5.3.3 data models.

const INVENTORY_TYPES = new Set(['weapon', 'equipment', 'consumable', 'tool', 'loot', 'container', 'backpack']);
const ARMOR_TYPES = new Set(['light', 'medium', 'heavy']);

/** `flags.dnd5e.roll.type` → the contract's roll type. */
const ROLL_TYPES: Record<string, RollType> = {
  attack: 'attack',
  damage: 'damage',
  healing: 'healing',
  skill: 'skill',
  tool: 'check',
  ability: 'check',
  save: 'save',
  death: 'save',
  concentration: 'save',
  initiative: 'initiative',
  hitDie: 'healing',
};

const classItems = (actor: Foundry.Actor) => [...actor.items].filter((item) => item.type === 'class');

function classLevels(item: Foundry.Item): number {
  return Math.max(0, int(get(item.system, 'levels')) ?? 1);
}

/** Hit die faces: `hd.denomination` (4.x+) or `hitDice` (3.x, and unmigrated pack data). */
function hitDieFaces(item: Foundry.Item): number | null {
  const denomination = str(get(item.system, 'hd.denomination')) ?? str(get(item.system, 'hitDice'));
  const match = denomination?.match(/^d(\d+)$/);
  return match ? Number(match[1]) : null;
}

/**
 * Max HP from source data: per class level the HitPoints advancement's value ("max" = the die's faces, "avg" =
 * faces / 2 + 1, or the number rolled), plus the Constitution modifier per level and the flat HP bonuses.
 */
function computedMaxHp(actor: Foundry.Actor, conMod: number): number | null {
  const classes = classItems(actor);
  if (classes.length === 0) return null;
  let total = 0;
  let levels = 0;
  for (const item of classes) {
    const faces = hitDieFaces(item);
    const advancement = get(item.system, 'advancement');
    const hpAdvancement = Array.isArray(advancement)
      ? (advancement.find((a) => isRecord(a) && a.type === 'HitPoints') as Json | undefined)
      : undefined;
    const values = isRecord(hpAdvancement?.value) ? hpAdvancement.value : {};
    const count = classLevels(item);
    for (let level = 1; level <= count; level += 1) {
      const value = values[String(level)];
      if (value === 'max' && faces !== null) total += faces;
      else if (value === 'avg' && faces !== null) total += faces / 2 + 1;
      else if (num(value) !== null) total += num(value) ?? 0;
      else if (faces !== null) total += level === 1 && levels === 0 ? faces : faces / 2 + 1;
    }
    levels += count;
  }
  const perLevel = num(get(actor.system, 'attributes.hp.bonuses.level')) ?? 0;
  const overall = num(get(actor.system, 'attributes.hp.bonuses.overall')) ?? 0;
  return total + (conMod + perLevel) * levels + overall;
}

function abilityModOf(actor: Foundry.Actor, key: string): number {
  const mod = num(get(actor.system, `abilities.${key}.mod`));
  if (mod !== null) return mod;
  const value = num(get(actor.system, `abilities.${key}.value`));
  return value === null ? 0 : abilityMod(value);
}

function sumChanges(actor: Foundry.Actor, key: string): number {
  return effectChanges(actor, key)
    .filter((change) => change.mode === EFFECT_MODE.ADD)
    .reduce((sum, change) => sum + (num(change.value) ?? 0), 0);
}

function equipped(actor: Foundry.Actor, predicate: (item: Foundry.Item) => boolean): Foundry.Item | undefined {
  return [...actor.items].find(
    (item) => item.type === 'equipment' && get(item.system, 'equipped') === true && predicate(item),
  );
}

/** AC from source data, following dnd5e's `prepareArmorClass` for the common calculations. */
function computedAc(actor: Foundry.Actor): number | null {
  const ac = get(actor.system, 'attributes.ac');
  const override = effectChanges(actor, 'system.attributes.ac.calc').find((c) => c.mode === EFFECT_MODE.OVERRIDE);
  const calc = str(override?.value) ?? str(get(ac, 'calc')) ?? 'default';
  const flat = num(get(ac, 'flat'));
  if (calc === 'flat') return flat;
  const dex = abilityModOf(actor, 'dex');
  let base: number | null;
  switch (calc) {
    case 'natural':
      base = flat;
      break;
    case 'mage':
    case 'draconic':
      base = 13 + dex;
      break;
    case 'unarmoredMonk':
      base = 10 + dex + abilityModOf(actor, 'wis');
      break;
    case 'unarmoredBarb':
      base = 10 + dex + abilityModOf(actor, 'con');
      break;
    case 'unarmoredBard':
      base = 10 + dex + abilityModOf(actor, 'cha');
      break;
    case 'default': {
      const armor = equipped(actor, (item) => ARMOR_TYPES.has(str(get(item.system, 'type.value')) ?? ''));
      if (!armor) {
        base = 10 + dex;
        break;
      }
      const kind = str(get(armor.system, 'type.value'));
      const cap = num(get(armor.system, 'armor.dex')) ?? (kind === 'heavy' ? 0 : kind === 'medium' ? 2 : null);
      base =
        (num(get(armor.system, 'armor.value')) ?? 10) +
        (cap === null ? dex : Math.min(dex, cap)) +
        (num(get(armor.system, 'armor.magicalBonus')) ?? 0);
      break;
    }
    default:
      // `custom` formulas need dnd5e's roll data; without a live value we do not guess.
      return null;
  }
  if (base === null) return null;
  const shield = equipped(actor, (item) => str(get(item.system, 'type.value')) === 'shield');
  const shieldBonus = shield
    ? (num(get(shield.system, 'armor.value')) ?? 0) + (num(get(shield.system, 'armor.magicalBonus')) ?? 0)
    : 0;
  const bonus = (num(get(ac, 'bonus')) ?? 0) + sumChanges(actor, 'system.attributes.ac.bonus');
  return base + shieldBonus + bonus;
}

function damageCritical(roll: RollData): CriticalVerdict {
  const critical = rollFlag(roll, 'isCritical') ?? (roll.options.isCritical === true || roll.options.critical === true);
  return critical ? { kind: 'success', source: 'system' } : NO_CRITICAL;
}

/** The options of the roll's d20 term (`D20Die` in 4.1+, `Die` with `critical`/`fumble` before). */
function d20Options(roll: RollData): Json {
  for (const term of roll.terms) {
    if (isRecord(term) && num(term.faces) === 20 && isRecord(term.options)) return term.options;
  }
  return {};
}

function d20Critical(roll: RollData): CriticalVerdict {
  const isCritical = rollFlag(roll, 'isCritical');
  const isFumble = rollFlag(roll, 'isFumble');
  if (isCritical) return { kind: 'success', source: 'system' };
  if (isFumble) return { kind: 'failure', source: 'system' };
  if (isCritical === false && isFumble === false) return NO_CRITICAL;
  // Stored data: dnd5e's thresholds (4.1+ `criticalSuccess`/`criticalFailure`, before `critical`/`fumble`).
  const natural = naturalD20(roll);
  if (natural === null) return NO_CRITICAL;
  const termOptions = d20Options(roll);
  const success =
    num(roll.options.criticalSuccess) ??
    num(roll.options.critical) ??
    num(termOptions.criticalSuccess) ??
    num(termOptions.critical);
  const failure =
    num(roll.options.criticalFailure) ??
    num(roll.options.fumble) ??
    num(termOptions.criticalFailure) ??
    num(termOptions.fumble);
  if (natural >= (success ?? 20)) return { kind: 'success', source: success === null ? 'natural' : 'system' };
  if (natural <= (failure ?? 1)) return { kind: 'failure', source: failure === null ? 'natural' : 'system' };
  return NO_CRITICAL;
}

export const dnd5eAdapter: SystemAdapter = {
  systems: ['dnd5e'],
  isCharacter: (actor) => actor.type === 'character' || actor.type === 'npc',
  characterType: (actor) => (actor.type === 'character' || actor.hasPlayerOwner === true ? 'pc' : 'npc'),

  stats(actor): CharacterStats {
    const system = actor.system;
    const abilities = readAbilities(system);
    const conMod = abilities.con?.mod ?? 0;
    const classes: CharacterClass[] = classItems(actor)
      .slice(0, 20)
      .map((item) => ({ name: clip(item.name, 200), level: classLevels(item) }));
    const liveLevel = int(get(system, 'details.level'));
    const level =
      actor.type === 'character'
        ? (liveLevel ?? (classes.length > 0 ? classes.reduce((n, c) => n + (c.level ?? 0), 0) : null))
        : null;
    const hpMax = num(get(system, 'attributes.hp.max')) ?? computedMaxHp(actor, conMod);
    return {
      hp: {
        current: num(get(system, 'attributes.hp.value')) ?? 0,
        max: nonNegative(hpMax),
        temp: Math.max(0, num(get(system, 'attributes.hp.temp')) ?? 0),
      },
      ac: nonNegative(num(get(system, 'attributes.ac.value')) ?? computedAc(actor)),
      abilities,
      level,
      classes,
    };
  },

  isInventoryItem: (item) => INVENTORY_TYPES.has(item.type),
  inventoryItem(item): InventoryItem {
    return baseInventoryItem(item, get(item.system, 'equipped') === true, readUses(item.system));
  },

  extensions(actor) {
    const cr = num(get(actor.system, 'details.cr'));
    return cr === null ? undefined : { cr };
  },

  roll(message, roll): RollVerdict {
    const flagType = str(get(message.flags, 'dnd5e.roll.type'));
    let rollType: RollType = (flagType && ROLL_TYPES[flagType]) || 'other';
    if (isInitiativeMessage(message)) rollType = 'initiative';
    if (rollType === 'damage' || rollType === 'healing' || roll.className === 'DamageRoll') {
      return { rollType, critical: damageCritical(roll) };
    }
    if (roll.className === 'D20Roll' || flagType !== null) return { rollType, critical: d20Critical(roll) };
    return { rollType, critical: naturalVerdict(roll) };
  },
};
