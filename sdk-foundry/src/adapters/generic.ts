import type { CharacterStats, InventoryItem, RollType } from '@tumulte/schemas';
import { get, num } from '../lib/data.js';
import { baseInventoryItem, nonNegative, readAbilities, readHp, readLevel, readUses } from './common.js';
import { isInitiativeMessage, naturalVerdict, type RollData } from './rolls.js';
import type { RollVerdict, SystemAdapter } from './types.js';

const PHYSICAL_FIELDS = ['quantity'];

/** Any system: the common data paths, and the natural 20/1 rule on a single d20. */
export const genericAdapter: SystemAdapter = {
  systems: [],
  isCharacter: (actor) => !['vehicle', 'loot', 'party', 'group', 'encounter', 'army', 'hazard'].includes(actor.type),
  characterType: (actor) => (actor.type === 'character' || actor.hasPlayerOwner === true ? 'pc' : 'npc'),
  stats(actor): CharacterStats {
    const system = actor.system;
    const hp = get(system, 'attributes.hp') !== undefined ? readHp(system) : readHp(system, 'hp');
    return {
      hp,
      ac: nonNegative(
        num(get(system, 'attributes.ac.value')) ?? num(get(system, 'ac.value')) ?? num(get(system, 'ac')),
      ),
      abilities: readAbilities(system),
      level: readLevel(system),
      classes: [],
    };
  },
  isInventoryItem: (item) => PHYSICAL_FIELDS.some((field) => num(get(item.system, field)) !== null),
  inventoryItem(item): InventoryItem {
    const equipped = get(item.system, 'equipped');
    return baseInventoryItem(item, equipped === true, readUses(item.system));
  },
  roll(message: Foundry.ChatMessage, roll: RollData): RollVerdict {
    const rollType: RollType = isInitiativeMessage(message) ? 'initiative' : 'other';
    return { rollType, critical: naturalVerdict(roll) };
  },
};
