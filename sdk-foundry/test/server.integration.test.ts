// The real module, in the simulated Foundry, against the real server (`@tumulte/server`, in-process on
// 127.0.0.1 with a SQLite database in a temp folder), through a TCP proxy that can cut the network: pair through
// the dashboard API, send, kill the connection, queue 100 events, reconnect, all 100 arrive once and in order;
// a page reload with queued events loses none; an expired session is refreshed with a proof; revocation stops
// the module; after the pairing secret is rotated, the GM changes it in the dialog and HS256 pairing works again.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVttEmitter } from '@tumulte/schemas/server';
import { buildServer, type TumulteServer } from '@tumulte/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TumulteModule } from '../src/module.js';
import { chatMessage, dnd5eActor } from './sim/fixtures.js';
import { addActor } from './sim/harness.js';
import { BrowserProfile, type Client, FakeApplicationV2, standardWorld, type World } from './sim/runtime.js';
import { TcpProxy } from './sim/tcp-proxy.js';

const MODULE = 'tumulte-integration';
/** Waits for a condition (generous bound for slow CI machines; never an assertion about time). */
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 20 });
const FAST = { connection: { backoff: { initialMs: 25, maxMs: 250 } }, coalesceMs: 5 } as const;

/** A port nobody listens on now (the restarted server must come back on the same address). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Running {
  server: TumulteServer;
  baseUrl: string;
}

async function startServer(dataDir: string, port: number, overrides: Record<string, unknown> = {}): Promise<Running> {
  const server = await buildServer({
    port,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    pairingWaitMs: 2_000,
    ...overrides,
  });
  return { server, baseUrl: await server.listen() };
}

async function dashboard(baseUrl: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const roll = (id: string) => ({ ...chatMessage('dnd5e-d20roll-attack-guiding-bolt'), _id: id });

/** The rollIds of the public rolls the server stored, in its sequence order. */
async function storedRollIds(server: TumulteServer, connectionId: string): Promise<string[]> {
  const rows = await server.store.transaction((tx) => tx.listOverlayEvents(connectionId, 0, 10_000));
  return rows
    .filter((row) => row.event === 'dice:roll')
    .map((row) => (row.payload as { roll: { rollId: string } }).roll.rollId);
}

/** Opens the pairing dialog in Foundry and confirms the pasted pairing URL in the dashboard. */
async function pair(
  module: TumulteModule,
  running: Running,
  ownerToken: string,
  moduleUrl = running.baseUrl,
): Promise<string> {
  module.openPairingDialog();
  await until(() => expect(module.pairingSession()?.current.status).toBe('waiting'));
  const ticket = module.pairingSession()?.current.ticket;
  if (!ticket) throw new Error('no pairing ticket');
  expect(ticket.url.startsWith(`${moduleUrl}/pair#`)).toBe(true);
  const preview = await dashboard(running.baseUrl, ownerToken, 'POST', '/vtt/pair/preview', {
    pairingToken: ticket.url,
  });
  expect(preview.status).toBe(200);
  expect(preview.body).toMatchObject({
    pairingCode: ticket.code,
    worldName: 'Lost Mine of Phandelver',
    algorithm: 'ES256',
  });
  const confirmed = await dashboard(running.baseUrl, ownerToken, 'POST', '/vtt/pair', { pairingToken: ticket.url });
  expect(confirmed.status).toBe(201);
  await until(() => expect(module.connection?.status.state).toBe('connected'));
  return String(confirmed.body.connectionId);
}

describe('against the real server', () => {
  let dataDir: string;
  let proxy: TcpProxy;
  let running: Running;
  let ownerToken: string;
  let world: World;
  let browser: BrowserProfile;
  let tab: Client;
  let module: TumulteModule;
  let connectionId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tumulte-sdk-foundry-'));
    running = await startServer(dataDir, 0, { heartbeat: { intervalMs: 200, timeoutMs: 5_000 } });
    proxy = new TcpProxy(Number(new URL(running.baseUrl).port));
    await proxy.listen();
    ownerToken = running.server.firstRun?.ownerToken ?? '';
    expect(ownerToken).not.toBe('');
    ({ world } = standardWorld());
    const gm = world.users.get('GMaaaaaaaaaaaaa1');
    if (!gm) throw new Error('no GM');
    browser = new BrowserProfile();
    tab = world.connect(gm, browser);
    module = await tab.start(FAST);
    await tab.game.settings.set(MODULE, 'serverUrl', proxy.url);
    addActor(world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
  });

  afterAll(async () => {
    tab?.unload();
    await proxy?.cut();
    await running?.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('pairs: URL, QR and code in Foundry, confirmation in the dashboard, tokens in browser storage only', async () => {
    expect(module.connection?.status.state).toBe('unpaired');
    connectionId = await pair(module, running, ownerToken, proxy.url);
    const session = browser.storage.getItem(`${MODULE}.lost-mine.session`);
    expect(session).toContain(connectionId);
    // Nothing secret in world settings (every player can read them).
    expect(JSON.stringify([...world.settings.values.values()])).not.toContain('refreshToken');
    expect(tab.notifications).toContainEqual({ level: 'info', message: expect.stringContaining('paired') });
    // The campaign sync brought the character.
    await until(async () => {
      const characters = await running.server.store.transaction((tx) => tx.listCharacters(connectionId));
      expect(characters.map((c) => c.vttCharacterId)).toEqual(['2Pdtnswo8Nj2nafY']);
    });
  });

  it('sends a roll', async () => {
    world.createChatMessage(roll('liveRoll00000001'));
    await until(async () => expect(await storedRollIds(running.server, connectionId)).toEqual(['liveRoll00000001.0']));
    expect(module.outbox?.size).toBe(0);
  });

  it('connection killed: 100 events queue up, and after reconnecting all 100 arrive once and in order', async () => {
    await proxy.cut();
    await until(() => expect(module.connection?.status.state).toBe('reconnecting'));
    const ids = Array.from({ length: 100 }, (_, n) => `offlineRoll${String(n).padStart(5, '0')}`);
    for (const id of ids) world.createChatMessage(roll(id));
    expect(module.outbox?.size).toBe(100);
    expect(module.indicator.current).toMatchObject({ state: 'reconnecting', queued: 100 });

    await proxy.listen();
    await until(() => expect(module.outbox?.size).toBe(0));
    expect(module.connection?.status.state).toBe('connected');
    expect(await storedRollIds(running.server, connectionId)).toEqual([
      'liveRoll00000001.0',
      ...ids.map((id) => `${id}.0`),
    ]);
  });

  it('a page reload with queued events loses none', async () => {
    await proxy.cut();
    await until(() => expect(module.connection?.status.state).toBe('reconnecting'));
    const ids = Array.from({ length: 10 }, (_, n) => `reloadRoll${String(n).padStart(6, '0')}`);
    for (const id of ids) world.createChatMessage(roll(id));
    expect(module.outbox?.size).toBe(10);

    // Reload: the tab goes away (its memory with it); a new tab of the same GM in the same browser starts.
    const gm = tab.user;
    tab.unload();
    tab = world.connect(gm, browser);
    module = await tab.start(FAST);
    // The new tab waits for the old one's Web Lock to be released, then reads the outbox from storage.
    await until(() => expect(module.isLeader).toBe(true));
    expect(module.outbox?.size).toBe(10);

    await proxy.listen();
    await until(() => expect(module.outbox?.size).toBe(0));
    const stored = await storedRollIds(running.server, connectionId);
    expect(stored.slice(-10)).toEqual(ids.map((id) => `${id}.0`));
    expect(new Set(stored).size).toBe(stored.length);
  });

  it('answers the heartbeat: the dashboard sees the latency and the queue', async () => {
    await until(async () => {
      const status = await dashboard(running.baseUrl, ownerToken, 'GET', `/vtt/connections/${connectionId}/status`);
      expect(status.body).toMatchObject({ online: true, latencyMs: expect.any(Number) });
    });
    expect(module.connection?.status.latencyMs).not.toBeNull();
  });

  it('answers query:characters with the shared characters (Refresh characters in the dashboard)', async () => {
    const refreshed = await dashboard(
      running.baseUrl,
      ownerToken,
      'POST',
      `/vtt/connections/${connectionId}/characters/refresh`,
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ connectionId, characterCount: 1 });
    const stored = await running.server.store.transaction((tx) => tx.listCharacters(connectionId));
    expect(stored.map((row) => (row.data as { name?: string } | null)?.name)).toEqual(['Randal (Human Fighter)']);
  });

  it('posts poll:start and poll:end from the server in the Foundry chat', async () => {
    // Emitted through the server's own /vtt namespace with the generated emitter (validated against the contract).
    const emitter = createVttEmitter(running.server.io.of('/vtt'));
    emitter.emit.pollStart({
      pollId: 'poll-1',
      question: 'Which <door>?',
      options: [
        { id: 'a', label: 'Red' },
        { id: 'b', label: 'Blue' },
      ],
      startedAt: 1_764_065_800_000,
      endsAt: 1_764_065_860_000,
    });
    await until(() => expect(tab.chat).toHaveLength(1));
    expect(String(tab.chat[0]?.content)).toContain('Which &lt;door&gt;?');
    expect(String(tab.chat[0]?.content)).toContain('Votes are open for 60 s.');
    emitter.emit.pollEnd({
      pollId: 'poll-1',
      question: 'Which <door>?',
      results: [
        { optionId: 'a', label: 'Red', votes: 12 },
        { optionId: 'b', label: 'Blue', votes: 7 },
      ],
      totalVotes: 19,
      winners: ['a'],
      endedAt: 1_764_065_860_000,
      reason: 'timer',
    });
    await until(() => expect(tab.chat).toHaveLength(2));
    expect(String(tab.chat[1]?.content)).toContain('Winner: Red');
    expect(tab.chat[1]?.speaker).toEqual({ alias: 'Tumulte' });
  });

  it('revocation forgets the tokens, tells the GM and stops the module', async () => {
    const revoked = await dashboard(running.baseUrl, ownerToken, 'POST', `/vtt/connections/${connectionId}/revoke`);
    expect(revoked.status).toBe(200);
    await until(() => expect(module.connection?.status.state).toBe('revoked'));
    expect(browser.storage.getItem(`${MODULE}.lost-mine.session`)).toBeNull();
    expect(await module.keys?.load()).toBeNull();
    expect(tab.notifications.at(-1)?.level).toBe('error');
    expect(module.connection?.status.nextRetryAt).toBeNull();
    world.createChatMessage(roll('afterRevocation1'));
    expect(module.outbox?.size).toBe(0);
    expect(module.indicator.current.state).toBe('offline');
  });
});

describe('session refresh against the real server', () => {
  it('an expired session token is refused (TOKEN_EXPIRED), refreshed with a proof, and the module reconnects', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tumulte-sdk-foundry-'));
    const running = await startServer(dataDir, 0, { sessionTtlSeconds: 1 });
    try {
      const { world, gm } = standardWorld();
      const browser = new BrowserProfile();
      const tab = world.connect(gm, browser);
      // A zero margin: the module uses its session until the server refuses it.
      const module = await tab.start({ ...FAST, connection: { ...FAST.connection, refreshMarginMs: -60_000 } });
      await tab.game.settings.set(MODULE, 'serverUrl', running.baseUrl);
      const connectionId = await pair(module, running, running.server.firstRun?.ownerToken ?? '');
      const first = module.tokens?.load();
      // Wait until the session token is past its expiry, then drop the socket so the module must reconnect.
      await until(() => expect(Date.now()).toBeGreaterThan((first?.sessionExpiresAt ?? 0) + 1_000));
      running.server.io.of('/vtt').disconnectSockets(true);
      await until(() => expect(module.tokens?.load()?.refreshToken).not.toBe(first?.refreshToken));
      await until(() => expect(module.connection?.status.state).toBe('connected'));
      world.createChatMessage(roll('afterRefresh0001'));
      await until(async () =>
        expect(await storedRollIds(running.server, connectionId)).toContain('afterRefresh0001.0'),
      );
      tab.unload();
    } finally {
      await running.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('server restart', () => {
  it('events queued while the server is down arrive once it is back, in order', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tumulte-sdk-foundry-'));
    const port = await freePort();
    let running = await startServer(dataDir, port);
    const { world, gm } = standardWorld();
    const tab = world.connect(gm, new BrowserProfile());
    try {
      const module = await tab.start(FAST);
      await tab.game.settings.set(MODULE, 'serverUrl', running.baseUrl);
      const connectionId = await pair(module, running, running.server.firstRun?.ownerToken ?? '');
      await running.server.close();
      await until(() => expect(module.connection?.status.state).toBe('reconnecting'));
      const ids = Array.from({ length: 20 }, (_, n) => `restartRoll${String(n).padStart(5, '0')}`);
      for (const id of ids) world.createChatMessage(roll(id));
      running = await startServer(dataDir, port);
      await until(() => expect(module.outbox?.size).toBe(0));
      expect(await storedRollIds(running.server, connectionId)).toEqual(ids.map((id) => `${id}.0`));
    } finally {
      tab.unload();
      await running.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('HS256 pairing against the real server (a page without WebCrypto)', () => {
  it("pairs with the account's pairing secret, sends, and refreshes without a proof", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tumulte-sdk-foundry-'));
    const running = await startServer(dataDir, 0, { sessionTtlSeconds: 1 });
    const { world, gm } = standardWorld();
    const tab = world.connect(gm, new BrowserProfile());
    try {
      const ownerToken = running.server.firstRun?.ownerToken ?? '';
      const module = await tab.start(FAST, { webCrypto: false });
      await tab.game.settings.set(MODULE, 'serverUrl', running.baseUrl);
      module.openPairingDialog();
      await until(() => expect(module.pairingSession()?.current.status).toBe('secret'));
      const secret = await dashboard(running.baseUrl, ownerToken, 'GET', '/vtt/pairing-secret');
      expect(secret.status).toBe(200);
      await module.pairingSession()?.useSecret(String(secret.body.secret));
      expect(module.pairingSession()?.current.ticket?.algorithm).toBe('HS256');
      const ticket = module.pairingSession()?.current.ticket;
      const preview = await dashboard(running.baseUrl, ownerToken, 'POST', '/vtt/pair/preview', {
        pairingToken: ticket?.url,
      });
      expect(preview.body).toMatchObject({ algorithm: 'HS256', pairingCode: ticket?.code });
      const confirmed = await dashboard(running.baseUrl, ownerToken, 'POST', '/vtt/pair', {
        pairingToken: ticket?.url,
      });
      expect(confirmed.status).toBe(201);
      await until(() => expect(module.connection?.status.state).toBe('connected'));
      expect(await module.keys?.load()).toBeNull();
      // The 1-second session expires: the next connection refreshes it (no proof for an HS256 connection).
      const first = module.tokens?.load();
      await until(() => expect(Date.now()).toBeGreaterThan((first?.sessionExpiresAt ?? 0) + 1_000));
      running.server.io.of('/vtt').disconnectSockets(true);
      await until(() => expect(module.tokens?.load()?.refreshToken).not.toBe(first?.refreshToken));
      await until(() => expect(module.connection?.status.state).toBe('connected'));
      world.createChatMessage(roll('hs256Roll0000001'));
      await until(async () =>
        expect(await storedRollIds(running.server, String(confirmed.body.connectionId))).toEqual([
          'hs256Roll0000001.0',
        ]),
      );
    } finally {
      tab.unload();
      await running.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a pairing secret rotated in the dashboard (HS256)', () => {
  it('links signed with the old secret are refused; Change pairing secret in the dialog, and pairing succeeds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tumulte-sdk-foundry-'));
    const running = await startServer(dataDir, 0);
    const { world, gm } = standardWorld();
    const browser = new BrowserProfile();
    const tab = world.connect(gm, browser);
    try {
      const ownerToken = running.server.firstRun?.ownerToken ?? '';
      const module = await tab.start(FAST, { webCrypto: false });
      await tab.game.settings.set(MODULE, 'serverUrl', running.baseUrl);
      const oldSecret = String(
        (await dashboard(running.baseUrl, ownerToken, 'GET', '/vtt/pairing-secret')).body.secret,
      );
      // An earlier pairing in this browser saved the secret, so the dialog signs with it without asking.
      browser.storage.setItem(`${MODULE}.lost-mine.pairingSecret`, oldSecret);
      const rotated = await dashboard(running.baseUrl, ownerToken, 'POST', '/vtt/pairing-secret/rotate');
      expect(rotated.status).toBe(200);
      const newSecret = String(rotated.body.secret);
      expect(newSecret).not.toBe(oldSecret);

      FakeApplicationV2.instances = [];
      module.openPairingDialog();
      const dialog = FakeApplicationV2.instances.at(-1);
      if (!dialog) throw new Error('no pairing dialog');
      await until(() => expect(module.pairingSession()?.current.ticket?.algorithm).toBe('HS256'));
      const stale = module.pairingSession()?.current.ticket;
      const refused = await dashboard(running.baseUrl, ownerToken, 'POST', '/vtt/pair/preview', {
        pairingToken: stale?.url,
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.body).toMatchObject({ error: { code: 'PAIRING_INVALID' } });
      await dialog.render();
      await dialog.lastRender;
      expect(dialog.lastContext).toMatchObject({ changeSecret: true });

      const actions = (
        dialog.constructor as unknown as { DEFAULT_OPTIONS: { actions: Record<string, (this: unknown) => unknown> } }
      ).DEFAULT_OPTIONS.actions;
      await actions.changeSecret?.call(dialog);
      await dialog.lastRender;
      expect(dialog.lastContext).toMatchObject({ status: 'secret', needsSecret: true });
      expect(browser.storage.getItem(`${MODULE}.lost-mine.pairingSecret`)).toBeNull();
      // The GM types the new secret (this suite runs in node: the form is reduced to its one input).
      const input = { value: newSecret };
      dialog.element = { querySelector: () => input } as unknown as HTMLElement;
      await actions.useSecret?.call(dialog);
      const ticket = module.pairingSession()?.current.ticket;
      expect(ticket?.algorithm).toBe('HS256');
      expect(ticket?.token).not.toBe(stale?.token);
      const preview = await dashboard(running.baseUrl, ownerToken, 'POST', '/vtt/pair/preview', {
        pairingToken: ticket?.url,
      });
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ algorithm: 'HS256', pairingCode: ticket?.code });
      const confirmed = await dashboard(running.baseUrl, ownerToken, 'POST', '/vtt/pair', {
        pairingToken: ticket?.url,
      });
      expect(confirmed.status).toBe(201);
      await until(() => expect(module.connection?.status.state).toBe('connected'));
      expect(module.pairingSession()?.current.status).toBe('paired');
      expect(browser.storage.getItem(`${MODULE}.lost-mine.pairingSecret`)).toBe(newSecret);
      world.createChatMessage(roll('rotatedSecret001'));
      await until(async () =>
        expect(await storedRollIds(running.server, String(confirmed.body.connectionId))).toEqual([
          'rotatedSecret001.0',
        ]),
      );
    } finally {
      tab.unload();
      await running.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the server's limits", () => {
  it('an event larger than maxPayloadBytes is dropped instead of breaking the connection', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tumulte-sdk-foundry-'));
    const running = await startServer(dataDir, 0, { limits: { maxPayloadBytes: 16_384 } });
    const { world, gm } = standardWorld();
    const tab = world.connect(gm, new BrowserProfile());
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const module = await tab.start(FAST);
      await tab.game.settings.set(MODULE, 'serverUrl', running.baseUrl);
      const connectionId = await pair(module, running, running.server.firstRun?.ownerToken ?? '');
      expect(module.connection?.payloadLimit).toBe(16_384);
      const hoarder = addActor(world, dnd5eActor('zanna-gnome-wizard'), { playerOwned: true });
      for (let n = 0; n < 150; n += 1) {
        world.createItem(hoarder, {
          _id: `simHoard${String(n).padStart(8, '0')}`,
          name: `Trinket ${'x'.repeat(80)} ${n}`,
          type: 'loot',
          system: { quantity: 1 },
        });
      }
      world.createChatMessage(roll('afterHugeEvent01'));
      await until(async () =>
        expect(await storedRollIds(running.server, connectionId)).toEqual(['afterHugeEvent01.0']),
      );
      expect(module.connection?.status.state).toBe('connected');
      expect(module.outbox?.size).toBe(0);
      expect(warn.mock.calls.some((call) => String(call[1]).includes("larger than the server's 16384 bytes"))).toBe(
        true,
      );
    } finally {
      warn.mockRestore();
      tab.unload();
      await running.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
