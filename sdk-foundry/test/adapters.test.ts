// The adapter registration API (`game.modules.get('tumulte-integration').api.registerAdapter`), chosen by
// `game.system.id`, and the generic adapter for systems nobody registered.
import { describe, expect, it } from 'vitest';
import type { SystemAdapter } from '../src/adapters/types.js';
import type { TumulteApi } from '../src/module.js';
import { chatMessage, dnd5eActor } from './sim/fixtures.js';
import { addActor, queuedOf } from './sim/harness.js';
import { standardWorld } from './sim/runtime.js';

const custom: SystemAdapter = {
  systems: ['mysystem'],
  isCharacter: (actor) => actor.type === 'character',
  characterType: () => 'pc',
  stats: (actor) => ({
    hp: { current: Number((actor.system.wounds as { value?: number } | undefined)?.value ?? 0), max: 5, temp: 0 },
    ac: null,
    abilities: { grit: { value: null, mod: 2 } },
    level: 3,
    classes: [{ name: 'Detective', level: 3 }],
  }),
  isInventoryItem: () => false,
  inventoryItem: (item) => ({
    id: item.id,
    name: item.name,
    type: item.type,
    quantity: 1,
    equipped: false,
    img: null,
    uses: null,
  }),
  extensions: () => ({ sanity: 42 }),
  roll: () => ({ rollType: 'check', critical: { kind: 'failure', source: 'system' } }),
};

describe('adapters', () => {
  it('a module registers an adapter for its system before ready; the module uses it', async () => {
    const { world, gm } = standardWorld({ system: 'mysystem', systemVersion: '2.0' });
    const tab = world.connect(gm);
    tab.Hooks.once('setup', () => (tab.moduleRecord.api as TumulteApi).registerAdapter(custom));
    const module = await tab.start();
    expect(module.adapter).toBe(custom);
    addActor(world, {
      _id: 'detective0000001',
      name: 'Ada',
      type: 'character',
      system: { wounds: { value: 4 } },
      items: [],
    });
    const [update] = queuedOf(module, 'character:update');
    expect(update?.character).toMatchObject({
      stats: { hp: { current: 4, max: 5 }, level: 3, abilities: { grit: { value: null, mod: 2 } } },
      metadata: { system: 'mysystem', systemVersion: '2.0', extensions: { mysystem: { sanity: 42 } } },
    });
    world.createChatMessage({ ...chatMessage('dnd5e-d20roll-attack-guiding-bolt'), _id: 'customRollMsg001' });
    expect(queuedOf(module, 'dice:roll')[0]).toMatchObject({
      rollType: 'check',
      critical: { kind: 'failure', source: 'system' },
    });
  });

  it('refuses an adapter without the required methods', async () => {
    const { world, gm } = standardWorld();
    const tab = world.connect(gm);
    await tab.start();
    expect(() =>
      (tab.moduleRecord.api as TumulteApi).registerAdapter({ systems: ['x'] } as unknown as SystemAdapter),
    ).toThrow(/needs `systems`, `stats\(\)` and `roll\(\)`/);
  });

  it('an unknown system gets the generic adapter: common paths, PC by ownership', async () => {
    const { world, gm } = standardWorld({ system: 'someother' });
    const tab = world.connect(gm);
    const module = await tab.start();
    addActor(world, { ...dnd5eActor('goblin'), type: 'monster' }, { playerOwned: true });
    const [update] = queuedOf(module, 'character:update');
    expect(update?.character).toMatchObject({
      characterType: 'pc',
      stats: { hp: { current: 7, max: 7, temp: 0 }, abilities: { dex: { value: 14, mod: 2 } } },
    });
  });
});
