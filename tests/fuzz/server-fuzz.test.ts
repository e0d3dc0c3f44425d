// Bad input against the REAL server (in-process, real Socket.IO on 127.0.0.1, a paired module's session): every
// event clients send (EVENTS, client-to-server) fuzzed from the contract's examples — wrong types, missing and
// unknown fields, huge strings, deep nesting, prototype-pollution keys, tricky text, random JSON, binary
// attachments, wrong argument counts, payloads over the event limit and over the transport limit, malformed
// Socket.IO frames. The server must answer VALIDATION or PAYLOAD_TOO_LARGE (or close the connection above the
// transport limit), acknowledge every valid payload, store nothing invalid, pollute no prototype, and keep
// serving. A flooding module is rate-limited without hurting another connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventAckSchema } from '@tumulte/schemas';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/shared-postgres.js';
import { FuzzTarget } from './fuzz-target.js';
import { type InboundEvent, idStrings, inboundEvents, type Json, ulid, withFreshIds } from './inbound-events.js';
import { connectModule, errorCode, pairModule, send } from './module-session.js';
import { hostilePayloads, oversizePayloads } from './mutations.js';
import { auditStore } from './store-audit.js';

/** Hostile payloads per event on SQLite (half as many on PostgreSQL); `FUZZ_RUNS` to change. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
/** fast-check's seed: printed with the case count; `FUZZ_SEED` replays a run. */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const EVENTS = inboundEvents();
/** The world the fuzzing module is paired with: the contract examples' world. */
const WORLD_ID = String((EVENTS[0]?.examples[0] as { worldId?: string } | undefined)?.worldId);
const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const prototypeKeys = () => PROTOTYPES.map((prototype) => Reflect.ownKeys(prototype).map(String).sort());
const pristinePrototypes = prototypeKeys();
let totalCases = 0;

afterAll(() => {
  console.log(`fuzz: ${totalCases} cases in all (seed ${SEED}; FUZZ_SEED=${SEED} replays them)`);
});

/** A fresh copy of an example: new event, roll and message ids, so it is stored as a new event. */
const fresh = (example: Json): Json => JSON.parse(withFreshIds(JSON.stringify(example), idStrings(example)));

it('pairs with the world of every contract example', () => {
  for (const event of EVENTS) {
    expect(event.definition.namespace, 'only /vtt receives events from clients today').toBe('vtt');
    for (const example of event.examples) expect((example as { worldId: string }).worldId).toBe(WORLD_ID);
  }
});

describe.each([
  ['SQLite', 1],
  ['PostgreSQL', 0.5],
] as const)('the server on %s, fuzzed through a paired module', (storeName, share) => {
  const runs = Math.max(20, Math.round(RUNS * share));
  let target: FuzzTarget;
  let dataDir: string | null = null;
  let database: TestDatabase | null = null;

  beforeAll(async () => {
    if (storeName === 'SQLite') dataDir = mkdtempSync(join(tmpdir(), 'tumulte-fuzz-'));
    else database = await createTestDatabase('tumulte_fuzz');
    target = await FuzzTarget.start({
      ...(dataDir ? { dataDir } : {}),
      ...(database ? { databaseUrl: database.url } : {}),
      worldId: WORLD_ID,
      // The flood has its own test: here every case must reach the validator.
      limits: { eventsPerSecond: 1_000_000, eventsBurst: 1_000_000 },
      channelPrefix: `tumulte-fuzz-${process.pid}`,
    });
  });

  afterAll(async () => {
    totalCases += target?.cases ?? 0;
    console.log(`fuzz: ${target?.cases} cases on ${storeName}, ${target?.accepted.length} stored`);
    await target?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(EVENTS.map((event) => [event.definition.name, event] as const))(
    '%s: hostile payloads are refused (VALIDATION, PAYLOAD_TOO_LARGE), valid ones acknowledged',
    async (_, event: InboundEvent) => {
      const { maxPayloadBytes } = target.limits;
      // The examples themselves, as new events: stored.
      for (const example of event.examples) expect(await target.fuzz(event, 'example', [fresh(example)])).toBe('ok');
      // Mutations of the examples (fast-check shrinks a failing one to the smallest payload that fails).
      const hostile = fc.oneof(
        ...event.examples.map((example) =>
          hostilePayloads(example).map((mutation) => ({ ...mutation, ids: idStrings(example) })),
        ),
      );
      await fc.assert(
        fc.asyncProperty(hostile, async ({ kind, payload, ids }) => {
          await target.fuzz(event, kind, [JSON.parse(withFreshIds(payload, ids))]);
        }),
        { numRuns: runs, seed: SEED },
      );
      // Over the event limit, under the transport limit: PAYLOAD_TOO_LARGE, and the connection stays.
      const oversize = fc.oneof(
        ...event.examples.map((example) =>
          oversizePayloads(example, maxPayloadBytes + 64, 2 * maxPayloadBytes - 2_048).map((m) => ({
            ...m,
            ids: idStrings(example),
          })),
        ),
      );
      await fc.assert(
        fc.asyncProperty(oversize, async ({ kind, payload, ids }) => {
          expect(await target.fuzz(event, kind, [JSON.parse(withFreshIds(payload, ids))])).toBe('PAYLOAD_TOO_LARGE');
        }),
        { numRuns: 5, seed: SEED },
      );
      // Binary attachments where JSON is expected, and the wrong number of arguments: VALIDATION.
      const example = event.examples[0] as Record<string, Json>;
      const [firstKey] = Object.keys(example);
      const binary: unknown[][] = [
        [Buffer.from(JSON.stringify(example))],
        [{ ...(fresh(example) as object), eventId: Buffer.from(ulid()) }],
        [{ ...(fresh(example) as object), [String(firstKey)]: new Uint8Array(16) }],
      ];
      for (const args of binary) expect(await target.fuzz(event, 'binary', args, false)).toBe('VALIDATION');
      expect(await target.fuzz(event, 'two payloads', [fresh(example), fresh(example)], false)).toBe('VALIDATION');
      expect(await target.fuzz(event, 'no payload', [], false)).toBe('VALIDATION');
      // A valid event without an acknowledgement is refused too (nothing can tell the module it was stored).
      target.emitWithoutAck(event, fresh(example));
      // Still serving this connection.
      expect(await target.fuzz(event, 'example', [fresh(example)])).toBe('ok');
    },
  );

  it('refuses events this namespace does not receive (UNKNOWN_EVENT)', async () => {
    const socket = await target.connected();
    for (const name of ['dice:rolls', 'connection:ready', 'poll:start', 'heartbeat:ping', 'DICE:ROLL', '', ' ']) {
      target.cases += 1;
      const outcome = await send(socket, name, [{}]);
      expect(errorCode(outcome), name).toBe('UNKNOWN_EVENT');
    }
  });

  it('closes the connection on a frame over the transport limit; the module reconnects and goes on', async () => {
    const [event] = EVENTS;
    if (!event) throw new Error('no inbound event');
    const { maxPayloadBytes } = target.limits;
    const huge = oversizePayloads(event.examples[0] as Json, 2 * maxPayloadBytes + 4_096, 3 * maxPayloadBytes);
    for (const { payload } of fc.sample(huge, { numRuns: 3, seed: SEED })) {
      target.cases += 1;
      const before = target.reconnections;
      const outcome = await send(await target.connected(), event.definition.name, [JSON.parse(payload)]);
      expect(outcome).toHaveProperty('closed');
      expect(await target.fuzz(event, 'after reconnecting', [fresh(event.examples[0] as Json)])).toBe('ok');
      expect(target.reconnections).toBe(before + 1);
    }
  });

  it('survives malformed and hostile Socket.IO frames (refused, ignored, or the connection closed)', async () => {
    const probe = EVENTS.find((event) => event.definition.name === 'dice:roll') ?? EVENTS[0];
    if (!probe) throw new Error('no inbound event');
    const body = JSON.stringify(fresh(probe.examples[0] as Json));
    // Nesting JSON.parse reads but JSON.stringify cannot write back (V8 stops near 4,000 levels), within the
    // transport limit: a character whose free-form extensions nest 9,000 objects deep (54 KB, valid by the
    // contract), and 60,000 nested arrays (120 KB). The server measures an event by writing it: too large.
    const character = EVENTS.find((event) => event.definition.name === 'character:update');
    const deepCharacter = fresh(character?.examples[0] as Json) as { eventId: string };
    target.refusedEventIds.push(deepCharacter.eventId);
    const deepObjects = `${'{"a":'.repeat(9_000)}1${'}'.repeat(9_000)}`;
    const deepCharacterText = JSON.stringify(deepCharacter).replace(
      /"extensions":\{"dnd5e":\{/,
      `"extensions":{"dnd5e":{"deep":${deepObjects},`,
    );
    expect(deepCharacterText).toContain('"deep":');
    const deepArrays = `${'['.repeat(60_000)}${']'.repeat(60_000)}`;
    const frames: Array<[string, Array<'refused' | 'ignored' | 'closed'>, string?]> = [
      [`2/vtt,917["character:update",${deepCharacterText}]`, ['refused'], 'PAYLOAD_TOO_LARGE'],
      [`2/vtt,918["dice:roll",{"eventId":${deepArrays}}]`, ['refused'], 'PAYLOAD_TOO_LARGE'],
      ['2/vtt,901["error",{}]', ['refused']],
      ['2/vtt,902["disconnecting",{}]', ['refused', 'closed']],
      ['2/vtt,903["newListener",{}]', ['refused', 'closed']],
      ['2/vtt,904["__proto__",{}]', ['refused']],
      ['2/vtt,905["constructor",{}]', ['refused']],
      ['2/vtt,906["hasOwnProperty",{}]', ['refused']],
      ['2/vtt,907[123,{}]', ['refused', 'closed']],
      ['2/vtt,908[{"a":1},{}]', ['closed']],
      ['2/vtt,909[]', ['closed']],
      ['2/vtt,910["dice:roll",{"a":', ['closed']],
      ['2/vtt,911["dice:roll",{"__proto__":{"polluted":true}}]', ['refused']],
      [`2/vtt,912["dice:roll",${body.replace('{', '{"__proto__":{"polluted":true},')}]`, ['refused']],
      [`2/vtt,913["dice:roll",${body.replace('{', '{"constructor":{"prototype":{"polluted":true}},')}]`, ['refused']],
      ['2/vtt,99999999999999999999999["dice:roll",{}]', ['refused', 'closed']],
      ['2/vtt,-5["dice:roll",{}]', ['refused', 'ignored', 'closed']],
      ['3/vtt,777[{"ok":true}]', ['ignored', 'closed']],
      ['3/vtt,0[{"sentAt":0,"receivedAt":0,"queuedEvents":-1}]', ['ignored', 'closed']],
      ['2/nowhere,914["dice:roll",{}]', ['ignored', 'closed']],
      ['0/vtt,{"token":"forged"}', ['ignored', 'closed']],
      ['5/vtt,1-915["dice:roll",{"_placeholder":true,"num":0}]', ['ignored', 'closed']],
      ['9/vtt,916["dice:roll",{}]', ['closed']],
      ['not a packet', ['closed']],
      ['', ['ignored', 'closed']],
    ];
    // A new socket: its own acknowledgement ids stay far below the raw frames' (900 and up).
    target.socket?.close();
    const unanswered: string[] = [];
    for (const [frame, allowed, code] of frames) {
      target.cases += 1;
      const socket = await target.connected();
      const acks = rawAcks(socket);
      socket.io.engine.write(frame);
      // Frames are handled in order: once a valid event sent after it is answered, any answer to it has come.
      const probePayload = fresh(probe.examples[0] as Json) as { eventId: string };
      const after = await Promise.race([
        send(socket, probe.definition.name, [probePayload]),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000)),
      ]);
      acks.stop();
      if (after && 'reply' in after) target.tally(probe.definition.name).stored += 1;
      // A probe the client could not see answered (it closed first) may still be stored: looked up at the end.
      else unanswered.push(probePayload.eventId);
      const eventName = /^2\/vtt,[^[]*\["([^"]*)"/.exec(frame)?.[1];
      if (eventName && acks.replies.length > 0) target.tally(eventName).rejected += acks.replies.length;
      let result: 'refused' | 'ignored' | 'closed' | 'no answer';
      if (after === null) {
        result = 'no answer';
        socket.close();
      } else if ('closed' in after) result = 'closed';
      else {
        expect(after, frame).toMatchObject({ reply: { ok: true } });
        result = acks.replies.length > 0 ? 'refused' : 'ignored';
      }
      const shown = frame.slice(0, 80);
      expect(allowed, `${shown} was ${result}`).toContain(result);
      for (const reply of acks.replies) {
        expect(EventAckSchema.safeParse(reply).success, JSON.stringify(reply)).toBe(true);
        expect(reply, shown).toMatchObject(code ? { ok: false, error: { code } } : { ok: false });
      }
      expect(({} as Record<string, unknown>).polluted, frame).toBeUndefined();
    }
    // Events are committed in the order they arrive (group commit): once this one is acknowledged, any probe
    // the server read before a connection closed is stored, or never will be.
    expect(await target.fuzz(probe, 'after the frames', [fresh(probe.examples[0] as Json)])).toBe('ok');
    await target.server.store.transaction(async (tx) => {
      for (const eventId of unanswered) {
        if (await tx.getInboundEvent(target.connectionId, eventId)) target.tally(probe.definition.name).stored += 1;
      }
    });
    // A DISCONNECT packet: the server lets the module go (it is answered by nothing, by design).
    const socket = await target.connected();
    socket.io.engine.write('1/vtt,');
    await vi.waitFor(async () => expect(await target.server.vtt.isOnline(target.connectionId)).toBe(false));
    socket.close();
    target.cases += 1;
  });

  it('stored nothing invalid, counted every event, sent overlays nothing invalid, polluted nothing, and still serves', async () => {
    const { server, connectionId } = target;
    // Everything stored re-validates; every accepted event is stored as accepted; no refused one is.
    expect(target.accepted.length).toBeGreaterThan(EVENTS.length);
    expect(await auditStore(server.store, connectionId, WORLD_ID, target.accepted, target.refusedEventIds)).toEqual([]);
    // The server counted exactly the events the module saw acknowledged.
    const counted = await target.countedEvents();
    for (const event of EVENTS) {
      expect(counted.get(event.definition.name), event.definition.name).toEqual(target.tally(event.definition.name));
    }
    // Overlays only ever received contract-valid events, and a fresh overlay gets a valid snapshot.
    await vi.waitFor(() => expect(target.overlayEvents.length).toBeGreaterThan(EVENTS.length));
    expect(target.invalidOverlayEvents()).toEqual([]);
    const snapshot: Array<{ event: string; payload: unknown }> = [];
    const overlay = await target.connectOverlay((event, payload) => snapshot.push({ event, payload }));
    overlay.close();
    expect(snapshot[0]?.event).toBe('overlay:state');
    target.overlayEvents.push(...snapshot);
    expect(target.invalidOverlayEvents()).toEqual([]);
    // No prototype of this process (the server's) gained a key.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeKeys()).toEqual(pristinePrototypes);
    // The published JSON Schemas and the generated validators judged every JSON case alike.
    expect(target.disagreements).toEqual([]);
    // Nothing went wrong inside (no handler failure, no invalid outbound event): no error in the logs.
    expect(target.errorLogs()).toEqual([]);
    // And it still serves: health, and a valid event from the module.
    const health = await fetch(`${target.baseUrl}/health`);
    expect(health.status).toBe(200);
    const [event] = EVENTS;
    if (event) expect(await target.fuzz(event, 'after the fuzz', [fresh(event.examples[0] as Json)])).toBe('ok');
  });
});

describe('a module flooding the server', () => {
  let target: FuzzTarget;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tumulte-flood-'));
    // The default limits: 50 events per second per socket, bursts of 200.
    target = await FuzzTarget.start({ dataDir, worldId: WORLD_ID, channelPrefix: `tumulte-flood-${process.pid}` });
  });

  afterAll(async () => {
    totalCases += target?.cases ?? 0;
    await target?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is rate-limited (RATE_LIMITED) while another connection’s events are all acknowledged', async () => {
    const roll = EVENTS.find((event) => event.definition.name === 'dice:roll');
    if (!roll) throw new Error('no dice:roll in the contract');
    const example = roll.examples[0] as Json;
    const { eventsBurst } = target.limits;
    const ownerToken = target.server.firstRun?.ownerToken ?? '';
    const neighbour = await pairModule(target.baseUrl, ownerToken, WORLD_ID);
    const neighbourSocket: Socket = await connectModule(target.baseUrl, neighbour.sessionToken);
    try {
      const flooder = await target.connected();
      const floodSize = 5 * eventsBurst;
      const flood = Array.from({ length: floodSize }, () => {
        const payload = fresh(example);
        return send(flooder, roll.definition.name, [payload]).then((outcome) => ({ payload, outcome }));
      });
      // Meanwhile, the other world's module sends a burst of its own (within its limits).
      const neighbourIds: string[] = [];
      const calm = Array.from({ length: Math.floor(eventsBurst / 2) }, () => {
        const payload = fresh(example) as { eventId: string };
        neighbourIds.push(payload.eventId);
        return send(neighbourSocket, roll.definition.name, [payload]);
      });
      const [flooded, answered] = await Promise.all([Promise.all(flood), Promise.all(calm)]);
      target.cases += flooded.length + answered.length;

      const codes = flooded.map(({ outcome }) => errorCode(outcome) ?? ('reply' in outcome ? 'ok' : 'closed'));
      expect(new Set(codes)).toEqual(new Set(['ok', 'RATE_LIMITED']));
      const limited = flooded.filter((_, index) => codes[index] === 'RATE_LIMITED');
      // The bucket starts full: the first burst gets through; past it, the flood is refused (refills only add).
      expect(floodSize - limited.length).toBeGreaterThanOrEqual(eventsBurst);
      expect(limited.length).toBeGreaterThan(0);
      for (const outcome of answered) expect(outcome).toMatchObject({ reply: { ok: true, duplicate: false } });

      // What was refused is not stored; what was accepted is, on each connection.
      const refused = limited.map(({ payload }) => (payload as { eventId: string }).eventId);
      await target.server.store.transaction(async (tx) => {
        for (const eventId of refused) expect(await tx.getInboundEvent(target.connectionId, eventId)).toBeNull();
        for (const eventId of neighbourIds)
          expect(await tx.getInboundEvent(neighbour.connectionId, eventId)).not.toBeNull();
      });
      // The flooder gets through again once its bucket refills.
      await vi.waitFor(
        async () =>
          expect(await send(await target.connected(), roll.definition.name, [fresh(example)])).toMatchObject({
            reply: { ok: true },
          }),
        { timeout: 10_000, interval: 100 },
      );
      expect(target.errorLogs()).toEqual([]);
    } finally {
      neighbourSocket.close();
    }
  });
});

/** Collects the acknowledgements the server sends on `socket`'s engine for raw frames (ack ids 900 and up). */
function rawAcks(socket: Socket): { replies: unknown[]; stop(): void } {
  const replies: unknown[] = [];
  const onPacket = (packet: { type: string; data?: unknown }) => {
    // Ids as the server writes them back (a huge one comes back as `1e+23`).
    const match = typeof packet.data === 'string' ? /^3\/vtt,([0-9.e+]+)(\[.*)$/s.exec(packet.data) : null;
    if (match && Number(match[1]) >= 900) replies.push((JSON.parse(String(match[2])) as unknown[])[0]);
  };
  socket.io.engine.on('packet', onPacket);
  return { replies, stop: () => socket.io.engine.off('packet', onPacket) };
}
