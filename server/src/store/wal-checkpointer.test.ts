// WAL checkpoints run in a worker thread: the database file takes in what the writer committed without the
// writer checkpointing itself, and closing the store leaves no WAL behind.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.js';
import { SQLITE_FILE_NAME } from './open-store.js';
import { openSqliteStore } from './sqlite-store.js';
import { startWalCheckpointer } from './wal-checkpointer.js';

const temps: { remove(): void }[] = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.remove();
});

function tempFile(): string {
  const temp = makeTempDir();
  temps.push(temp);
  return join(temp.path, SQLITE_FILE_NAME);
}

describe('WAL checkpointer', () => {
  it('copies committed pages into the database file while the writer never checkpoints', async () => {
    const file = tempFile();
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = writer.prepare('INSERT INTO rows (body) VALUES (?)');
    writer.transaction(() => {
      for (let i = 0; i < 2_000; i += 1) insert.run('x'.repeat(1_000));
    })();
    const before = statSync(file).size;
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1_000_000);

    const errors: string[] = [];
    const checkpointer = startWalCheckpointer(file, (message) => errors.push(message));
    try {
      await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(before + 1_000_000), { timeout: 10_000 });
      // The writer goes on meanwhile, and reads its own rows.
      insert.run('after');
      expect(writer.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 2_001 });
    } finally {
      await checkpointer.stop();
      writer.close();
    }
    expect(errors).toEqual([]);
  });

  it('is stopped with the store, which then leaves no WAL file behind', async () => {
    const file = tempFile();
    const store = openSqliteStore({ file });
    await store.migrate();
    expect(existsSync(`${file}-wal`)).toBe(true);
    // The worker checkpointed the migrations into the file: its connection is open.
    await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(16_384), { timeout: 10_000 });
    await store.close();
    // SQLite removes the WAL when its last connection closes: the worker's connection is closed too.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
