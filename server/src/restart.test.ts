// A restart on the same data directory keeps accounts, connections, the server key, characters and rolls.
import { VTT_EVENTS } from '@tumulte/schemas';
import { afterAll, expect, it } from 'vitest';
import { readGameState } from './game/apply-event.js';
import { expectSuccess } from './test-support/contract-checks.js';
import { campaignSync, characterUpdate, d20Roll, goblin, randal, T0 } from './test-support/fixtures.js';
import { pair } from './test-support/pairing-flow.js';
import { makeTempDir } from './test-support/temp-dir.js';
import { connectModule, startTestServer } from './test-support/test-server.js';

const dir = makeTempDir();
afterAll(() => dir.remove());

it('keeps everything across a restart on the same data dir (SQLite)', async () => {
  const first = await startTestServer({}, { dataDir: dir.path });
  const ownerToken = first.ownerToken ?? '';
  const ownerId = first.server.firstRun?.accountId ?? '';
  expect(ownerToken).toMatch(/^tmo_/);
  const paired = await pair(first.server, ownerToken, ownerId, 'HS256');
  const module = await connectModule(first.url, paired.sessionToken);
  const roll = d20Roll(20);
  await module.client.emit.campaignSync(campaignSync([randal(12), goblin()], null, T0));
  const rollAck = await module.client.emit.diceRoll(roll);
  await module.client.emit.characterUpdate(characterUpdate(randal(6), T0 + 1_000));
  module.socket.disconnect();
  await first.close();

  const second = await startTestServer({}, { dataDir: dir.path });
  try {
    // Not a first start: no new owner, and the old owner token still works.
    expect(second.ownerToken).toBeNull();
    const list = expectSuccess(
      await second.server.app.inject({
        method: 'GET',
        url: '/vtt/connections',
        headers: { authorization: `Bearer ${ownerToken}` },
      }),
      'GET /vtt/connections',
      200,
    );
    expect(list.connections.map((c) => [c.connectionId, c.world.system])).toEqual([[paired.connectionId, 'dnd5e']]);

    const state = await second.server.store.transaction((tx) => readGameState(tx, paired.connectionId));
    expect(state.characters.map((c) => [c.name, c.stats.hp.current])).toEqual([
      ['Randal', 6],
      ['Goblin', 7],
    ]);
    const rolls = await second.server.store.transaction((tx) => tx.listRecentDiceRolls(paired.connectionId, 10));
    expect(rolls.map((r) => r.rollId)).toEqual([roll.rollId]);

    // The session signed before the restart is still valid (the server key was kept)…
    const again = await connectModule(second.url, paired.sessionToken);
    // …a replay is still recognised, and new events continue the sequence.
    expect(await again.client.emit.diceRoll(roll)).toEqual(rollAck.ok ? { ...rollAck, duplicate: true } : rollAck);
    const next = await again.client.send(VTT_EVENTS.diceRoll, d20Roll(11));
    expect(next.ok && rollAck.ok && (next.seq ?? 0) > (rollAck.seq ?? 0)).toBe(true);
    again.socket.disconnect();

    // And the refresh token still rotates.
    const refreshed = await second.server.app.inject({
      method: 'POST',
      url: '/vtt/refresh-token',
      payload: { connectionId: paired.connectionId, refreshToken: paired.refreshToken },
    });
    expectSuccess(refreshed, 'POST /vtt/refresh-token', 200);
  } finally {
    await second.close();
  }
});
