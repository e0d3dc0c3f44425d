import type { CharacterStats, CriticalVerdict, InventoryItem, ItemUses, RollType } from '@tumulte/schemas';
import type { RollData } from './rolls.js';

/** What an adapter says about one roll of a chat message. */
export interface RollVerdict {
  readonly rollType: RollType;
  readonly critical: CriticalVerdict;
}

/**
 * Everything system-specific. Adapters read live documents (derived values present) and fall back to computing
 * derived values from source data (packs, imports) when they are missing. Register more with
 * `game.modules.get('tumulte-integration').api.registerAdapter(adapter)`.
 */
export interface SystemAdapter {
  /** The `game.system.id` values this adapter serves. */
  readonly systems: readonly string[];
  /** Whether an actor is a character at all (vehicles, loot piles, parties are not). */
  isCharacter(actor: Foundry.Actor): boolean;
  characterType(actor: Foundry.Actor): 'pc' | 'npc';
  stats(actor: Foundry.Actor): CharacterStats;
  /** Whether an owned item is inventory (weapons, gear…) rather than a feature, spell or class. */
  isInventoryItem(item: Foundry.Item): boolean;
  inventoryItem(item: Foundry.Item): InventoryItem;
  /** System-specific extras under `metadata.extensions[<system>]`, or undefined. */
  extensions?(actor: Foundry.Actor): Record<string, unknown> | undefined;
  roll(message: Foundry.ChatMessage, roll: RollData, index: number): RollVerdict;
}

export type { ItemUses };
