import type { InventoryItem } from '@tumulte/schemas';
import type { Collector, CollectorContext } from './context.js';
import { HookSet } from './context.js';

/**
 * Inventory of shared characters: `inventory:update` (the whole inventory, coalesced per actor) when an owned
 * item is created, changed or deleted; `inventory:item-used` when an item's quantity or remaining uses go down
 * (or a consumable disappears, as dnd5e does with its last use). "Before" values come from a cache of the last
 * seen state: `preUpdateItem` only fires on the client that made the change, which is often a player's.
 */
export class InventoryCollector implements Collector {
  readonly name = 'inventory';
  private readonly hooks: HookSet;
  private readonly lastSeen = new Map<string, InventoryItem>();

  constructor(private readonly ctx: CollectorContext) {
    this.hooks = new HookSet(ctx.env.Hooks);
  }

  start(): void {
    for (const actor of this.ctx.book.sharedActors()) for (const item of actor.items) this.remember(item);
    // An actor created with its items (an import, a compendium drag) fires no createItem for them.
    this.hooks.on('createActor', (actor: Foundry.Actor) => {
      for (const item of actor.items) this.remember(item);
    });
    this.hooks.on('createItem', (item: Foundry.Item) => this.changed(item, 'create'));
    this.hooks.on('updateItem', (item: Foundry.Item) => this.changed(item, 'update'));
    this.hooks.on('deleteItem', (item: Foundry.Item) => this.changed(item, 'delete'));
  }

  stop(): void {
    this.hooks.clear();
    this.lastSeen.clear();
  }

  private remember(item: Foundry.Item): InventoryItem | null {
    if (!this.ctx.adapter.isInventoryItem(item)) return null;
    const state = this.ctx.adapter.inventoryItem(item);
    this.lastSeen.set(item.id, state);
    return state;
  }

  private changed(item: Foundry.Item, kind: 'create' | 'update' | 'delete'): void {
    const actor = item.parent;
    if (!actor?.id || !this.ctx.adapter.isInventoryItem(item)) return;
    const before = this.lastSeen.get(item.id);
    const shared = this.ctx.book.isShared(actor);
    let after: InventoryItem | null = null;
    if (kind === 'delete') this.lastSeen.delete(item.id);
    else after = this.remember(item);
    if (!shared) return;

    if (before && kind === 'update' && after) this.reportUse(actor.id, before, after);
    if (before && kind === 'delete' && item.type === 'consumable') {
      this.reportUse(actor.id, before, {
        ...before,
        quantity: 0,
        uses: before.uses ? { ...before.uses, value: 0 } : null,
      });
    }
    this.ctx.coalescer.schedule(`inventory:${actor.id}`, () => this.sendInventory(actor.id));
  }

  private reportUse(actorId: string, before: InventoryItem, after: InventoryItem): void {
    const quantityDown = after.quantity < before.quantity;
    const usesDown = before.uses !== null && after.uses !== null && after.uses.value < before.uses.value;
    if (!quantityDown && !usesDown) return;
    this.ctx.queue('inventory:item-used', {
      vttCharacterId: actorId,
      item: after,
      quantityBefore: before.quantity,
      quantityAfter: after.quantity,
      usesBefore: before.uses?.value ?? null,
      usesAfter: after.uses?.value ?? null,
    });
  }

  private sendInventory(actorId: string): void {
    const actor = this.ctx.env.game.actors.get(actorId);
    if (!actor || !this.ctx.book.isShared(actor)) return;
    this.ctx.queue(
      'inventory:update',
      { vttCharacterId: actorId, items: this.ctx.book.inventory(actor) },
      { supersedes: `inventory:${actorId}` },
    );
  }
}
