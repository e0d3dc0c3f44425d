// @vitest-environment happy-dom
// The status line (v12 `renderPlayerList` hands jQuery, v13 `renderPlayers` an HTMLElement) and the pairing
// dialog (ApplicationV2 + Handlebars: URL, local QR code, short code, countdown, copy, open, regenerate).
import { describe, expect, it } from 'vitest';
import { countdown, pairingContext } from '../src/ui/pairing-dialog.js';
import { StatusIndicator } from '../src/ui/status-indicator.js';
import { FakeApplicationV2, loadLang, standardWorld } from './sim/runtime.js';

const en = loadLang('en');
const t = (key: string, data: Record<string, string | number> = {}) =>
  (en[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(data[name]));

/** A fetch that always answers `pending`, like a server nobody confirms on. */
const pendingFetch = (async () =>
  new Response(JSON.stringify({ status: 'pending' }), {
    headers: { 'content-type': 'application/json' },
  })) as typeof fetch;

describe('status indicator', () => {
  it('draws into the v13 players element and the v12 jQuery wrapper alike', () => {
    for (const version of [12, 13]) {
      const players = document.createElement('aside');
      players.id = 'players';
      document.body.append(players);
      const clicks: number[] = [];
      const indicator = new StatusIndicator(t, () => clicks.push(version));
      indicator.attach(version === 13 ? players : { 0: players, length: 1 });
      indicator.update({ state: 'connected', latencyMs: 42.4, queued: 3 });
      const line = players.querySelector<HTMLElement>('.tumulte-status');
      expect(line?.className).toBe('tumulte-status tumulte-status--connected');
      expect(line?.textContent).toBe('Tumulte · Connected · 42 ms · 3 queued');
      line?.click();
      expect(clicks).toEqual([version]);
      // Re-rendering the list replaces the line instead of adding a second one.
      indicator.attach(players);
      expect(players.querySelectorAll('.tumulte-status')).toHaveLength(1);
      players.remove();
    }
  });

  it('shows reconnecting, offline and unpaired states', () => {
    const host = document.createElement('div');
    const indicator = new StatusIndicator(t, () => undefined);
    indicator.attach(host);
    indicator.update({ state: 'reconnecting', latencyMs: null, queued: 100 });
    expect(host.textContent).toBe('Tumulte · Reconnecting… · 100 queued');
    indicator.update({ state: 'unpaired', latencyMs: null, queued: 0 });
    expect(host.textContent).toBe('Tumulte · Not paired (click to pair)');
    expect(host.querySelector('.tumulte-status')?.getAttribute('data-state')).toBe('unpaired');
  });

  it('is attached by the module on the GM client through both render hooks', async () => {
    const { world, gm } = standardWorld({ generation: 12 });
    const tab = world.connect(gm);
    const module = await tab.start({}, { fetch: pendingFetch });
    const v12 = document.createElement('div');
    tab.Hooks.callAll('renderPlayerList', {}, { 0: v12, length: 1 });
    expect(v12.textContent).toBe('Tumulte · Not paired (click to pair)');
    const v13 = document.createElement('div');
    tab.Hooks.callAll('renderPlayers', {}, v13);
    expect(v13.querySelector('.tumulte-status')).not.toBeNull();
    expect(tab.i18n.missing.size).toBe(0);
    module.resign();
  });
});

describe('pairing dialog', () => {
  it('shows the URL, a locally rendered QR code, the code and the countdown; copy, open and regenerate work', async () => {
    const { world, gm } = standardWorld();
    const tab = world.connect(gm);
    const module = await tab.start({}, { fetch: pendingFetch });
    FakeApplicationV2.instances = [];
    module.openPairingDialog();
    const dialog = FakeApplicationV2.instances[0] as FakeApplicationV2 & Record<string, unknown>;
    expect(dialog).toBeDefined();
    await dialog.lastRender;
    const session = module.pairingSession();
    await new Promise<void>((resolve) => {
      if (session?.current.status === 'waiting') resolve();
      else session?.onChange((state) => state.status === 'waiting' && resolve());
    });
    await dialog.render();
    await dialog.lastRender;
    const context = dialog.lastContext as Record<string, unknown>;
    const ticket = session?.current.ticket;
    expect(context).toMatchObject({
      status: 'waiting',
      waiting: true,
      url: `http://localhost:3000/pair#${ticket?.token}`,
      code: ticket?.code,
      worldName: 'Lost Mine of Phandelver',
      statusLabel: en['TUMULTE.Pairing.Status.waiting'],
    });
    expect(String(context.qrSvg)).toMatch(/^<svg[^>]*viewBox/);
    expect(String(context.countdown)).toMatch(/^[45]:\d\d$/);

    const actions = (
      dialog.constructor as unknown as { DEFAULT_OPTIONS: { actions: Record<string, (this: unknown) => unknown> } }
    ).DEFAULT_OPTIONS.actions;
    await actions.copyUrl?.call(dialog);
    await actions.copyCode?.call(dialog);
    expect(tab.browser.clipboard).toEqual([ticket?.url, ticket?.code]);
    actions.openTumulte?.call(dialog);
    expect(tab.browser.opened).toEqual([ticket?.url]);
    await actions.regenerate?.call(dialog);
    expect(session?.current.ticket?.code).not.toBe(ticket?.code);
    expect(tab.i18n.missing.size).toBe(0);
    await dialog.close();
    module.resign();
  });

  it('without WebCrypto (plain http page) asks for the pairing secret, then pairs with HS256', async () => {
    const { world, gm } = standardWorld();
    const tab = world.connect(gm);
    const module = await tab.start({}, { fetch: pendingFetch, webCrypto: false });
    FakeApplicationV2.instances = [];
    module.openPairingDialog();
    const dialog = FakeApplicationV2.instances[0] as FakeApplicationV2;
    await dialog.lastRender;
    await new Promise<void>((resolve) => {
      const session = module.pairingSession();
      if (session?.current.status === 'secret') resolve();
      else session?.onChange((state) => state.status === 'secret' && resolve());
    });
    await dialog.render();
    await dialog.lastRender;
    expect(dialog.lastContext).toMatchObject({ status: 'secret', needsSecret: true, waiting: false, url: null });
    const actions = (
      dialog.constructor as unknown as { DEFAULT_OPTIONS: { actions: Record<string, (this: unknown) => unknown> } }
    ).DEFAULT_OPTIONS.actions;
    dialog.element = document.createElement('form');
    dialog.element.innerHTML = '<input name="pairingSecret" value="too short">';
    await actions.useSecret?.call(dialog);
    await dialog.lastRender;
    expect(dialog.lastContext).toMatchObject({ status: 'secret', error: en['TUMULTE.Pairing.SecretTooShort'] });
    const input = dialog.element.querySelector('input') as HTMLInputElement;
    input.value = 'a-long-enough-pairing-secret-0123456789';
    await actions.useSecret?.call(dialog);
    await dialog.lastRender;
    expect(dialog.lastContext).toMatchObject({ status: 'waiting', waiting: true });
    expect(module.pairingSession()?.current.ticket?.algorithm).toBe('HS256');
    // The secret stays in this browser's storage, not in world settings.
    expect(tab.browser.storage.getItem('tumulte-integration.lost-mine.pairingSecret')).toBe(input.value);
    expect(JSON.stringify([...world.settings.values.values()])).not.toContain(input.value);
    module.resign();
  });

  it('shows an expired code as expired, without QR code', async () => {
    const { world, gm } = standardWorld();
    const tab = world.connect(gm);
    const module = await tab.start({}, { fetch: pendingFetch });
    const ticket = await module.pairingSession()?.regenerate();
    if (!ticket) throw new Error('no ticket');
    const context = await pairingContext({ status: 'waiting', ticket, error: null }, ticket.expiresAt + 1, t);
    expect(context).toMatchObject({ status: 'expired', waiting: false, ended: true, qrSvg: null, countdown: '0:00' });
    expect(countdown(ticket.issuedAt, ticket.issuedAt - 61_000)).toBe('1:01');
    module.resign();
  });

  it('the settings menu opened on a GM client that does not send explains why', async () => {
    const { world, gm, gm2 } = standardWorld();
    world.connect(gm);
    const tab2 = world.connect(gm2);
    await tab2.start({}, { fetch: pendingFetch });
    const Menu = world.settings.menus.get('tumulte-integration.pairing')?.type as new () => FakeApplicationV2;
    const dialog = new Menu();
    await dialog.render();
    await dialog.lastRender;
    expect(dialog.lastContext).toMatchObject({
      status: 'failed',
      error: en['TUMULTE.Notify.NotActiveGM'],
      qrSvg: null,
    });
  });

  it('a GM that is not the active one is told so instead of pairing', async () => {
    const { world, gm, gm2 } = standardWorld();
    world.connect(gm);
    const tab2 = world.connect(gm2);
    const module = await tab2.start({}, { fetch: pendingFetch });
    module.openPairingDialog();
    expect(tab2.notifications).toEqual([{ level: 'warn', message: en['TUMULTE.Notify.NotActiveGM'] }]);
  });
});
