// The write batcher when a commit fails because the database is unreachable: the events of that connection
// queued behind the failed ones are refused too, so that none of them is stored before the ones the module will
// send again (a module sends in order and expects its events applied in that order). Other connections go on.
import { join } from 'node:path';
import { VTT_EVENTS } from '@tumulte/schemas';
import { afterEach, expect, it } from 'vitest';
import { d20Roll } from '../test-support/fixtures.js';
import { seedConnection } from '../test-support/seed.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { WriteBatcher } from './write-batcher.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const roll = (rollId: string) => ({ name: VTT_EVENTS.diceRoll, payload: d20Roll(10, { rollId }) });

it('refuses the events queued behind a commit that failed for want of a database, for that connection only', async () => {
  const dir = makeTempDir();
  const real = openSqliteStore({ file: join(dir.path, 'batcher.sqlite') });
  cleanups.push(
    () => dir.remove(),
    () => real.close(),
  );
  await real.migrate();
  const { connection } = await seedConnection(real);
  const { connection: other } = await seedConnection(real);

  // The next commit waits until released, then fails as if the database had gone away.
  let release: () => void = () => undefined;
  let failNext = true;
  const flaky: Store = {
    ...real,
    async transaction(fn) {
      if (!failNext) return real.transaction(fn);
      failNext = false;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    },
  };
  const batcher = new WriteBatcher(flaky, { onError: () => undefined });
  const first = batcher.submit(connection.id, roll('first'));
  await new Promise((resolve) => setImmediate(resolve)); // its commit has started
  const behind = [batcher.submit(connection.id, roll('second')), batcher.submit(connection.id, roll('third'))];
  const elsewhere = batcher.submit(other.id, roll('elsewhere'));
  release();

  const unavailable = { ok: false, error: { code: 'STORAGE_UNAVAILABLE' } };
  expect(await first).toMatchObject(unavailable);
  for (const ack of await Promise.all(behind)) expect(ack).toMatchObject(unavailable);
  expect(await elsewhere).toMatchObject({ ok: true, duplicate: false });
  const stored = await real.transaction((tx) => tx.listRecentDiceRolls(connection.id, 10));
  expect(stored).toEqual([]);

  // Sent again, in order, they are stored in that order.
  const seqs: number[] = [];
  for (const rollId of ['first', 'second', 'third']) {
    const ack = await batcher.submit(connection.id, roll(rollId));
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    seqs.push(ack.ok ? (ack.seq ?? 0) : 0);
  }
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
});
