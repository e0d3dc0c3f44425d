// @vitest-environment happy-dom
// The status line (v12 `renderPlayerList` hands jQuery, v13 `renderPlayers` an HTMLElement) and the pairing
// dialog (ApplicationV2 + Handlebars: URL, local QR code, short code, countdown, copy, open, regenerate).
import { errors, jwtVerify } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { countdown, pairingContext } from '../src/ui/pairing-dialog.js';
import { StatusIndicator } from '../src/ui/status-indicator.js';
import { FakeApplicationV2, loadLang, standardWorld } from './sim/runtime.js';

const en = loadLang('en');
const t = (key: string, data: Record<string, string | number> = {}) =>
  (en[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(data[name]));

/** One `POST /vtt/pair/wait` the module made: its pairing token and its abort signal. */
interface WaitRequest {
  readonly token: string;
  readonly signal: AbortSignal | null;
}

/** A long poll nobody confirms: each request stays open until the module aborts it (then rejects as fetch does). */
function holdingFetch(requests: WaitRequest[]): typeof fetch {
  return ((_url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const signal = init.signal ?? null;
    requests.push({ token: (headers.get('authorization') ?? '').replace(/^Bearer /, ''), signal });
    return new Promise<Response>((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  }) as typeof fetch;
}

const SECRET_KEY = 'tumulte-integration.lost-mine.pairingSecret';

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
      // Signed with the module's own key: there is no pairing secret to change.
      changeSecret: false,
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

  it('after a rotation in the dashboard, Change pairing secret forgets the saved one; the next link uses the new one', async () => {
    const { world, gm } = standardWorld();
    const tab = world.connect(gm);
    const oldSecret = 'the-old-pairing-secret-before-rotation-0001';
    const newSecret = 'the-new-pairing-secret-after-rotation-00002';
    // Saved by an earlier pairing in this browser: the dialog does not ask for it again.
    tab.browser.storage.setItem(SECRET_KEY, oldSecret);
    const requests: WaitRequest[] = [];
    const module = await tab.start({}, { fetch: holdingFetch(requests), webCrypto: false });
    FakeApplicationV2.instances = [];
    module.openPairingDialog();
    const dialog = FakeApplicationV2.instances[0] as FakeApplicationV2;
    const session = module.pairingSession();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    const oldTicket = session?.current.ticket;
    expect(oldTicket?.algorithm).toBe('HS256');
    await jwtVerify(oldTicket?.token ?? '', new TextEncoder().encode(oldSecret), { algorithms: ['HS256'] });
    await dialog.render();
    await dialog.lastRender;
    expect(dialog.lastContext).toMatchObject({ status: 'waiting', needsSecret: false, changeSecret: true });

    const actions = (
      dialog.constructor as unknown as { DEFAULT_OPTIONS: { actions: Record<string, (this: unknown) => unknown> } }
    ).DEFAULT_OPTIONS.actions;
    await actions.changeSecret?.call(dialog);
    await dialog.lastRender;
    // The saved secret is gone, the old link's long poll is stopped, and the dialog asks for the secret again.
    expect(tab.browser.storage.getItem(SECRET_KEY)).toBeNull();
    expect(requests[0]?.token).toBe(oldTicket?.token);
    expect(requests[0]?.signal?.aborted).toBe(true);
    expect(session?.current).toEqual({ status: 'secret', ticket: null, error: null });
    expect(dialog.lastContext).toMatchObject({
      status: 'secret',
      needsSecret: true,
      changeSecret: false,
      waiting: false,
      url: null,
      code: null,
    });

    dialog.element = document.createElement('form');
    dialog.element.innerHTML = `<input name="pairingSecret" value="  ${newSecret} ">`;
    await actions.useSecret?.call(dialog);
    await dialog.lastRender;
    const ticket = session?.current.ticket;
    expect(dialog.lastContext).toMatchObject({ status: 'waiting', changeSecret: true, url: ticket?.url });
    expect(tab.browser.storage.getItem(SECRET_KEY)).toBe(newSecret);
    // A fresh link (new code, new jti), signed with the new secret and no longer with the old one.
    expect(ticket?.algorithm).toBe('HS256');
    expect(ticket?.code).not.toBe(oldTicket?.code);
    expect(ticket?.claims.jti).not.toBe(oldTicket?.claims.jti);
    const { payload, protectedHeader } = await jwtVerify(ticket?.token ?? '', new TextEncoder().encode(newSecret), {
      algorithms: ['HS256'],
      typ: 'tumulte-pairing+jwt',
      audience: 'tumulte:api',
      issuer: 'foundry-module:tumulte',
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.pairing_code).toBe(ticket?.code);
    await expect(
      jwtVerify(ticket?.token ?? '', new TextEncoder().encode(oldSecret), { algorithms: ['HS256'] }),
    ).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    // The module now long-polls with the new link only.
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[1]?.token).toBe(ticket?.token);
    expect(requests[1]?.signal?.aborted).toBe(false);
    expect(tab.i18n.missing.size).toBe(0);
    await dialog.close();
    module.resign();
  });

  it('offers Change pairing secret for HS256 links only, and not once paired', async () => {
    const { world, gm } = standardWorld();
    const tab = world.connect(gm);
    tab.browser.storage.setItem(SECRET_KEY, 'a-long-enough-pairing-secret-0123456789');
    const module = await tab.start({}, { fetch: pendingFetch, webCrypto: false });
    const ticket = await module.pairingSession()?.regenerate();
    if (!ticket) throw new Error('no ticket');
    const now = ticket.issuedAt;
    for (const status of ['waiting', 'expired', 'used', 'failed'] as const) {
      expect((await pairingContext({ status, ticket, error: null }, now, t)).changeSecret, status).toBe(true);
    }
    expect((await pairingContext({ status: 'paired', ticket, error: null }, now, t)).changeSecret).toBe(false);
    expect((await pairingContext({ status: 'secret', ticket: null, error: null }, now, t)).changeSecret).toBe(false);
    const es256 = { ...ticket, algorithm: 'ES256' as const };
    expect((await pairingContext({ status: 'waiting', ticket: es256, error: null }, now, t)).changeSecret).toBe(false);
    module.resign();
  });

  it('with WebCrypto, changing the secret only drops the saved copy and keeps the ES256 link', async () => {
    const { world, gm } = standardWorld();
    const tab = world.connect(gm);
    tab.browser.storage.setItem(SECRET_KEY, 'a-long-enough-pairing-secret-0123456789');
    const module = await tab.start({}, { fetch: pendingFetch });
    const session = module.pairingSession();
    const ticket = await session?.regenerate();
    expect(ticket?.algorithm).toBe('ES256');
    session?.changeSecret();
    expect(tab.browser.storage.getItem(SECRET_KEY)).toBeNull();
    expect(session?.current).toMatchObject({ status: 'waiting', ticket });
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
