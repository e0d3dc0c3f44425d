// PostgreSQL connections dying under running servers (a database restart or failover, a network cut): every
// backend of the test database is terminated, several times, under two nodes sharing it through the PostgreSQL
// adapter. A checked-out connection (a transaction in progress, the adapter's LISTEN connection) emits an
// `error` event that crashes the process unless someone listens; the adapter never gives its dead LISTEN
// connection back to its pool (3 connections). The servers must survive, refuse what failed with
// STORAGE_UNAVAILABLE, reach each other again, store events, and close.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApiToken } from '../accounts/accounts.js';
import { d20Roll } from '../test-support/fixtures.js';
import { pair } from '../test-support/pairing-flow.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { connectModule, startTestServer } from '../test-support/test-server.js';
import { isStorageUnavailable } from './storage-errors.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** Terminates every other connection to the test database (what a database restart does to them). */
async function terminateBackends(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const result = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return result.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

it('two nodes survive repeated losses of all their database connections', async () => {
  const prefix = `tumulte_test_${randomBytes(4).toString('hex')}`;
  const nodeA = await startTestServer({ databaseUrl: database.url }, { clusterChannelPrefix: prefix });
  const nodeB = await startTestServer({ databaseUrl: database.url }, { clusterChannelPrefix: prefix });
  try {
    expect(nodeB.server.cluster).toBe('postgres');
    const ownerId = nodeA.server.firstRun?.accountId ?? '';
    const token = await nodeA.server.store.transaction((tx) => createApiToken(tx, ownerId, 'api', 'connection loss'));
    const paired = await pair(nodeA.server, token, ownerId, 'HS256');
    const module = await connectModule(nodeA.url, paired.sessionToken);

    for (let round = 1; round <= 4; round += 1) {
      // A transaction holds a connection while every connection (the adapters' LISTEN ones too) is terminated.
      const failure = await nodeA.server.store
        .transaction(async (tx) => {
          await tx.getSetting('anything');
          expect(await terminateBackends(database.url)).toBeGreaterThanOrEqual(3);
          await tx.getSetting('anything');
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(isStorageUnavailable(failure), String(failure)).toBe(true);

      // Node B finds the module on node A again (through the adapter, both ways), and events are stored.
      await vi.waitFor(async () => expect(await nodeB.server.vtt.isOnline(paired.connectionId)).toBe(true), {
        timeout: 30_000,
        interval: 200,
      });
      expect(await module.client.emit.diceRoll(d20Roll(10 + round, { rollId: `round-${round}` }))).toMatchObject({
        ok: true,
        duplicate: false,
      });
    }
    expect((await nodeA.server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    module.socket.disconnect();
  } finally {
    await nodeA.close();
    await nodeB.close();
  }
}, 120_000);
