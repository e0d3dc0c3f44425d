import { join } from 'node:path';
import { makeTempDir } from '../test-support/temp-dir.js';
import { openSqliteStore } from './sqlite-store.js';
import { describeStoreSuite } from './store-suite.js';

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
