import { createTestDatabase } from '../test-support/postgres.js';
import { describeStoreSuite } from '../test-support/store-suite.js';
import { openPgStore } from './pg-store.js';

describeStoreSuite('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = openPgStore({ connectionString: database.url });
  await store.migrate();
  return {
    store,
    async cleanup() {
      await store.close();
      await database.drop();
    },
  };
});
