// The server on the real PostgreSQL (a fresh database per run, dropped afterwards): the whole flow, a restart,
// and two nodes sharing the database (Socket.IO over the PostgreSQL adapter, or Redis streams with REDIS_URL).
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readGameState } from './game/apply-event.js';
import { expectSuccess } from './test-support/contract-checks.js';
import { goblin, oneOfEach, randal } from './test-support/fixtures.js';
import { pair } from './test-support/pairing-flow.js';
import { createTestDatabase, type TestDatabase } from './test-support/postgres.js';
import { connectModule, next, startTestServer } from './test-support/test-server.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Removes what a test left in the shared Redis (only its own prefix). */
async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: pattern })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.quit();
  }
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('server on PostgreSQL', () => {
  it('pairs, stores every event once, and keeps it all across a restart', async () => {
    const first = await startTestServer({ databaseUrl: database.url });
    expect(first.server.store.dialect).toBe('postgres');
    const ownerToken = first.ownerToken ?? '';
    const paired = await pair(first.server, ownerToken, first.server.firstRun?.accountId ?? '', 'ES256');
    const module = await connectModule(first.url, paired.sessionToken);
    const events = oneOfEach();
    for (const [name, payload] of Object.entries(events)) {
      expect(await module.client.send(name as never, payload as never), name).toMatchObject({
        ok: true,
        duplicate: false,
      });
    }
    expect(await module.client.emit.diceRoll(events['dice:roll'])).toMatchObject({ ok: true, duplicate: true });
    module.socket.disconnect();
    await first.close();

    const second = await startTestServer({ databaseUrl: database.url });
    try {
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
      expect(list.connections.map((c) => c.connectionId)).toContain(paired.connectionId);
      const state = await second.server.store.transaction((tx) => readGameState(tx, paired.connectionId));
      expect(state.characters.map((c) => c.name)).toEqual(['Randal']);
      const again = await connectModule(second.url, paired.sessionToken);
      expect(await again.client.emit.diceRoll(events['dice:roll'])).toMatchObject({ ok: true, duplicate: true });
      again.socket.disconnect();
    } finally {
      await second.close();
    }
  });

  describe.each([
    ['the PostgreSQL adapter', undefined],
    ['the Redis streams adapter', REDIS_URL],
  ])('two nodes over %s', (_label, redisUrl) => {
    it('revokes from one node a module connected to the other, and both see it online', async () => {
      const prefix = `tumulte_test_${randomBytes(4).toString('hex')}`;
      const config = { databaseUrl: database.url, ...(redisUrl ? { redisUrl } : {}) };
      const nodeA = await startTestServer(config, { clusterChannelPrefix: prefix });
      const nodeB = await startTestServer(config, { clusterChannelPrefix: prefix });
      try {
        expect(nodeA.server.cluster).toBe(redisUrl ? 'redis-streams' : 'postgres');
        const ownerId = (await nodeA.server.store.transaction((tx) => tx.listAccounts()))[0]?.id ?? '';
        const token = await nodeA.server.store.transaction(async (tx) => {
          const { createApiToken } = await import('./accounts/accounts.js');
          return createApiToken(tx, ownerId, 'api', 'two-node test');
        });
        // Paired through node B, connected to node A.
        const paired = await pair(nodeB.server, token, ownerId, 'HS256');
        const module = await connectModule(nodeA.url, paired.sessionToken);
        const account = await nodeB.server.store.transaction((tx) => tx.getAccount(ownerId));
        if (!account) throw new Error('no account');
        await vi.waitFor(async () => {
          expect((await nodeB.server.services.connections.status(account, paired.connectionId)).online).toBe(true);
        });
        // The dashboard on node B re-reads the party from the module on node A.
        module.client.on.queryCharacters(() => ({ ok: true, characters: [randal(9), goblin(3)] }));
        const refreshed = await nodeB.server.app.inject({
          method: 'POST',
          url: `/vtt/connections/${paired.connectionId}/characters/refresh`,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(expectSuccess(refreshed, 'POST /vtt/connections/:id/characters/refresh', 200).characterCount).toBe(2);
        const party = await nodeA.server.store.transaction((tx) => readGameState(tx, paired.connectionId));
        expect(party.characters.map((c) => c.name).sort()).toEqual(['Goblin', 'Randal']);
        const revoked = new Promise((resolve) => module.client.on.connectionRevoked(resolve));
        const closed = next(module.socket, 'disconnect');
        const answer = await nodeB.server.app.inject({
          method: 'POST',
          url: `/vtt/connections/${paired.connectionId}/revoke`,
          headers: { authorization: `Bearer ${token}` },
        });
        expectSuccess(answer, 'POST /vtt/connections/:id/revoke', 200);
        expect(await revoked).toMatchObject({ reason: 'revoked_by_user' });
        await closed;
      } finally {
        await nodeA.close();
        await nodeB.close();
        if (redisUrl) await deleteRedisKeys(redisUrl, `${prefix}:*`);
      }
    });
  });
});
