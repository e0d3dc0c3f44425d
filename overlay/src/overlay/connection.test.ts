// @vitest-environment node
import { type OverlayRoll, PROTOCOL_VERSION } from '@tumulte/schemas';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { character, roll } from '../../test/fixtures';
import { type FakeOverlayServer, startFakeOverlayServer } from '../../test/harness/overlay-server';
import { connectOverlay, type OverlayConnection } from './connection';
import { OverlayStore } from './store';

const TOKEN = 'overlay-token-1';
let server: FakeOverlayServer | null = null;
let connection: OverlayConnection | null = null;

afterEach(async () => {
  connection?.close();
  await server?.close();
  server = null;
  connection = null;
});

function storeWithRolls() {
  const rolls: OverlayRoll[] = [];
  const store = new OverlayStore({ onRoll: (entry) => rolls.push(entry), onSnapshotRolls: () => {}, now: Date.now });
  return { store, rolls };
}

describe('overlay connection (real Socket.IO on 127.0.0.1)', () => {
  it('authenticates, reads the snapshot, applies newer events and drops stale ones', async () => {
    server = await startFakeOverlayServer({
      token: TOKEN,
      initial: { seq: 42, characters: [character('a', 'Randal')] },
    });
    const { store, rolls } = storeWithRolls();
    connection = connectOverlay({ token: TOKEN, store, origin: server.origin });
    await vi.waitFor(() => expect(store.state.ready).toBe(true));
    expect(server.handshakes[0]).toEqual({ token: TOKEN, protocolVersion: PROTOCOL_VERSION });
    expect(connection.status.value).toBe('live');
    expect(store.state.characters.map((entry) => entry.name)).toEqual(['Randal']);

    server.send.staleCharacterUpdate(character('a', 'Stale'), 40);
    server.send.characterUpdate(character('a', 'Randal', { current: 3 }));
    server.send.diceRoll(roll('r1', 'success'));
    await vi.waitFor(() => expect(rolls).toHaveLength(1));
    expect(store.state.seq).toBe(44);
    expect(store.state.characters[0]).toMatchObject({ name: 'Randal', stats: { hp: { current: 3 } } });
  });

  it('reconnects by itself after a server-side disconnect, sends lastSeq and takes the new snapshot', async () => {
    server = await startFakeOverlayServer({ token: TOKEN, initial: { seq: 7 } });
    const { store } = storeWithRolls();
    connection = connectOverlay({ token: TOKEN, store, origin: server.origin, retryDelayMs: () => 0 });
    await vi.waitFor(() => expect(store.state.ready).toBe(true));
    server.send.characterUpdate(character('a', 'Randal'));
    await vi.waitFor(() => expect(store.state.seq).toBe(8));

    server.disconnectAll();
    // While away, the world changed: the next snapshot has it.
    server.state.characters = [character('b', 'Morgana')];
    server.state.seq = 20;
    await vi.waitFor(() => expect(store.state.seq).toBe(20));
    expect(server.handshakes.at(-1)).toEqual({ token: TOKEN, protocolVersion: PROTOCOL_VERSION, lastSeq: 8 });
    expect(store.state.characters.map((entry) => entry.name)).toEqual(['Morgana']);
    expect(connection.status.value).toBe('live');
  });

  it.each(['TOKEN_INVALID', 'CONNECTION_REVOKED'] as const)('stops for good on %s', async (code) => {
    server = await startFakeOverlayServer({ token: TOKEN });
    server.refuse = { code, message: 'refused by the test' };
    const retries = vi.fn(() => 0);
    connection = connectOverlay({
      token: TOKEN,
      store: storeWithRolls().store,
      origin: server.origin,
      retryDelayMs: retries,
    });
    await vi.waitFor(() => expect(connection?.status.value).toBe('stopped'));
    expect(connection.fatal.value).toBe(code);
    expect(retries).not.toHaveBeenCalled();
    expect(server.handshakes).toHaveLength(1);
  });

  it('keeps retrying through transient refusals, showing nothing meanwhile', async () => {
    server = await startFakeOverlayServer({ token: TOKEN, initial: { seq: 3 } });
    server.refuse = { code: 'RATE_LIMITED', message: 'slow down' };
    const { store } = storeWithRolls();
    const retries = vi.fn((attempt: number) => {
      // Accept the third handshake.
      if (attempt >= 1 && server) server.refuse = null;
      return 0;
    });
    connection = connectOverlay({ token: TOKEN, store, origin: server.origin, retryDelayMs: retries });
    await vi.waitFor(() => expect(store.state.ready).toBe(true));
    expect(retries.mock.calls.map(([attempt]) => attempt)).toEqual([0, 1]);
    expect(server.handshakes).toHaveLength(3);
    expect(connection.fatal.value).toBeNull();
    expect(connection.status.value).toBe('live');
  });
});
