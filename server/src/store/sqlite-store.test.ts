import { join } from 'node:path';
import { describeStoreSuite } from '../test-support/store-suite.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { openSqliteStore } from './sqlite-store.js';

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
