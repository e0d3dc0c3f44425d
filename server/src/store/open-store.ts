import { join } from 'node:path';
import { openPgStore } from './pg-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export const SQLITE_FILE_NAME = 'tumulte.sqlite';

export interface StoreLocation {
  /** PostgreSQL connection string; when absent, SQLite in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  /** A database error outside any request (a PostgreSQL pool connection lost, a failed SQLite checkpoint). */
  readonly onBackgroundError?: (error: Error) => void;
}

/** Opens the database the configuration names (SQLite by default) and applies its migrations. */
export async function openStore(location: StoreLocation): Promise<Store> {
  const store = location.databaseUrl
    ? openPgStore({
        connectionString: location.databaseUrl,
        ...(location.onBackgroundError ? { onPoolError: location.onBackgroundError } : {}),
      })
    : openSqliteStore({
        file: join(location.dataDir, SQLITE_FILE_NAME),
        ...(location.onBackgroundError ? { onBackgroundError: location.onBackgroundError } : {}),
      });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
