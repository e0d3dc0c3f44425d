// Realistic module→server payloads (a dnd5e "Lost Mine of Phandelver" world, as in the contract's examples).
import type {
  CampaignSyncPayload,
  Character,
  CharacterDeletePayload,
  CharacterUpdatePayload,
  Combatant,
  CombatEndPayload,
  CombatStatePayload,
  DiceRollPayload,
  InventoryItem,
  InventoryItemUsedPayload,
  InventoryUpdatePayload,
  VttInboundEventName,
  VttInboundPayloads,
} from '@tumulte/schemas';
import { VTT_EVENTS } from '@tumulte/schemas';
import { ulid } from 'ulid';

export const WORLD_ID = 'lost-mine';
export const T0 = 1_764_064_800_000;

const base = (timestamp: number) => ({ eventId: ulid(), worldId: WORLD_ID, timestamp });

export const longsword: InventoryItem = {
  id: 'W8ewZ3nKbd1WzbH5',
  name: 'Longsword',
  type: 'weapon',
  quantity: 1,
  equipped: true,
  img: 'icons/weapons/swords/sword-guard-purple.webp',
  uses: null,
};

export const potion: InventoryItem = {
  id: 'P0t10nP0t10nP0t1',
  name: 'Potion of Healing',
  type: 'consumable',
  quantity: 2,
  equipped: false,
  img: null,
  uses: null,
};

export function randal(hp = 12, inventory: InventoryItem[] = [longsword, potion]): Character {
  return {
    vttCharacterId: '2Pdtnswo8Nj2nafY',
    name: 'Randal',
    avatarUrl: 'systems/dnd5e/tokens/heroes/FighterRandal.webp',
    characterType: 'pc',
    stats: {
      hp: { current: hp, max: 12, temp: 0 },
      ac: 18,
      abilities: { str: { value: 16, mod: 3 }, dex: { value: 14, mod: 2 } },
      level: 1,
      classes: [{ name: 'Fighter', level: 1 }],
    },
    inventory,
    metadata: { system: 'dnd5e', systemVersion: '5.3.3' },
  };
}

export function goblin(hp = 7): Character {
  return {
    vttCharacterId: 'gob1inAAAAAAAAAA',
    name: 'Goblin',
    avatarUrl: null,
    characterType: 'npc',
    stats: { hp: { current: hp, max: 7, temp: 0 }, ac: 15, abilities: {}, level: null, classes: [] },
    inventory: [],
    metadata: { system: 'dnd5e', systemVersion: '5.3.3', extensions: { dnd5e: { cr: 0.25 } } },
  };
}

export const characterUpdate = (character: Character, timestamp = T0): CharacterUpdatePayload => ({
  ...base(timestamp),
  character,
});

export const characterDelete = (vttCharacterId: string, timestamp = T0): CharacterDeletePayload => ({
  ...base(timestamp),
  vttCharacterId,
});

export function diceRoll(overrides: Partial<DiceRollPayload> = {}, timestamp = T0): DiceRollPayload {
  const messageId = overrides.messageId ?? `msg${ulid().slice(-13)}`;
  return {
    ...base(timestamp),
    rollId: `${messageId}.0`,
    messageId,
    character: { id: '2Pdtnswo8Nj2nafY', name: 'Randal', img: null },
    result: { formula: '1d20 + 5', total: 17, dice: [{ faces: 20, results: [{ value: 12, active: true }] }] },
    rollType: 'attack',
    critical: { kind: 'none', source: null },
    visibility: 'public',
    flavor: 'Longsword - Attack Roll',
    ...overrides,
  };
}

/** A d20 roll whose kept die shows `value`, with no verdict from the module. */
export function d20Roll(value: number, overrides: Partial<DiceRollPayload> = {}, timestamp = T0): DiceRollPayload {
  return diceRoll(
    {
      result: { formula: '1d20 + 5', total: value + 5, dice: [{ faces: 20, results: [{ value, active: true }] }] },
      ...overrides,
    },
    timestamp,
  );
}

export const randalCombatant: Combatant = {
  id: 'cbt0000000000001',
  characterId: '2Pdtnswo8Nj2nafY',
  name: 'Randal',
  img: null,
  initiative: 17,
  isDefeated: false,
  isNPC: false,
  isHidden: false,
};

export const goblinCombatant: Combatant = {
  id: 'cbt0000000000002',
  characterId: 'gob1inAAAAAAAAAA',
  name: 'Goblin',
  img: null,
  initiative: 12,
  isDefeated: false,
  isNPC: true,
  isHidden: false,
};

export const lurkerCombatant: Combatant = {
  id: 'cbt0000000000003',
  characterId: null,
  name: 'Hidden Bugbear',
  img: null,
  initiative: 9,
  isDefeated: false,
  isNPC: true,
  isHidden: true,
};

export function combatState(
  round: number,
  turn: number | null,
  combatants: Combatant[] = [randalCombatant, goblinCombatant],
  timestamp = T0,
  combatId = 'kqJ0vOmYxsfW3Gz4',
): CombatStatePayload {
  return {
    ...base(timestamp),
    combatId,
    round,
    turn,
    currentCombatant: turn === null ? null : (combatants[turn] ?? null),
    combatants,
  };
}

export const combatEnd = (timestamp = T0, combatId = 'kqJ0vOmYxsfW3Gz4'): CombatEndPayload => ({
  ...base(timestamp),
  combatId,
});

export const inventoryUpdate = (items: InventoryItem[], timestamp = T0): InventoryUpdatePayload => ({
  ...base(timestamp),
  vttCharacterId: '2Pdtnswo8Nj2nafY',
  items,
});

export const potionUsed = (timestamp = T0): InventoryItemUsedPayload => ({
  ...base(timestamp),
  vttCharacterId: '2Pdtnswo8Nj2nafY',
  item: { ...potion, quantity: 1 },
  quantityBefore: 2,
  quantityAfter: 1,
  usesBefore: null,
  usesAfter: null,
});

export function campaignSync(
  characters: Character[] = [randal()],
  combat: CampaignSyncPayload['combat'] = null,
  timestamp = T0,
): CampaignSyncPayload {
  return {
    ...base(timestamp),
    world: {
      name: 'Lost Mine of Phandelver',
      system: { id: 'dnd5e', version: '5.3.3' },
      vtt: { name: 'foundry', version: '13.348' },
      moduleVersion: '1.0.0',
    },
    characters,
    combat,
  };
}

/** One valid payload of every event a module sends, fresh event ids each call. */
export function oneOfEach(timestamp = T0): { [E in VttInboundEventName]: VttInboundPayloads[E] } {
  return {
    [VTT_EVENTS.campaignSync]: campaignSync([randal(), goblin()], null, timestamp),
    [VTT_EVENTS.diceRoll]: d20Roll(20, {}, timestamp),
    [VTT_EVENTS.characterUpdate]: characterUpdate(randal(9), timestamp + 1),
    [VTT_EVENTS.characterDelete]: characterDelete('gob1inAAAAAAAAAA', timestamp + 2),
    [VTT_EVENTS.combatStart]: combatState(1, 0, undefined, timestamp + 3),
    [VTT_EVENTS.combatUpdate]: combatState(
      1,
      0,
      [randalCombatant, { ...goblinCombatant, isDefeated: true }],
      timestamp + 4,
    ),
    [VTT_EVENTS.combatTurn]: combatState(1, 1, undefined, timestamp + 5),
    [VTT_EVENTS.combatRound]: combatState(2, 0, undefined, timestamp + 6),
    [VTT_EVENTS.combatEnd]: combatEnd(timestamp + 7),
    [VTT_EVENTS.inventoryUpdate]: inventoryUpdate([longsword, potion], timestamp + 8),
    [VTT_EVENTS.inventoryItemUsed]: potionUsed(timestamp + 9),
  };
}
