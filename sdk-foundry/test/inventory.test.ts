// Inventory of shared characters: inventory:update (coalesced per actor) and inventory:item-used when a
// quantity or a use count goes down, from the real fixture items (dnd5e 4+ `uses.spent`, pf2e `charges`).
import { InventoryItemUsedPayloadSchema } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';
import { chatMessage, dnd5eActor, pf2eActor } from './sim/fixtures.js';
import { addActor, drain, queuedOf, table } from './sim/harness.js';

describe('inventory', () => {
  it('a torch burnt (quantity 10 → 9) is an item-used and a new inventory', async () => {
    const t = await table();
    const randal = addActor(t.world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    drain(t.module);
    const torch = [...randal.items].find((i) => i.name === 'Torch');
    if (!torch) throw new Error('no torch');
    expect(torch.system.quantity).toBe(10);
    t.world.updateItem(torch, { 'system.quantity': 9 });
    const used = queuedOf(t.module, 'inventory:item-used');
    expect(used).toHaveLength(1);
    expect(InventoryItemUsedPayloadSchema.safeParse(used[0]).success).toBe(true);
    expect(used[0]).toMatchObject({
      vttCharacterId: randal.id,
      quantityBefore: 10,
      quantityAfter: 9,
      item: { id: torch.id, quantity: 9 },
    });
    const inventories = queuedOf(t.module, 'inventory:update');
    expect(inventories).toHaveLength(1);
    expect(inventories[0]?.items.find((i) => i.id === torch.id)?.quantity).toBe(9);
    // Stats did not change: no character:update for an inventory change.
    expect(queuedOf(t.module, 'character:update')).toHaveLength(0);
  });

  it('a waterskin sip (dnd5e 4+ uses.spent 0 → 1 of 4) is an item-used on uses', async () => {
    const t = await table();
    const randal = addActor(t.world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    drain(t.module);
    const waterskin = [...randal.items].find((i) => i.name === 'Waterskin');
    if (!waterskin) throw new Error('no waterskin');
    t.world.updateItem(waterskin, { 'system.uses.spent': 1 });
    expect(queuedOf(t.module, 'inventory:item-used')[0]).toMatchObject({
      quantityBefore: 1,
      quantityAfter: 1,
      usesBefore: 4,
      usesAfter: 3,
      item: { uses: { value: 3, max: 4 } },
    });
  });

  it('the last ration eaten (a consumable deleted) is an item-used down to 0; gaining items is not', async () => {
    const t = await table();
    const zanna = addActor(t.world, dnd5eActor('zanna-gnome-wizard'), { playerOwned: true });
    drain(t.module);
    const rations = [...zanna.items].find((i) => i.name === 'Rations');
    const torch = [...zanna.items].find((i) => i.name === 'Torch');
    if (!rations || !torch) throw new Error('fixture items missing');
    t.world.updateItem(torch, { 'system.quantity': 12 });
    t.world.deleteItem(rations);
    const used = queuedOf(t.module, 'inventory:item-used');
    expect(used).toHaveLength(1);
    expect(used[0]).toMatchObject({ item: { id: rations.id }, quantityBefore: 10, quantityAfter: 0 });
    const [inventory] = queuedOf(t.module, 'inventory:update');
    expect(inventory?.items.some((i) => i.id === rations.id)).toBe(false);
  });

  it('pf2e: an elixir drunk (charges 1 → 0) and items of unshared NPCs are ignored', async () => {
    const t = await table({ system: 'pf2e' });
    const valeros = addActor(t.world, pf2eActor('valeros-level-1'), { playerOwned: true });
    const npc = addActor(t.world, { ...dnd5eActor('goblin'), type: 'npc' });
    drain(t.module);
    const elixir = [...valeros.items].find((i) => i.name === 'Elixir of Life (Minor)');
    if (!elixir) throw new Error('no elixir');
    t.world.updateItem(elixir, { 'system.charges.value': 0 });
    expect(queuedOf(t.module, 'inventory:item-used')[0]).toMatchObject({ usesBefore: 1, usesAfter: 0 });
    drain(t.module);
    const scimitar = [...npc.items][0];
    if (scimitar) t.world.updateItem(scimitar, { 'system.quantity': 0 });
    expect(queuedOf(t.module, 'inventory:item-used')).toHaveLength(0);
  });
});

describe('settings', () => {
  it('a collector switched off sends nothing; switched on again it does', async () => {
    const t = await table();
    await t.gmClient.game.settings.set('tumulte-integration', 'collectDice', false);
    const roll = (id: string) => ({ ...chatMessage('dnd5e-d20roll-attack-guiding-bolt'), _id: id });
    t.world.createChatMessage(roll('diceOffRollMsg01'));
    expect(queuedOf(t.module, 'dice:roll')).toHaveLength(0);
    await t.gmClient.game.settings.set('tumulte-integration', 'collectDice', true);
    t.world.createChatMessage(roll('diceOnRollMsg001'));
    expect(queuedOf(t.module, 'dice:roll')).toHaveLength(1);
  });

  it('inventory switched off: characters carry no inventory', async () => {
    const t = await table();
    await t.gmClient.game.settings.set('tumulte-integration', 'collectInventory', false);
    addActor(t.world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    expect(queuedOf(t.module, 'character:update')[0]?.character.inventory).toEqual([]);
  });
});
