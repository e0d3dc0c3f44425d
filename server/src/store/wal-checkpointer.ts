// Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits copies the WAL back
// into the database file every 1,000 pages, synchronously inside that commit: with better-sqlite3 the whole
// server stalls for it (the benchmark's p99 at 1,000 events/s went from ~4 ms to ~15 ms, BENCHMARKS.md). A
// worker thread with its own connection runs PASSIVE checkpoints instead, which never wait for nor block the
// writer. The writer keeps a far larger automatic threshold as a backstop, should the worker ever stop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages the WAL may grow to before the committing connection checkpoints by itself (4 KiB pages: 64 MiB). */
export const BACKSTOP_CHECKPOINT_PAGES = 16_384;

/** How often the worker checkpoints. */
const CHECKPOINT_INTERVAL_MS = 250;

// A CommonJS script: the worker loads better-sqlite3 by the path resolved here, so it works the same from the
// sources (tests) and from dist/.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  process.exit(0);
});
`;

export interface WalCheckpointer {
  /** Stops the worker (before the writer closes, which then checkpoints what is left). */
  stop(): Promise<void>;
}

export function startWalCheckpointer(file: string, onError: (message: string) => void): WalCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs: CHECKPOINT_INTERVAL_MS,
    },
  });
  worker.unref();
  worker.on('message', (message: { error?: string }) => {
    if (message.error) onError(message.error);
  });
  worker.on('error', (error) => onError(String(error)));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop() {
      worker.postMessage('stop');
      return exited;
    },
  };
}
