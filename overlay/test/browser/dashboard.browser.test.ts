// @vitest-environment node
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { character, combat, combatant, roll } from '../fixtures';
import { type FakeTumulte, startFakeTumulte } from '../harness/fake-tumulte';
import { DIST_DIR, ensureBuilt, launchChromium, paintStreamBackground, screenshot } from './chromium';

/** How long to wait for a page to show a change (a wait, not a timed assertion). */
const WAIT = { timeout: 15_000 };

// The whole streamer journey in a real headless Chromium, against a contract-checked stand-in of the server's
// HTTP API and /overlay namespace: setup, login, pairing, overlay link in "OBS", a poll voted from two viewer
// pages. The same journey against the real server is e2e.browser.test.ts.

const PAIRING_TOKEN =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6InR1bXVsdGUtcGFpcmluZytqd3QifQ.eyJwYWlyaW5nX2NvZGUiOiJLN1FYLTRQMk0ifQ.c2lnbmF0dXJlLWZvci10ZXN0cw';
const USED_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJ1c2VkIjp0cnVlLCJjb2RlIjoiQUJDRCJ9.c2lnbmF0dXJlLXVzZWQtdG9rZW4';
const PASSWORD = 'correct horse battery staple';

let fake: FakeTumulte;
let browser: Browser;
let streamer: BrowserContext;
let dashboard: Page;
let obs: Page;
let overlayUrl = '';
let pollId = '';

beforeAll(async () => {
  ensureBuilt();
  fake = await startFakeTumulte({ staticDir: DIST_DIR });
  fake.addPairing(PAIRING_TOKEN);
  fake.addPairing(USED_TOKEN);
  browser = await launchChromium();
  streamer = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await streamer.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fake.origin });
  streamer.setDefaultTimeout(10_000);
  dashboard = await streamer.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await fake?.close();
  expect(fake?.problems ?? []).toEqual([]);
});

describe('streamer journey (stand-in server)', { timeout: 30_000 }, () => {
  it('sets up the owner account from the printed setup link', async () => {
    await dashboard.goto(`${fake.origin}/setup#${fake.setupToken}`);
    await dashboard.getByLabel('User name').fill('streamer');
    await dashboard.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await dashboard.getByLabel('Repeat the password').fill(PASSWORD);
    await screenshot(dashboard, 'dashboard-setup');
    await dashboard.getByRole('button', { name: 'Create my account' }).click();
    await dashboard.getByText('No VTT is paired yet.').waitFor();
    expect(new URL(dashboard.url()).pathname).toBe('/');
    expect(new URL(dashboard.url()).hash).toBe('');
  });

  it('logs out and in again', async () => {
    await dashboard.getByRole('button', { name: 'Log out' }).click();
    await dashboard.getByRole('heading', { name: 'Log in' }).waitFor();
    await dashboard.locator('input[name=username]').fill('streamer');
    await dashboard.locator('input[name=password]').fill('wrong password!');
    await dashboard.getByRole('button', { name: 'Log in' }).click();
    await dashboard.getByRole('alert').getByText('Wrong user name or password').waitFor();
    await dashboard.locator('input[name=password]').fill(PASSWORD);
    await dashboard.getByRole('button', { name: 'Log in' }).click();
    await dashboard.getByText('Signed in as streamer').waitFor();
  });

  it('pairs a VTT by pasting its pairing URL, after comparing the code', async () => {
    await dashboard.getByRole('link', { name: 'Pair a VTT' }).first().click();
    await dashboard.locator('textarea[name=pairingToken]').fill(`${fake.origin}/pair#${PAIRING_TOKEN}`);
    await dashboard.getByRole('button', { name: 'Check' }).click();
    await dashboard.getByTestId('pairing-code').waitFor();
    expect(await dashboard.getByTestId('pairing-code').textContent()).toBe('K7QX-4P2M');
    await screenshot(dashboard, 'dashboard-pair-preview');
    await dashboard.getByRole('button', { name: 'The codes match: pair' }).click();
    await dashboard.getByText('Lost Mine of Phandelver is paired.').waitFor();
    await dashboard.getByRole('link', { name: 'See my connections' }).click();
    const card = dashboard.locator('.connection').first();
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('online');
    await screenshot(dashboard, 'dashboard-connections');
  });

  it('explains a pairing link that was already used', async () => {
    await dashboard.goto(`${fake.origin}/pair?token=${PAIRING_TOKEN}`);
    await dashboard.getByRole('alert').getByText('This pairing link was already used.').waitFor();
  });

  it('reveals, copies and rotates the HS256 pairing secret, only when asked', async () => {
    const logged: string[] = [];
    const onConsole = (message: ConsoleMessage) => logged.push(message.text());
    dashboard.on('console', onConsole);
    const panel = dashboard.getByTestId('pairing-secret');
    await panel
      .getByRole('heading', { name: 'Pairing secret (for Foundry opened over http:// from another computer)' })
      .waitFor();
    // The Pair page was opened twice already: the secret is never loaded on its own.
    expect(fake.pairingSecretReads).toBe(0);
    expect(await panel.locator('.copy-field__input').count()).toBe(0);

    await panel.getByRole('button', { name: 'Reveal' }).click();
    const field = panel.getByLabel('Pairing secret', { exact: true });
    await field.waitFor();
    const first = fake.pairingSecret;
    expect(await field.inputValue()).toBe(first);
    await panel.getByRole('button', { name: 'Copy' }).click();
    await panel.getByText('Copied!').waitFor();
    expect(await dashboard.evaluate(() => navigator.clipboard.readText())).toBe(first);

    await panel.getByRole('button', { name: 'Rotate the secret' }).click();
    await panel.getByRole('alertdialog').getByText('Worlds already paired stay connected').waitFor();
    await screenshot(dashboard, 'dashboard-pairing-secret-rotate');
    await panel.getByRole('button', { name: 'Yes, rotate it' }).click();
    await panel.getByText('New pairing secret ready.').waitFor();
    expect(fake.pairingSecret).not.toBe(first);
    expect(await field.inputValue()).toBe(fake.pairingSecret);
    expect(fake.connections[0]?.revoked).toBe(false);

    await panel.getByRole('button', { name: 'Hide' }).click();
    await panel.getByRole('button', { name: 'Reveal' }).waitFor();
    const traces = [
      await dashboard.content(),
      await dashboard.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })),
      await dashboard.evaluate(() => document.cookie),
      ...logged,
    ].join('\n');
    dashboard.off('console', onConsole);
    expect(traces).not.toContain(first);
    expect(traces).not.toContain(fake.pairingSecret);
  });

  it('creates an overlay link, shown once, that works as an OBS source', async () => {
    await dashboard.getByRole('link', { name: 'Overlay links' }).click();
    await dashboard.locator('input[name=label]').fill('Main scene');
    await dashboard.getByRole('button', { name: 'Create the link' }).click();
    const field = dashboard.locator('.copy-field__input');
    await field.waitFor();
    overlayUrl = await field.inputValue();
    expect(overlayUrl).toMatch(
      new RegExp(`^${fake.origin}/overlay/ovl_[0-9a-f]+\\?widgets=dice,party,combat,poll&lang=en$`),
    );
    await dashboard.getByRole('button', { name: 'Copy' }).click();
    await dashboard.getByText('Copied!').waitFor();
    expect(await dashboard.evaluate(() => navigator.clipboard.readText())).toBe(overlayUrl);
    await screenshot(dashboard, 'dashboard-overlay-link');

    const connectionId = fake.connections[0]?.connectionId ?? '';
    const world = fake.world(connectionId);
    world.send.characterUpdate(character('randal', 'Randal', { current: 9, max: 12, temp: 2 }));
    world.send.combatUpdate(
      combat('c1', [combatant('c1', 'Randal', { initiative: 17 }), combatant('c2', 'Goblin', { initiative: 12 })]),
    );
    obs = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    obs.setDefaultTimeout(10_000);
    await obs.goto(overlayUrl);
    await obs.locator('main.overlay[data-ready="true"]').waitFor();
    await paintStreamBackground(obs);
    await obs.locator('[data-character-id="randal"]').waitFor();
    world.send.diceRoll(roll('crit-e2e', 'success', 'Randal', 27));
    await obs.locator('.crit[data-roll-id="crit-e2e"]').waitFor();

    await dashboard.getByRole('button', { name: 'Done' }).click();
    expect(await dashboard.locator('.copy-field__input').count()).toBe(0);
  });

  it('runs a poll voted from two viewer pages and shows the winner everywhere', async () => {
    await dashboard.getByRole('link', { name: 'Polls' }).click();
    await dashboard.locator('input[name=question]').fill('Which door do we open?');
    await dashboard.locator('input[name=option-1]').fill('The red door');
    await dashboard.locator('input[name=option-2]').fill('The blue door');
    await dashboard.getByRole('button', { name: 'Add an option' }).click();
    await dashboard.locator('input[name=option-3]').fill('Neither, we go back');
    await dashboard.getByRole('button', { name: 'Create and start' }).click();
    const card = dashboard.locator('.poll-card[data-status="running"]');
    await card.waitFor();
    pollId = (await card.getAttribute('data-poll-id')) ?? '';
    const voteUrl = await card.locator('.copy-field__input').inputValue();
    expect(voteUrl).toBe(`${fake.origin}/vote/${pollId}`);
    await obs.locator('.overlay-poll[data-status="running"]').waitFor();

    const viewers = await Promise.all([1, 2].map(() => browser.newContext({ viewport: { width: 420, height: 860 } })));
    for (const viewer of viewers) viewer.setDefaultTimeout(10_000);
    const pages = await Promise.all(viewers.map((viewer) => viewer.newPage()));
    for (const [index, page] of pages.entries()) {
      await page.goto(`${voteUrl}?lang=${index === 0 ? 'en' : 'fr'}`);
      await page.locator('.vote__option[data-option-id="a"]').click();
      await page.locator('button[type=submit]').click();
      await page.locator('.vote__thanks').waitFor();
    }
    expect(await pages[1]?.locator('.vote__thanks').textContent()).toBe(
      'Merci ! Vous avez voté pour « The red door ».',
    );
    await screenshot(pages[0] as Page, 'vote-page-voted');
    await expect
      .poll(() => obs.locator('[data-option-id="a"] .poll-bars__count').textContent(), WAIT)
      .toBe('100% · 2 votes');

    await dashboard.getByRole('button', { name: 'End now' }).click();
    await dashboard.locator(`.poll-card[data-poll-id="${pollId}"][data-status="closed"]`).waitFor();
    expect(await dashboard.locator(`.poll-card[data-poll-id="${pollId}"] .poll-status`).textContent()).toBe(
      'Winner: The red door',
    );
    await expect.poll(() => obs.locator('.overlay-poll .poll-status').textContent(), WAIT).toBe('Winner: The red door');
    await expect.poll(() => pages[0]?.locator('.poll-status').textContent(), WAIT).toBe('Winner: The red door');
    await screenshot(dashboard, 'dashboard-polls');
    await screenshot(obs, 'overlay-e2e-poll-winner');

    // A third viewer arrives too late.
    const late = await (await browser.newContext()).newPage();
    await late.goto(voteUrl);
    await late.getByText('This poll is closed.').waitFor();
    expect(await late.locator('form').count()).toBe(0);
  });

  it('revokes the overlay link: the OBS source stops', async () => {
    await dashboard.getByRole('link', { name: 'Overlay links' }).click();
    await dashboard.getByRole('button', { name: 'Revoke' }).click();
    await dashboard.getByRole('button', { name: 'Yes, revoke' }).click();
    await dashboard.locator('.link-item[data-revoked="true"]').waitFor();
    await obs.locator('.overlay__stopped[data-code="TOKEN_INVALID"]').waitFor({ timeout: 20_000 });
  });

  it('disconnects a VTT after confirmation', async () => {
    await dashboard.getByRole('link', { name: 'Connections' }).click();
    await dashboard.getByRole('button', { name: 'Disconnect' }).click();
    await dashboard.getByRole('button', { name: 'Yes, disconnect' }).click();
    await dashboard.locator('.connection[data-status="revoked"]').waitFor();
  });
});
