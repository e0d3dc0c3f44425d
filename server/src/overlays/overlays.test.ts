// Overlay links and the /overlay namespace with a real socket.io-client: snapshot, live public projection with
// the world's seq, nothing private, read-only, revocation.
import {
  ConnectErrorDataSchema,
  type OverlayCombatUpdatePayload,
  type OverlayDiceRollPayload,
  type OverlayStatePayload,
  OverlayStatePayloadSchema,
} from '@tumulte/schemas';
import { createOverlayClient } from '@tumulte/schemas/client';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createApiToken } from '../accounts/accounts.js';
import { expectError, expectSuccess } from '../test-support/contract-checks.js';
import {
  campaignSync,
  characterUpdate,
  combatState,
  d20Roll,
  goblinCombatant,
  lurkerCombatant,
  randal,
  randalCombatant,
  T0,
} from '../test-support/fixtures.js';
import { type PairedModule, pair } from '../test-support/pairing-flow.js';
import {
  connect,
  connectModule,
  createOverlayLink,
  next,
  overlaySocket,
  startTestServer,
  type TestServer,
} from '../test-support/test-server.js';

let ts: TestServer;
let owner: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  ts = await startTestServer({ rateLimits: { pairing: { max: 10_000 } } });
  owner = ts.ownerToken ?? '';
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(() => ts.close());

const auth = (token = owner) => ({ authorization: `Bearer ${token}` });
const newModule = () => pair(ts.server, owner, ts.server.firstRun?.accountId ?? '', 'HS256');

async function createLink(connectionId: string, token = owner) {
  return (await createOverlayLink(ts, token, connectionId)).link;
}

function overlayOf(token: string, extra: Record<string, unknown> = {}) {
  const socket = overlaySocket(ts.url, token, extra);
  sockets.push(socket);
  return socket;
}

/** A connected overlay with the generated client; `state` resolves with its first `overlay:state`. */
async function openOverlay(url: string) {
  const token = url.replace('/overlay/', '');
  const socket = overlayOf(token);
  const client = createOverlayClient(socket as never);
  const state = new Promise<OverlayStatePayload>((resolve) => {
    const stop = client.on.overlayState((payload) => {
      stop();
      resolve(payload);
    });
  });
  await connect(socket);
  return { socket, client, state: OverlayStatePayloadSchema.parse(await state) };
}

async function refusal(socket: Socket) {
  const error = await connect(socket).then(
    () => {
      throw new Error('the handshake should have been refused');
    },
    (e: Error & { data?: unknown }) => e,
  );
  return ConnectErrorDataSchema.parse(error.data).code;
}

describe('overlay links', () => {
  it('shows the URL once, lists links without it, and keeps them to their account', async () => {
    const paired = await newModule();
    const link = await createLink(paired.connectionId);
    expect(link).toMatchObject({ connectionId: paired.connectionId, label: 'Main scene', revoked: false });
    expect(link.url).toMatch(/^\/overlay\/tmv_[A-Za-z0-9_-]{43}$/);
    const list = expectSuccess(
      await ts.server.app.inject({ method: 'GET', url: '/api/overlays', headers: auth() }),
      'GET /api/overlays',
      200,
    );
    expect(list.overlays.find((o) => o.overlayId === link.overlayId)).toEqual({ ...link, url: null });

    const other = await ts.server.store.transaction(async (tx) => {
      const account = await createAccount(tx, { username: `viewer_${link.overlayId.slice(-6)}`, role: 'streamer' });
      return createApiToken(tx, account.id, 'api', 'test');
    });
    const foreign = await ts.server.app.inject({
      method: 'POST',
      url: '/api/overlays',
      headers: auth(other),
      payload: { connectionId: paired.connectionId, label: 'Stolen' },
    });
    expectError(foreign, 'NOT_FOUND');
    expectError(
      await ts.server.app.inject({
        method: 'POST',
        url: `/api/overlays/${link.overlayId}/revoke`,
        headers: auth(other),
      }),
      'NOT_FOUND',
    );
    const theirList = await ts.server.app.inject({ method: 'GET', url: '/api/overlays', headers: auth(other) });
    expect(expectSuccess(theirList, 'GET /api/overlays', 200).overlays).toEqual([]);
  });
});

describe('/overlay namespace', () => {
  let paired: PairedModule;
  let url: string;
  beforeAll(async () => {
    paired = await newModule();
    url = (await createLink(paired.connectionId)).url ?? '';
  });

  it('sends an empty snapshot before the world ever synced', async () => {
    const { state } = await openOverlay(url);
    expect(state).toEqual({ seq: 0, world: null, characters: [], combat: null, poll: null, recentRolls: [] });
  });

  it('sends the public state, then every public change with the seq the module was acknowledged', async () => {
    const module = await connectModule(ts.url, paired.sessionToken);
    sockets.push(module.socket);
    await module.client.emit.campaignSync(campaignSync([randal(12)], null, T0));
    const hostile = { ...randal(12), vttCharacterId: 'xssXssXssXss0001', name: '<img src=x onerror=alert(1)>' };
    await module.client.emit.characterUpdate(characterUpdate(hostile, T0 + 1));
    await module.client.emit.combatStart(
      combatState(1, 2, [randalCombatant, goblinCombatant, lurkerCombatant], T0 + 2),
    );
    await module.client.emit.diceRoll(d20Roll(20, { visibility: 'blind' }, T0 + 3));
    const publicAck = await module.client.emit.diceRoll(d20Roll(20, {}, T0 + 4));

    const { client, state } = await openOverlay(url);
    expect(state.world).toEqual({ name: 'Lost Mine of Phandelver', system: 'dnd5e', online: true });
    expect(state.seq).toBe(publicAck.ok ? publicAck.seq : -1);
    // Game text travels as text, untouched.
    expect(state.characters.map((c) => c.name).sort()).toEqual(['<img src=x onerror=alert(1)>', 'Randal'].sort());
    expect(state.combat?.combatants.map((c) => c.name)).toEqual(['Randal', 'Goblin']);
    expect(state.combat?.currentCombatantId).toBeNull();
    // Only the public roll, never the blind one.
    expect(state.recentRolls).toHaveLength(1);
    expect(state.recentRolls[0]?.critical).toEqual({ kind: 'success', source: 'natural' });

    const rolls: OverlayDiceRollPayload[] = [];
    client.on.diceRoll((payload) => rolls.push(payload));
    const combat = new Promise<OverlayCombatUpdatePayload>((resolve) => client.on.combatUpdate(resolve));
    const hurt = new Promise((resolve) => client.on.characterUpdate(resolve));

    await module.client.emit.diceRoll(d20Roll(1, { visibility: 'gm' }, T0 + 5));
    await module.client.emit.diceRoll(d20Roll(1, { visibility: 'self' }, T0 + 6));
    const crit = await module.client.emit.diceRoll(d20Roll(1, {}, T0 + 7));
    const turn = await module.client.emit.combatTurn(
      combatState(1, 1, [randalCombatant, goblinCombatant, lurkerCombatant], T0 + 8),
    );
    const update = await module.client.emit.characterUpdate(characterUpdate(randal(4), T0 + 9));

    expect(await hurt).toMatchObject({
      seq: update.ok ? update.seq : -1,
      character: { stats: { hp: { current: 4 } } },
    });
    expect(await combat).toMatchObject({
      seq: turn.ok ? turn.seq : -1,
      combat: { currentCombatantId: goblinCombatant.id, turn: 1 },
    });
    // The private rolls sent before never reached the overlay: the first roll it got is the public one.
    expect(rolls.map((r) => r.seq)).toEqual([crit.ok ? crit.seq : -1]);
    expect(rolls[0]?.roll.critical).toEqual({ kind: 'failure', source: 'natural' });

    // The module leaving shows on the overlay.
    const offline = new Promise<OverlayStatePayload>((resolve) => client.on.overlayState(resolve));
    module.socket.disconnect();
    expect((await offline).world?.online).toBe(false);
  });

  it('is read-only: anything an overlay emits is refused', async () => {
    const { socket } = await openOverlay(url);
    const ack = await socket.timeout(5_000).emitWithAck('dice:roll', d20Roll(20));
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
  });

  it('refuses bad handshakes', async () => {
    expect(await refusal(overlayOf('tmv_not-a-real-token'))).toBe('TOKEN_INVALID');
    expect(await refusal(overlayOf(url.replace('/overlay/', ''), { protocolVersion: '9.0.0' }))).toBe(
      'PROTOCOL_UNSUPPORTED',
    );
    // A module's session token is not an overlay token.
    expect(await refusal(overlayOf(paired.sessionToken))).toBe('TOKEN_INVALID');
  });

  it('disconnects the overlays of a revoked link and refuses the link afterwards', async () => {
    const link = await createLink(paired.connectionId);
    const { socket } = await openOverlay(link.url ?? '');
    const closed = next(socket, 'disconnect');
    const revoked = await ts.server.app.inject({
      method: 'POST',
      url: `/api/overlays/${link.overlayId}/revoke`,
      headers: auth(),
    });
    expect(expectSuccess(revoked, 'POST /api/overlays/:id/revoke', 200)).toMatchObject({ revoked: true, url: null });
    await closed;
    expect(await refusal(overlayOf((link.url ?? '').replace('/overlay/', '')))).toBe('TOKEN_INVALID');
  });

  it('disconnects the overlays of a revoked VTT connection', async () => {
    const other = await newModule();
    const link = await createLink(other.connectionId);
    const { socket } = await openOverlay(link.url ?? '');
    const closed = next(socket, 'disconnect');
    await ts.server.app.inject({
      method: 'POST',
      url: `/vtt/connections/${other.connectionId}/revoke`,
      headers: auth(),
    });
    await closed;
    expect(await refusal(overlayOf((link.url ?? '').replace('/overlay/', '')))).toBe('CONNECTION_REVOKED');
    const create = await ts.server.app.inject({
      method: 'POST',
      url: '/api/overlays',
      headers: auth(),
      payload: { connectionId: other.connectionId, label: 'Too late' },
    });
    expectError(create, 'CONFLICT');
  });
});
