// @vitest-environment node
import { PROTOCOL_VERSION } from '@tumulte/schemas';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { character, combat, combatant, HOSTILE_NAME, poll, roll } from '../fixtures';
import { type FakeOverlayServer, startFakeOverlayServer } from '../harness/overlay-server';
import { DIST_DIR, ensureBuilt, launchChromium, paintStreamBackground, screenshot } from './chromium';

/** How long to wait for a page to show a change (a wait, not a timed assertion). */
const WAIT = { timeout: 15_000 };

// The built overlay page in a real headless Chromium, against a contract-checked stand-in of the server's
// /overlay namespace (the end-to-end suite with the real server is in e2e.browser.test.ts).

const TOKEN = 'browser-overlay-token';
let browser: Browser;
let server: FakeOverlayServer;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureBuilt();
  server = await startFakeOverlayServer({
    token: TOKEN,
    staticDir: DIST_DIR,
    initial: {
      seq: 10,
      characters: [
        character('randal', 'Randal', { current: 12, max: 12, temp: 0 }),
        character('morgana', 'Morgana', { current: 7, max: 20, temp: 4 }),
        { ...character('goblin', 'Goblin'), characterType: 'npc' },
      ],
    },
  });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.origin}/overlay/${TOKEN}?widgets=dice,party,combat,poll&duration=2`);
  await page.locator('main.overlay[data-ready="true"]').waitFor();
  await paintStreamBackground(page);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const hpWidth = (id: string) =>
  page.locator(`[data-character-id="${id}"] .hp__current`).evaluate((node) => (node as HTMLElement).style.width);

describe('overlay page in Chromium', { timeout: 30_000 }, () => {
  it('has a transparent background and shows the party (PCs only) from the snapshot', async () => {
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgba(0, 0, 0, 0)');
    await expect.poll(() => page.locator('.party__member').count(), WAIT).toBe(2);
    expect(await hpWidth('randal')).toBe('100%');
    expect(await page.locator('[data-character-id="morgana"] .hp__temp-value').textContent()).toBe('+4 temporary');
  });

  it('shows a crit alert for a critical roll, nothing for an ordinary one, and queues two crits in a row', async () => {
    server.send.diceRoll(roll('plain-1', 'none', 'Randal', 12));
    server.send.diceRoll(roll('crit-1', 'success', 'Randal', 25));
    server.send.diceRoll(roll('crit-2', 'failure', 'Morgana', 3));
    const first = page.locator('.crit[data-roll-id="crit-1"]');
    await first.waitFor();
    expect(await first.locator('.crit__total').textContent()).toBe('25');
    expect(await page.locator('.crit[data-roll-id="plain-1"]').count()).toBe(0);
    expect(await page.locator('.crit[data-roll-id="crit-2"]').count()).toBe(0);
    await screenshot(page, 'overlay-crit-alert');
    // The second crit waits for the first one's 2 s, then shows.
    const second = page.locator('.crit[data-roll-id="crit-2"]');
    await second.waitFor({ timeout: 15_000 });
    expect(await second.getAttribute('data-kind')).toBe('failure');
    await page.locator('.crit').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.locator('.crit[data-roll-id="plain-1"]').count()).toBe(0);
  });

  it('moves the HP bar when a character:update arrives', async () => {
    server.send.characterUpdate(character('randal', 'Randal', { current: 3, max: 12, temp: 0 }));
    await expect.poll(() => hpWidth('randal'), WAIT).toBe('25%');
    expect(await page.locator('[data-character-id="randal"] .hp').getAttribute('data-level')).toBe('critical');
  });

  it('follows the combat turn by turn', async () => {
    const fighters = [
      combatant('c1', 'Randal', { initiative: 17 }),
      combatant('c2', 'Goblin', { initiative: 12, isNPC: true }),
      combatant('c3', 'Morgana', { initiative: 9 }),
    ];
    server.send.combatUpdate(combat('c1', fighters, 1));
    const current = page.locator('.combat__row--current');
    await expect.poll(() => current.getAttribute('data-combatant-id'), WAIT).toBe('c1');
    server.send.combatUpdate(combat('c2', fighters, 1));
    await expect.poll(() => current.getAttribute('data-combatant-id'), WAIT).toBe('c2');
    server.send.combatUpdate(
      combat(
        'c1',
        [fighters[0], { ...combatant('c2', 'Goblin', { initiative: 12 }), isDefeated: true }, fighters[2]].flatMap(
          (entry) => (entry ? [entry] : []),
        ),
        2,
      ),
    );
    await expect.poll(() => page.locator('.combat__round').textContent(), WAIT).toBe('Round 2');
    expect(await page.locator('[data-combatant-id="c2"] s').textContent()).toBe('Goblin');
  });

  it('shows a running poll, then its winner', async () => {
    const running = { ...poll([0, 0], 'running', [], Date.now() + 60_000) };
    server.send.pollStart(running);
    await page.locator('.overlay-poll[data-status="running"]').waitFor();
    server.send.pollUpdate({
      ...running,
      options: running.options.map((option, index) => ({ ...option, votes: index === 0 ? 5 : 2 })),
      totalVotes: 7,
    });
    await expect.poll(() => page.locator('.poll-bars__row--leading').getAttribute('data-option-id'), WAIT).toBe('a');
    await screenshot(page, 'overlay-party-combat-poll');
    server.send.pollEnd({
      ...running,
      status: 'closed',
      options: running.options.map((option, index) => ({ ...option, votes: index === 0 ? 5 : 2 })),
      totalVotes: 7,
      winners: ['a'],
    });
    await expect.poll(() => page.locator('.overlay-poll .poll-status').textContent(), WAIT).toBe('Winner: Option A');
  });

  it('shows a hostile character name as text and runs no script from it', async () => {
    server.send.characterUpdate(character('hostile', HOSTILE_NAME, { current: 5, max: 10, temp: 0 }));
    server.send.diceRoll(roll('crit-hostile', 'failure', HOSTILE_NAME, 1));
    const name = page.locator('[data-character-id="hostile"] .party__name');
    await expect.poll(() => name.textContent(), WAIT).toBe(HOSTILE_NAME);
    await page.locator('.crit[data-roll-id="crit-hostile"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.crit[data-roll-id="crit-hostile"] .crit__name').textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await screenshot(page, 'overlay-hostile-name');
  });

  it('re-reads the snapshot after the server drops the connection', async () => {
    server.state.characters = [character('randal', 'Randal', { current: 11, max: 12, temp: 0 })];
    server.state.seq += 5;
    server.disconnectAll();
    await expect.poll(() => page.locator('.party__member').count(), WAIT).toBe(1);
    expect(Number.parseFloat(await hpWidth('randal'))).toBeCloseTo((11 / 12) * 100, 2);
    expect(server.handshakes.at(-1)).toMatchObject({ token: TOKEN, protocolVersion: PROTOCOL_VERSION });
    expect(typeof server.handshakes.at(-1)?.lastSeq).toBe('number');
  });

  it('speaks French with lang=fr', async () => {
    const french = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await french.goto(`${server.origin}/overlay/${TOKEN}?widgets=dice,combat&lang=fr&duration=10`);
    await french.locator('main.overlay[data-ready="true"]').waitFor();
    expect(await french.locator('.party').count()).toBe(0);
    server.send.diceRoll(roll('crit-fr', 'success', 'Morgana', 22));
    await french.locator('.crit[data-roll-id="crit-fr"]').waitFor(WAIT);
    expect(await french.locator('.crit__title').textContent()).toBe('Réussite critique !');
    expect(await french.locator('html').getAttribute('lang')).toBe('fr');
    await paintStreamBackground(french);
    await screenshot(french, 'overlay-fr-crit-combat');
    await french.close();
  });

  it('stops and says why when the link is revoked', async () => {
    const revoked = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await revoked.goto(`${server.origin}/overlay/not-the-token`);
    const notice = revoked.locator('.overlay__stopped');
    await notice.waitFor();
    expect(await notice.getAttribute('data-code')).toBe('TOKEN_INVALID');
    await revoked.close();
  });
});
