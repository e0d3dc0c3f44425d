// The /vtt namespace with a real socket.io-client on 127.0.0.1: handshake, connection:ready, every inbound
// event, validation, idempotency, ordering, limits, heartbeat, revocation and query:characters.
import {
  ConnectErrorDataSchema,
  ConnectionReadyPayloadSchema,
  EVENTS,
  type EventAck,
  EventAckSchema,
  OVERLAY_EVENTS,
  PROTOCOL_VERSION,
  VTT_EVENTS,
  type VttInboundEventName,
} from '@tumulte/schemas';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OverlayEventRow } from '../store/store.js';
import { expectError, expectSuccess } from '../test-support/contract-checks.js';
import {
  campaignSync,
  characterUpdate,
  d20Roll,
  diceRoll,
  goblin,
  oneOfEach,
  randal,
  T0,
  WORLD_ID,
} from '../test-support/fixtures.js';
import { es256PairingToken, generateModuleKey } from '../test-support/module-keys.js';
import { type PairedModule, pair, pairWithOwner } from '../test-support/pairing-flow.js';
import {
  connect,
  connectModule,
  moduleSocket,
  next,
  startTestServer,
  type TestServer,
} from '../test-support/test-server.js';

let ts: TestServer;
let owner: string;
let ownerId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  ts = await startTestServer({ rateLimits: { pairing: { max: 10_000 }, refresh: { max: 10_000 } } });
  owner = ts.ownerToken ?? '';
  ownerId = ts.server.firstRun?.accountId ?? '';
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(() => ts.close());

const track = <S extends Socket>(socket: S): S => {
  sockets.push(socket);
  return socket;
};
const newModule = (algorithm: 'ES256' | 'HS256' = 'HS256') => pair(ts.server, owner, ownerId, algorithm);
const online = async (paired: PairedModule, server = ts) =>
  (await server.server.services.connections.status(await account(server), paired.connectionId)).online;
const account = async (server = ts) => {
  const row = await server.server.store.transaction((tx) =>
    tx.getAccount(server.server.firstRun?.accountId ?? ownerId),
  );
  if (!row) throw new Error('no owner');
  return row;
};
const gameState = async (connectionId: string) => {
  const { readGameState } = await import('../game/apply-event.js');
  return ts.server.store.transaction((tx) => readGameState(tx, connectionId));
};
const storedEvent = (connectionId: string, eventId: string) =>
  ts.server.store.transaction((tx) => tx.getInboundEvent(connectionId, eventId));
/** Emits without client-side validation, as a buggy or hostile module would. */
const rawEmit = (socket: Socket, event: string, payload: unknown): Promise<EventAck> =>
  socket.timeout(5_000).emitWithAck(event, payload) as Promise<EventAck>;

async function connectionError(socket: Socket) {
  const error = await connect(track(socket)).then(
    () => {
      throw new Error('the handshake should have been refused');
    },
    (refusal: Error & { data?: unknown }) => refusal,
  );
  return ConnectErrorDataSchema.parse(error.data);
}

describe('handshake', () => {
  it('accepts a paired module and sends connection:ready with its limits', async () => {
    const paired = await newModule();
    const module = await connectModule(ts.url, paired.sessionToken);
    track(module.socket);
    const ready = ConnectionReadyPayloadSchema.parse(await module.ready);
    expect(ready).toEqual({
      connectionId: paired.connectionId,
      protocolVersion: PROTOCOL_VERSION,
      serverVersion: '1.0.0',
      limits: { maxPayloadBytes: 65_536, eventsPerSecond: 50, eventsBurst: 200 },
      heartbeat: { intervalMs: 30_000, timeoutMs: 60_000 },
    });
    expect(await online(paired)).toBe(true);
    const status = expectSuccess(
      await ts.server.app.inject({
        method: 'GET',
        url: `/vtt/connections/${paired.connectionId}/status`,
        headers: { authorization: `Bearer ${owner}` },
      }),
      'GET /vtt/connections/:id/status',
      200,
    );
    expect(status).toMatchObject({ online: true, revoked: false, world: { id: WORLD_ID } });
    module.socket.disconnect();
    await vi.waitFor(async () => expect(await online(paired)).toBe(false));
  });

  it('refuses an unsupported protocol major with the supported ones', async () => {
    const paired = await newModule();
    const data = await connectionError(moduleSocket(ts.url, paired.sessionToken, { protocolVersion: '2.0.0' }));
    expect(data).toMatchObject({ code: 'PROTOCOL_UNSUPPORTED', supportedMajors: [1] });
    const none = await connectionError(moduleSocket(ts.url, '', { auth: { token: paired.sessionToken } }));
    expect(none.code).toBe('PROTOCOL_UNSUPPORTED');
  });

  it('refuses a missing, forged or foreign token as TOKEN_INVALID', async () => {
    expect(
      (await connectionError(moduleSocket(ts.url, '', { auth: { protocolVersion: PROTOCOL_VERSION } }))).code,
    ).toBe('TOKEN_INVALID');
    expect((await connectionError(moduleSocket(ts.url, 'not-a-jwt'))).code).toBe('TOKEN_INVALID');
    const paired = await newModule();
    const [header, body] = paired.sessionToken.split('.');
    const forged = `${header}.${body}.${'A'.repeat(86)}`;
    expect((await connectionError(moduleSocket(ts.url, forged))).code).toBe('TOKEN_INVALID');
  });

  it('refuses a pairing token used as a session token', async () => {
    const pairingToken = await es256PairingToken(await generateModuleKey());
    expect((await connectionError(moduleSocket(ts.url, pairingToken))).code).toBe('TOKEN_INVALID');
  });

  it('refuses an expired session as TOKEN_EXPIRED', async () => {
    const paired = await newModule();
    const stale = await ts.server.services.sessions.issue(paired.connectionId, null, Date.now() - 60 * 60_000);
    expect((await connectionError(moduleSocket(ts.url, stale.token))).code).toBe('TOKEN_EXPIRED');
  });
});

describe('inbound events', () => {
  it('stores every event of the contract and acknowledges it with the world sequence', async () => {
    const paired = await newModule();
    const { socket, client } = await connectModule(ts.url, paired.sessionToken);
    track(socket);
    const events = oneOfEach();
    const inbound = EVENTS.filter((e) => e.namespace === 'vtt' && e.direction === 'client-to-server');
    // The fixtures cover the whole contract.
    expect(Object.keys(events).sort()).toEqual(inbound.map((e) => e.name).sort());
    let lastSeq = 0;
    for (const [name, payload] of Object.entries(events) as [VttInboundEventName, { eventId: string }][]) {
      const ack = EventAckSchema.parse(await client.send(name, payload as never));
      expect(ack, name).toMatchObject({ ok: true, duplicate: false });
      if (!ack.ok) continue;
      expect(ack.seq, name).toBeGreaterThan(lastSeq);
      lastSeq = ack.seq ?? lastSeq;
      expect((await storedEvent(paired.connectionId, payload.eventId))?.eventName, name).toBe(name);
    }
    const state = await gameState(paired.connectionId);
    expect(state.characters.map((c) => [c.name, c.stats.hp.current])).toEqual([['Randal', 9]]);
  });

  it.each(EVENTS.filter((e) => e.namespace === 'vtt' && e.direction === 'client-to-server').map((e) => e.name))(
    'answers an invalid %s with VALIDATION and stores nothing',
    async (name) => {
      const paired = await newModule();
      const { socket } = await connectModule(ts.url, paired.sessionToken);
      track(socket);
      const valid = oneOfEach()[name as VttInboundEventName];
      const invalid = { ...valid, password: 'hunter2' };
      const ack = EventAckSchema.parse(await rawEmit(socket, name, invalid));
      expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      if (!ack.ok) expect(ack.error.issues?.length).toBeGreaterThan(0);
      const badId = EventAckSchema.parse(await rawEmit(socket, name, { ...valid, eventId: 'not-an-id' }));
      expect(badId).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await storedEvent(paired.connectionId, valid.eventId)).toBeNull();
      const log = await ts.server.store.transaction((tx) => tx.listOverlayEvents(paired.connectionId, 0, 10));
      expect(log).toEqual([]);
      expect(await gameState(paired.connectionId)).toEqual({ characters: [], combat: null });
    },
  );

  it('refuses unknown events, positional arguments and events without acknowledgement', async () => {
    const paired = await newModule();
    const { socket, client } = await connectModule(ts.url, paired.sessionToken);
    track(socket);
    expect(await rawEmit(socket, 'chat:message', { text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_EVENT' },
    });
    expect(await rawEmit(socket, 'heartbeat:ping', { sentAt: 1 })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_EVENT' },
    });
    const roll = d20Roll(7);
    const twoArgs = (await socket.timeout(5_000).emitWithAck(VTT_EVENTS.diceRoll, roll, 'extra')) as EventAck;
    expect(twoArgs).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    socket.emit(VTT_EVENTS.diceRoll, roll);
    // A later acknowledged event proves the unacknowledged one was read (and dropped) before it.
    expect(await client.emit.diceRoll(d20Roll(8))).toMatchObject({ ok: true });
    expect(await storedEvent(paired.connectionId, roll.eventId)).toBeNull();
  });

  it('acknowledges a replay as a duplicate with the same seq and stores it once', async () => {
    const paired = await newModule();
    const { socket, client } = await connectModule(ts.url, paired.sessionToken);
    track(socket);
    const roll = d20Roll(20);
    const first = await client.emit.diceRoll(roll);
    const again = await client.emit.diceRoll(roll);
    expect(first).toEqual({ ok: true, duplicate: false, seq: 1 });
    expect(again).toEqual({ ok: true, duplicate: true, seq: 1 });
    const rolls = await ts.server.store.transaction((tx) => tx.listRecentDiceRolls(paired.connectionId, 10));
    expect(rolls).toHaveLength(1);
    expect(rolls[0]).toMatchObject({ criticalKind: 'success', criticalSource: 'natural', criticalByServer: true });
    // A replay after a reconnect too.
    socket.disconnect();
    const again2 = await connectModule(ts.url, paired.sessionToken);
    track(again2.socket);
    expect(await again2.client.emit.diceRoll(roll)).toEqual({ ok: true, duplicate: true, seq: 1 });
  });

  it('keeps the newest character when updates arrive out of order', async () => {
    const paired = await newModule();
    const { socket, client } = await connectModule(ts.url, paired.sessionToken);
    track(socket);
    await client.emit.campaignSync(campaignSync([randal(12), goblin()], null, T0));
    expect(await client.emit.characterUpdate(characterUpdate(randal(3), T0 + 3_000))).toMatchObject({ ok: true });
    const older = await client.emit.characterUpdate(characterUpdate(randal(10), T0 + 2_000));
    expect(older).toEqual({ ok: true, duplicate: false });
    const state = await gameState(paired.connectionId);
    expect(state.characters.find((c) => c.name === 'Randal')?.stats.hp.current).toBe(3);
  });

  it('refuses an event for another world with FORBIDDEN', async () => {
    const paired = await newModule();
    const { socket, client } = await connectModule(ts.url, paired.sessionToken);
    track(socket);
    const roll = { ...diceRoll(), worldId: 'tomb-of-annihilation' };
    expect(await client.emit.diceRoll(roll)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await storedEvent(paired.connectionId, roll.eventId)).toBeNull();
  });

  it('gives overlays the public projection with the acknowledged seq, and nothing of a GM roll', async () => {
    const paired = await newModule();
    const seen: OverlayEventRow[] = [];
    const stop = ts.server.onOverlayEvents((connectionId, rows) => {
      if (connectionId === paired.connectionId) seen.push(...rows);
    });
    try {
      const { socket, client } = await connectModule(ts.url, paired.sessionToken);
      track(socket);
      const gm = await client.emit.diceRoll(d20Roll(20, { visibility: 'gm' }));
      const pub = await client.emit.diceRoll(d20Roll(1));
      expect(gm).toEqual({ ok: true, duplicate: false });
      expect(pub).toEqual({ ok: true, duplicate: false, seq: 1 });
      expect(seen.map((row) => [row.event, row.seq])).toEqual([['dice:roll', 1]]);
      expect(seen[0]?.payload).toMatchObject({ seq: 1, roll: { critical: { kind: 'failure', source: 'natural' } } });
    } finally {
      stop();
    }
  });
});

describe('limits', () => {
  it('answers RATE_LIMITED past the burst and stores nothing of the refused event', async () => {
    const limited = await startTestServer({ limits: { eventsPerSecond: 0, eventsBurst: 3 } });
    try {
      const paired = await pairWithOwner(limited);
      const { socket, client } = await connectModule(limited.url, paired.sessionToken);
      track(socket);
      const rolls = Array.from({ length: 5 }, (_, i) => d20Roll(i + 2));
      const acks = await Promise.all(rolls.map((roll) => client.emit.diceRoll(roll)));
      expect(acks.filter((ack) => ack.ok)).toHaveLength(3);
      expect(acks.filter((ack) => !ack.ok).map((ack) => !ack.ok && ack.error.code)).toEqual([
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);
      const stored = await limited.server.store.transaction((tx) => tx.listRecentDiceRolls(paired.connectionId, 10));
      expect(stored).toHaveLength(3);
      const metrics = await limited.server.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toContain('tumulte_rejects_total{code="RATE_LIMITED",source="socket"} 2');
    } finally {
      await limited.close();
    }
  });

  it('shares the budget between the sockets of one connection: a second socket or a reconnect adds nothing', async () => {
    const limited = await startTestServer({ limits: { eventsPerSecond: 0, eventsBurst: 4 } });
    try {
      const paired = await pairWithOwner(limited);
      const first = await connectModule(limited.url, paired.sessionToken);
      const second = await connectModule(limited.url, paired.sessionToken);
      track(first.socket);
      track(second.socket);
      const acks = await Promise.all(
        [first, second, first, second, first, second].map(({ client }, i) => client.emit.diceRoll(d20Roll(i + 2))),
      );
      expect(acks.filter((ack) => ack.ok)).toHaveLength(4);
      first.socket.disconnect();
      second.socket.disconnect();
      const again = await connectModule(limited.url, paired.sessionToken);
      track(again.socket);
      expect(await again.client.emit.diceRoll(d20Roll(9))).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED' },
      });
      // Another connection has its own budget.
      const other = await pairWithOwner(limited);
      const otherModule = await connectModule(limited.url, other.sessionToken);
      track(otherModule.socket);
      expect(await otherModule.client.emit.diceRoll(d20Roll(10))).toMatchObject({ ok: true });
    } finally {
      await limited.close();
    }
  });

  it('refuses an event over the size limit with PAYLOAD_TOO_LARGE, and closes on a frame over the transport limit', async () => {
    const paired = await newModule();
    const { socket, client } = await connectModule(ts.url, paired.sessionToken);
    track(socket);
    const large = { ...d20Roll(5), flavor: 'x'.repeat(70_000) };
    expect(await rawEmit(socket, VTT_EVENTS.diceRoll, large)).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    expect(await storedEvent(paired.connectionId, large.eventId)).toBeNull();
    // The connection is still usable.
    expect(await client.emit.diceRoll(d20Roll(6))).toMatchObject({ ok: true });

    const huge = { ...d20Roll(5), flavor: 'x'.repeat(200_000) };
    const closed = next(socket, 'disconnect');
    socket.emit(VTT_EVENTS.diceRoll, huge, () => undefined);
    expect(await closed).toBe('transport close');
    expect(await storedEvent(paired.connectionId, huge.eventId)).toBeNull();
  });
});

describe('heartbeat', () => {
  it('measures latency and disconnects a module that stops answering', async () => {
    const fast = await startTestServer({ heartbeat: { intervalMs: 40, timeoutMs: 250 } });
    try {
      const paired = await pairWithOwner(fast);
      const answering = await connectModule(fast.url, paired.sessionToken);
      track(answering.socket);
      await vi.waitFor(async () => {
        const row = await fast.server.store.transaction((tx) => tx.getConnection(paired.connectionId));
        expect(row?.latencyMs).not.toBeNull();
        expect(row?.queuedEvents).toBe(0);
      });
      answering.socket.disconnect();

      // A module that never answers heartbeat:ping.
      const silent = track(moduleSocket(fast.url, paired.sessionToken));
      const pinged = next(silent, 'heartbeat:ping');
      await connect(silent);
      await pinged;
      expect(await next(silent, 'disconnect')).toBe('io server disconnect');
    } finally {
      await fast.close();
    }
  });
});

describe('revocation and refresh', () => {
  it('tells the module, disconnects it at once, and its tokens never work again', async () => {
    const paired = await newModule('ES256');
    const { socket, client } = await connectModule(ts.url, paired.sessionToken);
    track(socket);
    const revoked = new Promise((resolve) => client.on.connectionRevoked(resolve));
    const closed = next(socket, 'disconnect');
    const answer = await ts.server.app.inject({
      method: 'POST',
      url: `/vtt/connections/${paired.connectionId}/revoke`,
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(expectSuccess(answer, 'POST /vtt/connections/:id/revoke', 200)).toEqual({
      connectionId: paired.connectionId,
      revoked: true,
    });
    expect(await revoked).toEqual({ reason: 'revoked_by_user', message: expect.any(String) });
    expect(await closed).toBe('io server disconnect');
    expect((await connectionError(moduleSocket(ts.url, paired.sessionToken))).code).toBe('CONNECTION_REVOKED');
    const refresh = await ts.server.app.inject({
      method: 'POST',
      url: '/vtt/refresh-token',
      payload: { connectionId: paired.connectionId, refreshToken: paired.refreshToken },
    });
    expectError(refresh, 'CONNECTION_REVOKED');
  });

  it('revokes a connected module whose old refresh token is replayed', async () => {
    const paired = await newModule();
    const refresh = (refreshToken: string) =>
      ts.server.app.inject({
        method: 'POST',
        url: '/vtt/refresh-token',
        payload: { connectionId: paired.connectionId, refreshToken },
      });
    const rotated = expectSuccess(await refresh(paired.refreshToken), 'POST /vtt/refresh-token', 200);
    const { socket, client } = await connectModule(ts.url, rotated.sessionToken);
    track(socket);
    const revoked = new Promise((resolve) => client.on.connectionRevoked(resolve));
    const closed = next(socket, 'disconnect');
    expectError(await refresh(paired.refreshToken), 'REFRESH_REUSED');
    expect(await revoked).toMatchObject({ reason: 'refresh_reuse' });
    await closed;
    expectError(await refresh(rotated.refreshToken), 'CONNECTION_REVOKED');
  });
});

describe('query:characters, asked from the dashboard', () => {
  const refresh = (connectionId: string, token = owner, server = ts) =>
    server.server.app.inject({
      method: 'POST',
      url: `/vtt/connections/${connectionId}/characters/refresh`,
      headers: { authorization: `Bearer ${token}` },
    });

  it('asks the module for its characters, replaces the stored party with the answer and tells the overlays', async () => {
    const paired = await newModule();
    const { socket, client } = await connectModule(ts.url, paired.sessionToken);
    track(socket);
    expect(await client.emit.characterUpdate(characterUpdate(randal(7)))).toMatchObject({ ok: true });
    expect(await client.emit.characterUpdate(characterUpdate(goblin(4)))).toMatchObject({ ok: true });
    const overlayRows: OverlayEventRow[] = [];
    const stop = ts.server.onOverlayEvents((connectionId, rows) => {
      if (connectionId === paired.connectionId) overlayRows.push(...rows);
    });
    try {
      // In the VTT the goblin was deleted while the module could not tell, and Randal healed.
      const asked: number[] = [];
      client.on.queryCharacters((query) => {
        asked.push(query.requestedAt);
        return { ok: true, characters: [randal(12)] };
      });
      const result = expectSuccess(
        await refresh(paired.connectionId),
        'POST /vtt/connections/:id/characters/refresh',
        200,
      );
      expect(result).toEqual({ connectionId: paired.connectionId, characterCount: 1, refreshedAt: asked[0] });
      const state = await gameState(paired.connectionId);
      expect(state.characters.map((c) => [c.name, c.stats.hp.current])).toEqual([['Randal', 12]]);
      // Overlays take the new party as a fresh snapshot.
      expect(overlayRows.map((row) => row.event)).toEqual([OVERLAY_EVENTS.overlayState]);
    } finally {
      stop();
    }
  });

  it('answers CONFLICT when the module is not connected, or does not answer in time, and changes nothing', async () => {
    const slow = await startTestServer({ queryTimeoutMs: 200, rateLimits: { pairing: { max: 10_000 } } });
    try {
      const slowOwner = slow.ownerToken ?? '';
      const paired = await pairWithOwner(slow);
      expect(expectError(await refresh(paired.connectionId, slowOwner, slow), 'CONFLICT').error.message).toMatch(
        /not connected/,
      );
      const { socket, client } = await connectModule(slow.url, paired.sessionToken);
      track(socket);
      expect(await client.emit.characterUpdate(characterUpdate(randal(7)))).toMatchObject({ ok: true });
      client.on.queryCharacters(() => new Promise(() => undefined));
      expect(expectError(await refresh(paired.connectionId, slowOwner, slow), 'CONFLICT').error.message).toMatch(
        /did not answer in time/,
      );
      const state = await slow.server.store.transaction(async (tx) =>
        (await import('../game/apply-event.js')).readGameState(tx, paired.connectionId),
      );
      expect(state.characters.map((c) => c.name)).toEqual(['Randal']);
    } finally {
      await slow.close();
    }
  });

  it("answers NOT_FOUND for another account's connection, without asking its module", async () => {
    const paired = await newModule();
    const { socket, client } = await connectModule(ts.url, paired.sessionToken);
    track(socket);
    const asked = vi.fn(() => ({ ok: true as const, characters: [] }));
    client.on.queryCharacters(asked);
    const other = await ts.server.store.transaction(async (tx) => {
      const { createAccount, createApiToken } = await import('../accounts/accounts.js');
      const created = await createAccount(tx, { username: `other_${Date.now()}`, role: 'streamer' });
      return createApiToken(tx, created.id, 'api', 'test');
    });
    expectError(await refresh(paired.connectionId, other), 'NOT_FOUND');
    expect(asked).not.toHaveBeenCalled();
  });
});
