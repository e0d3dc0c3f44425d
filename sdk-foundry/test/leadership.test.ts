// Only the active GM sends: a second GM, a second tab of the same GM and the players send nothing; when the
// active GM leaves, the next GM takes over.
import { describe, expect, it, vi } from 'vitest';
import { chatMessage } from './sim/fixtures.js';
import { queuedOf } from './sim/harness.js';
import { BrowserProfile, standardWorld } from './sim/runtime.js';

const publicRoll = (id: string) => ({ ...chatMessage('dnd5e-d20roll-attack-guiding-bolt'), _id: id });

describe('leadership', () => {
  it('the active GM sends; a second GM and a player send nothing', async () => {
    const { world, gm, gm2, player } = standardWorld();
    const gmTab = world.connect(gm);
    const coGmTab = world.connect(gm2);
    const playerTab = world.connect(player);
    const [lead, co, pl] = await Promise.all([gmTab.start(), coGmTab.start(), playerTab.start()]);
    expect(lead.isLeader).toBe(true);
    expect(co.isLeader).toBe(false);
    expect(pl.isLeader).toBe(false);
    world.createChatMessage(publicRoll('leaderRollMsg001'), playerTab);
    expect(queuedOf(lead, 'dice:roll')).toHaveLength(1);
    expect(co.outbox).toBeNull();
    expect(coGmTab.Hooks.count('createChatMessage')).toBe(0);
    expect(co.indicator.current.state).toBe('standby');
  });

  it('a second tab of the same GM (same browser) sends nothing, then takes over when the first closes', async () => {
    const { world, gm } = standardWorld();
    const browser = new BrowserProfile();
    const first = world.connect(gm, browser);
    const second = world.connect(gm, browser);
    const a = await first.start();
    const b = await second.start();
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    world.createChatMessage(publicRoll('twoTabsRollMsg01'));
    expect(queuedOf(a, 'dice:roll')).toHaveLength(1);
    expect(b.outbox).toBeNull();

    first.unload();
    await vi.waitFor(() => expect(b.isLeader).toBe(true), { timeout: 10_000 });
    // The queued roll was persisted by the first tab; the second tab reads it from the shared storage.
    expect(queuedOf(b, 'dice:roll')).toHaveLength(1);
  });

  it('when the active GM leaves, the other GM becomes the sender', async () => {
    const { world, gm, gm2 } = standardWorld();
    const gmTab = world.connect(gm);
    const coGmTab = world.connect(gm2);
    await gmTab.start();
    const co = await coGmTab.start();
    expect(co.isLeader).toBe(false);
    world.disconnect(gmTab);
    await vi.waitFor(() => expect(co.isLeader).toBe(true), { timeout: 10_000 });
    world.createChatMessage(publicRoll('takeoverRollMsg1'));
    expect(queuedOf(co, 'dice:roll')).toHaveLength(1);
  });
});
