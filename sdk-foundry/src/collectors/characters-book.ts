import type { Character } from '@tumulte/schemas';
import { actorImage } from '../adapters/common.js';
import type { SystemAdapter } from '../adapters/types.js';
import type { FoundryEnv } from '../env.js';
import { clip } from '../lib/data.js';

/** Which NPCs are shared: none, those fighting visibly in the active combat, or all. PCs always are. */
export type NpcVisibility = 'none' | 'combat' | 'all';

/** Builds contract `Character`s from actors and remembers what was last sent, per actor. */
export class CharacterBook {
  /** Actor id → dedup key of the last state sent. */
  private readonly sent = new Map<string, string>();

  constructor(
    private readonly env: FoundryEnv,
    private readonly adapter: SystemAdapter,
    private readonly npcVisibility: () => NpcVisibility,
    private readonly includeInventory: () => boolean,
  ) {}

  build(actor: Foundry.Actor): Character {
    const { game } = this.env;
    const extensions = this.adapter.extensions?.(actor);
    const inventory = this.includeInventory() ? this.inventory(actor) : [];
    return {
      vttCharacterId: actor.id,
      name: clip(actor.name ?? '', 200),
      avatarUrl: actorImage(actor),
      characterType: this.adapter.characterType(actor),
      stats: this.adapter.stats(actor),
      inventory,
      metadata: {
        system: clip(game.system.id, 64),
        systemVersion: clip(game.system.version ?? '', 64),
        ...(extensions ? { extensions: { [game.system.id]: extensions } } : {}),
      },
    };
  }

  inventory(actor: Foundry.Actor): Character['inventory'] {
    return [...actor.items]
      .filter((item) => this.adapter.isInventoryItem(item))
      .slice(0, 1000)
      .map((item) => this.adapter.inventoryItem(item));
  }

  isShared(actor: Foundry.Actor): boolean {
    if (!this.adapter.isCharacter(actor)) return false;
    if (this.adapter.characterType(actor) === 'pc') return true;
    switch (this.npcVisibility()) {
      case 'all':
        return true;
      case 'combat':
        return this.fightsVisibly(actor.id);
      default:
        return false;
    }
  }

  sharedActors(): Foundry.Actor[] {
    return [...this.env.game.actors].filter((actor) => this.isShared(actor)).slice(0, 500);
  }

  characters(): Character[] {
    return this.sharedActors().map((actor) => this.build(actor));
  }

  /** The key compared to skip resending an unchanged character (inventory has its own event). */
  dedupKey(character: Character): string {
    return JSON.stringify({ ...character, inventory: this.includeInventory() ? null : character.inventory });
  }

  wasSent(actorId: string): boolean {
    return this.sent.has(actorId);
  }

  /** Records a state as sent; returns false when it equals the last one sent. */
  markSent(character: Character): boolean {
    const key = this.dedupKey(character);
    if (this.sent.get(character.vttCharacterId) === key) return false;
    this.sent.set(character.vttCharacterId, key);
    return true;
  }

  forget(actorId: string): void {
    this.sent.delete(actorId);
  }

  /** After a campaign sync: exactly these characters are known to the server. */
  resetTo(characters: readonly Character[]): void {
    this.sent.clear();
    for (const character of characters) this.sent.set(character.vttCharacterId, this.dedupKey(character));
  }

  sentIds(): string[] {
    return [...this.sent.keys()];
  }

  private fightsVisibly(actorId: string): boolean {
    const combat = this.env.game.combats.active;
    if (!combat) return false;
    return [...combat.combatants].some((c) => (c.actor?.id ?? c.actorId) === actorId && c.hidden !== true);
  }
}
