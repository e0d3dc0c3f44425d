import { join } from 'node:path';
import { VTT_EVENTS } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';
import { d20Roll } from '../test-support/fixtures.js';
import { seedConnection } from '../test-support/seed.js';
import { describeStoreSuite } from '../test-support/store-suite.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { openSqliteStore } from './sqlite-store.js';
import { WriteBatcher } from './write-batcher.js';

describeStoreSuite('SQLite', async () => {
  const dir = makeTempDir();
  const store = openSqliteStore({ file: join(dir.path, 'test.sqlite') });
  await store.migrate();
  return {
    store,
    async cleanup() {
      await store.close();
      dir.remove();
    },
  };
});

describe('SQLite store when the database is gone', () => {
  it('answers STORAGE_UNAVAILABLE through the write batcher, never throws', async () => {
    const dir = makeTempDir();
    const store = openSqliteStore({ file: join(dir.path, 'gone.sqlite') });
    await store.migrate();
    const { connection } = await seedConnection(store);
    await store.close();
    try {
      const batcher = new WriteBatcher(store, { onError: () => undefined });
      const ack = await batcher.submit(connection.id, { name: VTT_EVENTS.diceRoll, payload: d20Roll(9) });
      expect(ack).toMatchObject({ ok: false, error: { code: 'STORAGE_UNAVAILABLE' } });
      expect(await store.ping()).toBe(false);
    } finally {
      dir.remove();
    }
  });
});
