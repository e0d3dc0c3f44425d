// The server's limits: events paced under its rate, a sync too large for one event split in two steps.
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../src/lib/rate.js';
import { dnd5eActor } from './sim/fixtures.js';
import { addActor, drain, queued, table } from './sim/harness.js';

describe('token bucket', () => {
  it('lets a burst through, then paces at the configured rate', () => {
    let now = 0;
    const bucket = new TokenBucket(() => now, 45, 180);
    expect(bucket.available(200)).toBe(180);
    bucket.take(180);
    expect(bucket.available(8)).toBe(0);
    expect(bucket.waitMs()).toBe(Math.ceil(1000 / 45));
    now += 1000;
    expect(bucket.available(100)).toBe(45);
    bucket.configure(10, 5);
    expect(bucket.available(100)).toBe(5);
  });
});

describe('campaign sync size', () => {
  it('a sync larger than the server accepts goes without inventories, then one inventory:update per character', async () => {
    const t = await table();
    const randal = addActor(t.world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    for (let n = 0; n < 700; n += 1) {
      t.world.createItem(randal, {
        _id: `simLoot${String(n).padStart(9, '0')}`,
        name: `Gem of the deep caverns, number ${n}`,
        type: 'loot',
        system: { quantity: 1 },
      });
    }
    drain(t.module);
    t.module.queueSync();
    const events = queued(t.module);
    expect(events.map((e) => e.event)).toEqual(['campaign:sync', 'inventory:update']);
    const sync = events[0]?.payload as { characters: Array<{ inventory: unknown[] }> };
    expect(sync.characters[0]?.inventory).toEqual([]);
    const inventory = events[1]?.payload as { items: unknown[] };
    expect(inventory.items.length).toBeGreaterThan(700); // the 700 gems and the fixture's own gear
  });

  it('a character too large for one event goes as stats, then its inventory', async () => {
    const t = await table();
    const randal = addActor(t.world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    drain(t.module);
    for (let n = 0; n < 700; n += 1) {
      t.world.createItem(randal, {
        _id: `simLoot${String(n).padStart(9, '0')}`,
        name: `Gem of the deep caverns, number ${n}`,
        type: 'loot',
        system: { quantity: 1 },
      });
    }
    t.world.updateActor(randal, { 'system.attributes.hp.value': 3 });
    const events = queued(t.module).filter((e) => e.event === 'character:update' || e.event === 'inventory:update');
    const update = events.find((e) => e.event === 'character:update')?.payload as {
      character: { inventory: unknown[]; stats: { hp: { current: number } } };
    };
    expect(update.character.inventory).toEqual([]);
    expect(update.character.stats.hp.current).toBe(3);
    expect(events.some((e) => e.event === 'inventory:update')).toBe(true);
  });

  it('a normal sync is one event with the inventories', async () => {
    const t = await table();
    addActor(t.world, dnd5eActor('zanna-gnome-wizard'), { playerOwned: true });
    drain(t.module);
    t.module.queueSync();
    const events = queued(t.module);
    expect(events.map((e) => e.event)).toEqual(['campaign:sync']);
    const sync = events[0]?.payload as { characters: Array<{ inventory: unknown[] }> } | undefined;
    expect(sync?.characters[0]?.inventory.length).toBeGreaterThan(0);
  });
});
