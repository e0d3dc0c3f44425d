// A real Socket.IO round trip on 127.0.0.1 that uses nothing but the generated stubs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DiceRollPayload, type EventAck, PROTOCOL_VERSION, ProtocolError, VTT_EVENTS } from '@tumulte/schemas';
import { createVttClient, type VttClient } from '@tumulte/schemas/client';
import {
  createVttSocketEmitter,
  registerVttHandlers,
  type VttHandlers,
  type VttSocketEmitter,
} from '@tumulte/schemas/server';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const roll: DiceRollPayload = {
  eventId: '01JDKX4A1B2C3D4E5F6G7H8J9K',
  worldId: 'lost-mine',
  timestamp: 1764064860000,
  rollId: 'jidfJCl3C6StD0kg.0',
  messageId: 'jidfJCl3C6StD0kg',
  character: { id: '2Pdtnswo8Nj2nafY', name: 'Randal', img: null },
  result: { formula: '1d20 + 5', total: 25, dice: [{ faces: 20, results: [{ value: 20, active: true }] }] },
  rollType: 'attack',
  critical: { kind: 'success', source: 'system' },
  visibility: 'public',
  flavor: 'Longsword - Attack Roll',
};

const received: DiceRollPayload[] = [];
const rejected: string[] = [];
const serverSockets: VttSocketEmitter[] = [];
let io_: Server;
let client: VttClient;

const ok = (): EventAck => ({ ok: true, seq: received.length });
const notHere = (): EventAck => {
  throw new ProtocolError('INTERNAL', 'not used in this test');
};

beforeAll(async () => {
  const http = createServer();
  io_ = new Server(http, { transports: ['websocket'] });
  io_.of('/vtt').on('connection', (socket) => {
    const handlers: VttHandlers = {
      diceRoll: (payload) => {
        received.push(payload);
        return ok();
      },
      campaignSync: notHere,
      characterUpdate: notHere,
      characterDelete: notHere,
      combatStart: notHere,
      combatUpdate: notHere,
      combatTurn: notHere,
      combatRound: notHere,
      combatEnd: notHere,
      inventoryUpdate: notHere,
      inventoryItemUsed: notHere,
    };
    registerVttHandlers(socket, handlers, { onRejected: (event, error) => rejected.push(`${event}:${error.code}`) });
    serverSockets.push(createVttSocketEmitter(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const socket = io(`http://127.0.0.1:${port}/vtt`, {
    transports: ['websocket'],
    auth: { token: 'unused-here', protocolVersion: PROTOCOL_VERSION },
  });
  client = createVttClient(socket, { ackTimeoutMs: 5_000 });
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
});

afterAll(() => {
  client.socket.close();
  io_.close();
});

describe('generated stubs over a real connection', () => {
  it('a typed client emits dice:roll and gets {ok:true}', async () => {
    await expect(client.emit.diceRoll(roll)).resolves.toEqual({ ok: true, seq: 1 });
    expect(received.at(-1)).toEqual(roll);
  });

  it('a malformed payload gets VALIDATION through the ack, and the server keeps serving', async () => {
    const malformed = { ...roll, visibility: 'everyone', result: { ...roll.result, total: '25' } };
    const raw = client.socket as unknown as {
      timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> };
    };
    const reply = (await raw.timeout(5_000).emitWithAck(VTT_EVENTS.diceRoll, malformed)) as EventAck;
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const paths = reply.ok ? [] : (reply.error.issues ?? []).map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['visibility', 'result.total']));
    expect(received).toHaveLength(1);
    expect(rejected).toContain('dice:roll:VALIDATION');
    await expect(client.emit.diceRoll({ ...roll, eventId: '01JDKX4A1B2C3D4E5F6G7H8J9M' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('an unknown event is answered with UNKNOWN_EVENT', async () => {
    const raw = client.socket as unknown as {
      timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> };
    };
    await expect(raw.timeout(5_000).emitWithAck('dice:delete', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_EVENT' },
    });
  });

  it('the client stub refuses to send an invalid payload', async () => {
    const invalid = { ...roll, visibility: 'everyone' } as unknown as DiceRollPayload;
    await expect(client.emit.diceRoll(invalid)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('a server→client event with an ack round-trips through both stubs', async () => {
    const stop = client.on.heartbeatPing((ping) => ({
      sentAt: ping.sentAt,
      receivedAt: ping.sentAt + 3,
      queuedEvents: 7,
    }));
    const pong = await serverSockets[0]?.request.heartbeatPing({ sentAt: 1764065700000 }, 5_000);
    expect(pong).toEqual({ sentAt: 1764065700000, receivedAt: 1764065700003, queuedEvents: 7 });
    stop();
  });

  it('the client reads server events tolerantly: unknown fields are ignored, not fatal', async () => {
    const seen = new Promise((resolve) => client.on.pollStart(resolve));
    const poll = {
      pollId: 'p1',
      question: 'Which door?',
      options: [
        { id: 'a', label: 'Red' },
        { id: 'b', label: 'Blue' },
      ],
      startedAt: 1,
      endsAt: 2,
    };
    const socket = [...io_.of('/vtt').sockets.values()][0];
    socket?.emit('poll:start', { ...poll, addedInAMinorVersion: true });
    await expect(seen).resolves.toMatchObject(poll);
  });

  it('the server emitter refuses to send a payload the contract does not allow', () => {
    const emitter = serverSockets[0];
    expect(() => emitter?.emit.pollStart({ pollId: 'p1', question: '', options: [], startedAt: 1, endsAt: 2 })).toThrow(
      ProtocolError,
    );
  });
});
