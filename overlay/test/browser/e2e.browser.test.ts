// @vitest-environment node
import type { Combatant, PollEndPayload } from '@tumulte/schemas';
import type { VttClient } from '@tumulte/schemas/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { character, HOSTILE_NAME } from '../fixtures';
import { ensureBuilt, launchChromium, paintStreamBackground, screenshot } from './chromium';
import { type RunningServer, startTumulteServer } from './tumulte-server';
import {
  campaignSyncPayload,
  characterPayload,
  combatPayload,
  connectModule,
  diceRollPayload,
  modulePairingTicket,
  waitForPairing,
} from './vtt-module';

// Issue 5 end to end, in a real headless Chromium: the real server (fresh SQLite data directory), the Foundry
// module's own pairing code and a module connected to /vtt through the generated client, the built app.

/** How long to wait for a page to show a change (a wait, not a timed assertion). */
const WAIT = { timeout: 20_000 };
const PASSWORD = 'correct horse battery staple';

let server: RunningServer;
let browser: Browser;
let streamer: BrowserContext;
let dashboard: Page;
let obs: Page;
let module: VttClient;
const moduleAbort = new AbortController();
const pollEnds: PollEndPayload[] = [];
const obsDialogs: string[] = [];
/** Script errors and Content-Security-Policy refusals on any page (HTTP error statuses are expected). */
const pageProblems: string[] = [];

function watch(page: Page): Page {
  page.on('pageerror', (error) => pageProblems.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageProblems.push(`${page.url()}: ${message.text()}`);
    }
  });
  return page;
}

const fighters: Combatant[] = [
  {
    id: 'cbt0000000000001',
    characterId: 'randal',
    name: 'Randal',
    img: null,
    initiative: 17,
    isDefeated: false,
    isNPC: false,
    isHidden: false,
  },
  {
    id: 'cbt0000000000002',
    characterId: null,
    name: 'Goblin',
    img: null,
    initiative: 12,
    isDefeated: false,
    isNPC: true,
    isHidden: false,
  },
  {
    id: 'cbt0000000000003',
    characterId: null,
    name: 'Hidden ogre',
    img: null,
    initiative: 11,
    isDefeated: false,
    isNPC: true,
    isHidden: true,
  },
  {
    id: 'cbt0000000000004',
    characterId: 'morgana',
    name: 'Morgana',
    img: null,
    initiative: 9,
    isDefeated: false,
    isNPC: false,
    isHidden: false,
  },
];

async function ack(promise: Promise<{ ok: boolean }>) {
  const reply = await promise;
  expect(reply).toMatchObject({ ok: true });
}

const hpWidth = (id: string) =>
  obs
    .locator(`[data-character-id="${id}"] .hp__current`)
    .evaluate((node) => Number.parseFloat((node as HTMLElement).style.width));

beforeAll(async () => {
  ensureBuilt();
  server = await startTumulteServer();
  browser = await launchChromium();
  streamer = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  streamer.setDefaultTimeout(WAIT.timeout);
  dashboard = watch(await streamer.newPage());
}, 120_000);

afterAll(async () => {
  moduleAbort.abort();
  module?.socket.disconnect();
  await browser?.close();
  await server?.stop();
});

describe('issue 5 end to end (real server)', { timeout: 60_000 }, () => {
  it('sets up the owner from the link the server printed, then logs out and in', async () => {
    await dashboard.goto(server.setupLink);
    await dashboard.getByLabel('User name').fill('streamer');
    await dashboard.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await dashboard.getByLabel('Repeat the password').fill(PASSWORD);
    await dashboard.getByRole('button', { name: 'Create my account' }).click();
    await dashboard.getByText('No VTT is paired yet.').waitFor();
    await screenshot(dashboard, 'e2e-dashboard-empty');

    await dashboard.getByRole('button', { name: 'Log out' }).click();
    await dashboard.getByRole('heading', { name: 'Log in' }).waitFor();
    await dashboard.locator('input[name=username]').fill('streamer');
    await dashboard.locator('input[name=password]').fill(PASSWORD);
    await dashboard.getByRole('button', { name: 'Log in' }).click();
    await dashboard.getByText('Signed in as streamer').waitFor();
  });

  it('pairs a VTT by pasting the URL from the module’s pairing code, and sees it online', async () => {
    const ticket = await modulePairingTicket(server.origin);
    const tokens = waitForPairing(server.origin, ticket, moduleAbort.signal);
    await dashboard.getByRole('link', { name: 'Pair a VTT' }).first().click();
    await dashboard.locator('textarea[name=pairingToken]').fill(ticket.url);
    await dashboard.getByRole('button', { name: 'Check' }).click();
    await dashboard.getByTestId('pairing-code').waitFor();
    expect(await dashboard.getByTestId('pairing-code').textContent()).toBe(ticket.code);
    expect(await dashboard.locator('[data-state=preview]').textContent()).toContain('Lost Mine of Phandelver');
    await screenshot(dashboard, 'e2e-dashboard-pair-preview');
    await dashboard.getByRole('button', { name: 'The codes match: pair' }).click();
    await dashboard.getByText('Lost Mine of Phandelver is paired.').waitFor();

    module = await connectModule(server.origin, await tokens);
    module.on.pollEnd((payload) => pollEnds.push(payload));
    await ack(
      module.emit.campaignSync(
        campaignSyncPayload([
          character('randal', 'Randal', { current: 12, max: 12, temp: 0 }),
          character('morgana', 'Morgana', { current: 7, max: 20, temp: 4 }),
        ]),
      ),
    );
    await dashboard.getByRole('link', { name: 'See my connections' }).click();
    await dashboard.locator('.connection[data-status="online"]').waitFor();
    await screenshot(dashboard, 'e2e-dashboard-connections');

    // The same link again: the token works once.
    await dashboard.goto(ticket.url);
    await dashboard.getByRole('alert').getByText('This pairing link was already used.').waitFor();
  });

  it('checks an HS256 link signed with the revealed pairing secret; after a rotation, old-secret links are refused', async () => {
    const check = async (url: string) => {
      await dashboard.locator('textarea[name=pairingToken]').fill(url);
      await dashboard.getByRole('button', { name: 'Check' }).click();
    };
    const panel = dashboard.getByTestId('pairing-secret');
    await panel.getByRole('button', { name: 'Reveal' }).click();
    const field = panel.getByLabel('Pairing secret', { exact: true });
    await field.waitFor();
    const first = await field.inputValue();
    // What Foundry over plain http from another machine makes with the secret the GM copied from here.
    const signedWithFirst = await modulePairingTicket(server.origin, first);
    await check(signedWithFirst.url);
    await dashboard.getByTestId('pairing-code').waitFor();
    expect(await dashboard.getByTestId('pairing-code').textContent()).toBe(signedWithFirst.code);
    await dashboard.locator('.pair__preview').getByText('HS256').waitFor();
    await dashboard.locator('.pair__preview').getByRole('button', { name: 'Cancel' }).click();

    await panel.getByRole('button', { name: 'Rotate the secret' }).click();
    await panel.getByRole('button', { name: 'Yes, rotate it' }).click();
    await panel.getByText('New pairing secret ready.').waitFor();
    const second = await field.inputValue();
    expect(second).not.toBe(first);
    await check(signedWithFirst.url);
    await dashboard.getByRole('alert').getByText('This is not a valid pairing link.').waitFor();
    const signedWithSecond = await modulePairingTicket(server.origin, second);
    await check(signedWithSecond.url);
    await dashboard.getByTestId('pairing-code').waitFor();
    expect(await dashboard.getByTestId('pairing-code').textContent()).toBe(signedWithSecond.code);
    await dashboard.locator('.pair__preview').getByRole('button', { name: 'Cancel' }).click();
    await panel.getByRole('button', { name: 'Hide' }).click();
    expect(await dashboard.content()).not.toContain(second);

    // The world paired before the rotation is still connected.
    await dashboard.getByRole('link', { name: 'Connections' }).click();
    await dashboard.locator('.connection[data-status="online"]').waitFor();
  });

  it('creates an overlay link that works as an OBS browser source', async () => {
    await dashboard.getByRole('link', { name: 'Overlay links' }).click();
    await dashboard.locator('input[name=label]').fill('Main scene');
    await dashboard.getByRole('button', { name: 'Create the link' }).click();
    const url = await dashboard.locator('.copy-field__input').inputValue();
    expect(url).toMatch(new RegExp(`^${server.origin}/overlay/[^?]+\\?widgets=dice,party,combat,poll&lang=en$`));
    await screenshot(dashboard, 'e2e-dashboard-overlay-link');

    obs = watch(await browser.newPage({ viewport: { width: 1920, height: 1080 } }));
    obs.setDefaultTimeout(WAIT.timeout);
    obs.on('dialog', (dialog) => {
      obsDialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await obs.goto(url);
    await obs.locator('main.overlay[data-ready="true"]').waitFor();
    await paintStreamBackground(obs);
    await expect.poll(() => obs.locator('.party__member').count(), WAIT).toBe(2);
  });

  it('shows the crit alert for a critical dice:roll and nothing for a blind roll', async () => {
    await ack(
      module.emit.diceRoll(
        diceRollPayload('blindRollAAAAAAA.0', 'Morgana', 25, { kind: 'success', source: 'system' }, 'blind'),
      ),
    );
    await ack(
      module.emit.diceRoll(
        diceRollPayload('publicRollAAAAAA.0', 'Randal', 25, { kind: 'success', source: 'system' }, 'public'),
      ),
    );
    const alert = obs.locator('.crit');
    await alert.waitFor();
    // Events reach the overlay in order: had the blind roll been sent, its alert would be showing first.
    expect(await alert.locator('.crit__name').textContent()).toBe('Randal');
    expect(await alert.locator('.crit__total').textContent()).toBe('25');
    expect(await obs.getByText('Morgana').count()).toBe(1); // her party entry only
    await screenshot(obs, 'e2e-overlay-crit-alert');
    await alert.waitFor({ state: 'detached' });
    expect(await obs.locator('.crit').count()).toBe(0);
  });

  it('moves the HP bar on character:update', async () => {
    expect(await hpWidth('randal')).toBeCloseTo(100);
    await ack(
      module.emit.characterUpdate(characterPayload(character('randal', 'Randal', { current: 3, max: 12, temp: 0 }))),
    );
    await expect.poll(() => hpWidth('randal'), WAIT).toBeCloseTo(25);
  });

  it('follows the combat turn by turn, without hidden combatants', async () => {
    await ack(module.emit.combatStart(combatPayload(1, 'cbt0000000000001', fighters)));
    const current = obs.locator('.combat__row--current');
    await expect.poll(() => current.getAttribute('data-combatant-id'), WAIT).toBe('cbt0000000000001');
    expect(await obs.locator('.combat__row').count()).toBe(3);
    expect(await obs.getByText('Hidden ogre').count()).toBe(0);
    await ack(module.emit.combatTurn(combatPayload(1, 'cbt0000000000002', fighters)));
    await expect.poll(() => current.getAttribute('data-combatant-id'), WAIT).toBe('cbt0000000000002');
    const goblinDown = fighters.map((fighter) =>
      fighter.name === 'Goblin' ? { ...fighter, isDefeated: true } : fighter,
    );
    await ack(module.emit.combatRound(combatPayload(2, 'cbt0000000000001', goblinDown)));
    await expect.poll(() => obs.locator('.combat__round').textContent(), WAIT).toBe('Round 2');
    expect(await current.getAttribute('data-combatant-id')).toBe('cbt0000000000001');
    expect(await obs.locator('[data-combatant-id="cbt0000000000002"] s').textContent()).toBe('Goblin');
    await screenshot(obs, 'e2e-overlay-party-combat');
  });

  it('shows a character named like an HTML tag as text', async () => {
    await ack(
      module.emit.characterUpdate(
        characterPayload({ ...character('hostile', HOSTILE_NAME, { current: 5, max: 10, temp: 0 }) }),
      ),
    );
    const name = obs.locator('[data-character-id="hostile"] .party__name');
    await expect.poll(() => name.textContent(), WAIT).toBe(HOSTILE_NAME);
    expect(await obs.locator('img[src="x"]').count()).toBe(0);
    expect(obsDialogs).toEqual([]);
  });

  it('runs a poll with votes from two viewer pages and shows the winner', async () => {
    await dashboard.getByRole('link', { name: 'Polls' }).click();
    await dashboard.locator('input[name=question]').fill('Which door do we open?');
    await dashboard.locator('input[name=option-1]').fill('The red door');
    await dashboard.locator('input[name=option-2]').fill('The blue door');
    await dashboard.getByRole('button', { name: 'Create and start' }).click();
    const card = dashboard.locator('.poll-card[data-status="running"]');
    await card.waitFor();
    const voteUrl = await card.locator('.copy-field__input').inputValue();
    await obs.locator('.overlay-poll[data-status="running"]').waitFor();

    const viewers = await Promise.all([0, 1].map(() => browser.newContext({ viewport: { width: 420, height: 860 } })));
    for (const [index, viewer] of viewers.entries()) {
      viewer.setDefaultTimeout(WAIT.timeout);
      const page = watch(await viewer.newPage());
      await page.goto(voteUrl);
      await page.locator('.vote__option').nth(0).click();
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.locator('.vote__thanks').waitFor();
      // A second vote from the same viewer is refused.
      if (index === 1) {
        await page.reload();
        await page.locator('.vote__thanks').waitFor();
        expect(await page.locator('form').count()).toBe(0);
        await screenshot(page, 'e2e-vote-page');
      }
    }
    await expect
      .poll(() => obs.locator('.poll-bars__row').first().locator('.poll-bars__count').textContent(), WAIT)
      .toBe('100% · 2 votes');
    await dashboard.getByRole('button', { name: 'End now' }).click();
    await dashboard.locator('.poll-card[data-status="closed"]').waitFor();
    await expect.poll(() => obs.locator('.overlay-poll .poll-status').textContent(), WAIT).toBe('Winner: The red door');
    expect(await dashboard.locator('.poll-card .poll-status').first().textContent()).toBe('Winner: The red door');
    await expect.poll(() => pollEnds.length, WAIT).toBe(1);
    expect(pollEnds[0]?.totalVotes).toBe(2);
    await screenshot(obs, 'e2e-overlay-poll-winner');
    await screenshot(dashboard, 'e2e-dashboard-polls');
  });

  it('stops the OBS source when its link is revoked', async () => {
    await dashboard.getByRole('link', { name: 'Overlay links' }).click();
    await dashboard.getByRole('button', { name: 'Revoke' }).click();
    await dashboard.getByRole('button', { name: 'Yes, revoke' }).click();
    await dashboard.locator('.link-item[data-revoked="true"]').waitFor();
    await obs.locator('.overlay__stopped').waitFor();
  });

  it('had no script error and no Content-Security-Policy refusal on any page', () => {
    expect(pageProblems).toEqual([]);
  });
});
