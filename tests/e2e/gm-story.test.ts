// The GM's story, end to end, with every real component: the BUILT Foundry module (the bundle a GM installs)
// in the simulated Foundry runtime, the real server on 127.0.0.1 (fresh SQLite data directory), the real overlay
// app in headless Chromium (the OBS browser source and two viewers' vote pages).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, type TumulteServer } from '@tumulte/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chatMessage, dnd5eActor, type Source } from '../../sdk-foundry/test/sim/fixtures.js';
import { addActor } from '../../sdk-foundry/test/sim/harness.js';
import { type FakeChatMessage, standardWorld } from '../../sdk-foundry/test/sim/runtime.js';
import { launchChromium, paintStreamBackground, screenshot, watchProblems } from './chromium.js';
import { DashboardApi } from './dashboard-api.js';
import { ensureBuilt, ensureModuleBuilt, type FoundryPage, MODULE_ID, openFoundryPage, ROOT } from './foundry-page.js';

/** How long to wait for something to show (a bound on waiting, never an assertion about time). */
const WAIT = { timeout: 20_000, interval: 50 };
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, WAIT);

let dataDir: string;
let server: TumulteServer;
let browser: Browser;
let foundry: FoundryPage | null = null;
const pageProblems: string[] = [];

beforeAll(async () => {
  ensureModuleBuilt();
  ensureBuilt('@tumulte/overlay', join(ROOT, 'overlay', 'dist', 'index.html'), [join(ROOT, 'overlay', 'src')]);
  dataDir = mkdtempSync(join(tmpdir(), 'tumulte-gm-story-'));
  server = await buildServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await foundry?.close();
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The real natural-20 message of the fixtures (advantage, kept 20), rolled publicly by Zanna's player. */
function zannaRollsANatural20(playerId: string, zannaId: string): Source {
  const message = chatMessage('dnd5e-d20roll-skill-advantage-nat20');
  const roll = JSON.parse(String((message.rolls as unknown[])[0])) as { options: Record<string, unknown> };
  roll.options.rollMode = 'publicroll';
  return {
    ...message,
    _id: 'zannaNat20Msg001',
    user: playerId,
    whisper: [],
    speaker: { actor: zannaId, alias: 'Zanna', token: null, scene: null },
    rolls: [JSON.stringify(roll)],
    timestamp: Date.now(),
  };
}

describe('the GM’s story', () => {
  it('pairs the built Foundry module, syncs the party, shows a natural 20 and a combat on the overlay, and brings an audience poll back into the Foundry chat', async () => {
    const ownerToken = server.firstRun?.ownerToken;
    if (!ownerToken) throw new Error('the fresh data directory should have created the owner');
    const origin = await server.listen();
    const dashboard = new DashboardApi(origin, ownerToken);

    // 1. The GM opens the "Lost Mine of Phandelver" world (dnd5e) in Foundry with Tumulte enabled. The party —
    //    Beiro, Randal and Zanna, played by the players — and two monsters are in the world.
    const { world, gm, player } = standardWorld({ system: 'dnd5e' });
    const beiro = addActor(world, dnd5eActor('beiro-half-elf-bard'), { playerOwned: true });
    const randal = addActor(world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    const zanna = addActor(world, dnd5eActor('zanna-gnome-wizard'), { playerOwned: true });
    const goblin = addActor(world, dnd5eActor('goblin'));
    const dragon = addActor(world, dnd5eActor('young-red-dragon'));
    const gmTab = world.connect(gm);
    foundry = await openFoundryPage(gmTab, async () => {
      await gmTab.game.settings.set(MODULE_ID, 'serverUrl', origin);
    });
    await until(() => expect(foundry?.api.status()?.state).toBe('unpaired'));
    const players = foundry.renderPlayersList();
    expect(players.querySelector('.tumulte-status')?.textContent).toBe('Tumulte · Not paired (click to pair)');

    // 2. The GM clicks "Pair with Tumulte": the dialog shows a link, its QR code and a short code.
    foundry.api.openPairingDialog();
    await until(() => expect(foundry?.pairingDialog()?.status).toBe('waiting'));
    const dialog = foundry.pairingDialog();
    expect(dialog?.url?.startsWith(`${origin}/pair#`)).toBe(true);
    expect(dialog?.qrSvg).toContain('<svg');
    expect(dialog?.worldName).toBe('Lost Mine of Phandelver');

    // 3. The streamer pastes the link in the dashboard, checks the code and the world, and confirms.
    const pairingToken = String(dialog?.url);
    const preview = await dashboard.call('POST /vtt/pair/preview', { body: { pairingToken } });
    expect(preview).toMatchObject({
      pairingCode: dialog?.code,
      worldName: 'Lost Mine of Phandelver',
      gmName: 'Gamemaster',
      algorithm: 'ES256',
    });
    const { connectionId } = await dashboard.call('POST /vtt/pair', { body: { pairingToken } });
    // The dialog closes by itself and the module connects.
    await until(() => expect(foundry?.pairingDialog()?.closed).toBe(true));
    await until(() => expect(foundry?.api.status()?.state).toBe('connected'));
    expect(gmTab.notifications).toContainEqual({ level: 'info', message: expect.stringContaining('paired') });
    await until(() => expect(players.querySelector('.tumulte-status')?.getAttribute('data-state')).toBe('connected'));
    expect(players.querySelector('.tumulte-status')?.textContent).toMatch(/^Tumulte · Connected/);
    // The tokens stay in the GM's browser (localStorage), never in world settings every player can read.
    expect(foundry.window.localStorage.getItem(`${MODULE_ID}.lost-mine.session`)).toContain(connectionId);
    expect(JSON.stringify([...world.settings.values.values()])).not.toContain('refreshToken');
    // The dashboard sees the world online; its game system arrives with the module's campaign sync.
    await until(async () => {
      const status = await dashboard.call('GET /vtt/connections/:id/status', { params: { id: connectionId } });
      expect(status).toMatchObject({
        online: true,
        world: { id: 'lost-mine', name: 'Lost Mine of Phandelver', system: 'dnd5e' },
      });
    });

    // 4. The streamer creates an overlay link and adds it to OBS as a browser source (1920×1080): the party
    //    the module synced appears — the three player characters, no monster.
    const link = await dashboard.call('POST /api/overlays', { body: { connectionId, label: 'Main scene' } });
    const obs = watchProblems(await browser.newPage({ viewport: { width: 1920, height: 1080 } }), pageProblems);
    obs.setDefaultTimeout(WAIT.timeout);
    await obs.goto(`${origin}${link.url}`);
    await obs.locator('main.overlay[data-ready="true"]').waitFor();
    await paintStreamBackground(obs);
    await expect.poll(() => memberIds(obs), WAIT).toEqual([beiro.id, randal.id, zanna.id].sort());
    for (const pc of [beiro, randal, zanna]) {
      expect(await obs.locator(`[data-character-id="${pc.id}"] .party__name`).textContent()).toBe(pc.name);
    }
    expect(await obs.getByText(goblin.name).count()).toBe(0);

    // 5. Zanna's player rolls a natural 20 (Perception, with advantage): OBS shows the critical alert.
    world.createChatMessage(zannaRollsANatural20(player.id, zanna.id));
    const alert = obs.locator('.crit[data-roll-id="zannaNat20Msg001.0"]');
    await alert.waitFor();
    expect(await alert.getAttribute('data-kind')).toBe('success');
    expect(await alert.locator('.crit__name').textContent()).toBe('Zanna');
    expect(await alert.locator('.crit__total').textContent()).toBe('21');
    await screenshot(obs, 'gm-story-1-natural-20');

    // 6. A goblin ambush: the GM starts a combat (the dragon watches, hidden) and plays two rounds.
    const fight = world.createCombat({ _id: 'cragmawAmbush001' }, gmTab);
    world.addCombatants(
      fight,
      [
        { _id: 'cbtRandal0000001', actorId: randal.id, initiative: 18 },
        { _id: 'cbtGoblin0000001', actorId: goblin.id, initiative: 15 },
        { _id: 'cbtZanna00000001', actorId: zanna.id, initiative: 12 },
        { _id: 'cbtBeiro00000001', actorId: beiro.id, initiative: 7 },
        { _id: 'cbtDragon0000001', actorId: dragon.id, initiative: 22, hidden: true },
      ],
      gmTab,
    );
    const visibleOrder = ['cbtRandal0000001', 'cbtGoblin0000001', 'cbtZanna00000001', 'cbtBeiro00000001'];
    const tracker = obs.locator('.combat');
    const shows = async (round: number, currentId: string) => {
      await expect.poll(() => tracker.locator('.combat__round').textContent(), WAIT).toBe(`Round ${round}`);
      await expect
        .poll(() => tracker.locator('.combat__row--current').getAttribute('data-combatant-id'), WAIT)
        .toBe(currentId);
    };
    world.startCombat(fight, gmTab);
    // Foundry's order puts the hidden dragon first; the overlay never shows it.
    expect(fight.turns[0]?.id).toBe('cbtDragon0000001');
    await expect.poll(() => rowIds(obs), WAIT).toEqual(visibleOrder);
    for (const [turn, combatant] of fight.turns.entries()) {
      if (turn > 0) world.nextTurn(fight, gmTab);
      if (!combatant.hidden) await shows(1, combatant.id);
    }
    world.nextTurn(fight, gmTab); // past the last combatant: round 2
    expect(fight.round).toBe(2);
    world.nextTurn(fight, gmTab); // the dragon (hidden) → Randal's turn
    await shows(2, 'cbtRandal0000001');
    expect(await obs.getByText(dragon.name).count()).toBe(0);
    await screenshot(obs, 'gm-story-2-combat-round-2');

    // 7. The streamer asks the audience; the question appears in the Foundry chat.
    const poll = await dashboard.call('POST /api/polls', {
      body: {
        connectionId,
        question: 'Where does the party go next?',
        options: ['Cragmaw Hideout', 'Back to Phandalin'],
        durationSeconds: 300,
      },
    });
    await dashboard.call('POST /api/polls/:id/start', { params: { id: poll.pollId } });
    const cards = () => tumulteCards([...world.messages.values()]);
    await until(() => expect(cards()).toHaveLength(1));
    expect(cards()[0]?.speaker).toMatchObject({ alias: 'Tumulte' });
    expect(cards()[0]?.content).toContain('Where does the party go next?');
    expect(cards()[0]?.content).toContain('<li>Back to Phandalin</li>');

    // 8. Two viewers vote from the link posted in the Twitch chat, each in their own browser.
    for (const choice of ['Cragmaw Hideout', 'Cragmaw Hideout']) {
      const viewer = await browser.newContext({ viewport: { width: 420, height: 860 } });
      const page = watchProblems(await viewer.newPage(), pageProblems);
      page.setDefaultTimeout(WAIT.timeout);
      await page.goto(`${origin}/vote/${poll.pollId}`);
      await page.locator('.vote__option', { hasText: choice }).click();
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.locator('.vote__thanks').waitFor();
    }
    await expect
      .poll(() => obs.locator('.poll-bars__row').first().locator('.poll-bars__count').textContent(), WAIT)
      .toBe('100% · 2 votes');

    // 9. The streamer closes the poll: the result lands in the Foundry chat, and OBS shows the winner.
    await dashboard.call('POST /api/polls/:id/end', { params: { id: poll.pollId } });
    await until(() => expect(cards()).toHaveLength(2));
    const result = cards()[1];
    expect(result?.speaker).toMatchObject({ alias: 'Tumulte' });
    expect(result?.content).toContain('Where does the party go next?');
    expect(result?.content).toContain(
      '<li class="tumulte-poll__winner"><span>Cragmaw Hideout</span> <strong>2</strong>',
    );
    expect(result?.content).toContain('Winner: Cragmaw Hideout');
    await expect
      .poll(() => obs.locator('.overlay-poll .poll-status').textContent(), WAIT)
      .toBe('Winner: Cragmaw Hideout');
    await screenshot(obs, 'gm-story-3-poll-winner');

    // 10. Nothing went wrong on the way: no script error in any page; the module is still connected, as the
    //     same connection, with nothing left in its outbox.
    expect(pageProblems).toEqual([]);
    await until(() => expect(foundry?.api.status()).toMatchObject({ state: 'connected', connectionId, queued: 0 }));
  });
});

function memberIds(page: Page): Promise<string[]> {
  return page
    .locator('.party__member')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-character-id') ?? '').sort());
}

function rowIds(page: Page): Promise<string[]> {
  return page
    .locator('.combat__row')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-combatant-id') ?? ''));
}

/** The chat cards Tumulte posted in the Foundry chat. */
function tumulteCards(messages: FakeChatMessage[]): FakeChatMessage[] {
  return messages.filter((message) => message.content.includes('tumulte-poll'));
}
