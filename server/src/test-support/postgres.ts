// A fresh PostgreSQL database per test run on the machine's shared server (127.0.0.1:5432, trust auth),
// dropped afterwards. The shared server itself is never stopped.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const HOST = process.env.TEST_PG_HOST ?? '127.0.0.1';
const PORT = Number(process.env.TEST_PG_PORT ?? 5432);
const USERS = process.env.TEST_PG_USER ? [process.env.TEST_PG_USER] : ['postgres', 'root'];

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function adminClient(): Promise<{ client: pg.Client; user: string }> {
  let lastError: unknown;
  for (const user of USERS) {
    const client = new pg.Client({ host: HOST, port: PORT, user, database: 'postgres' });
    try {
      await client.connect();
      return { client, user };
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`Cannot reach PostgreSQL at ${HOST}:${PORT} as ${USERS.join(' or ')}`, { cause: lastError });
}

export async function createTestDatabase(prefix = 'tumulte_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const { client, user } = await adminClient();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${encodeURIComponent(user)}@${HOST}:${PORT}/${name}`,
    async drop() {
      const admin = await adminClient();
      try {
        await admin.client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.client.end();
      }
    },
  };
}
