// The real server for the benchmarks, in its own process: SQLite in a temp dir, validation and persistence on,
// the per-connection and pairing limits raised so that the load generator measures the pipeline, not the
// rate limiter. Reports {url, ownerToken} to its parent over IPC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildServer } from '@tumulte/server';

const dataDir = mkdtempSync(join(tmpdir(), 'tumulte-bench-'));
const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
const unlimited = { max: 1_000_000, windowMs: 60_000 };
const server = await buildServer(
  {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    uiDir: null,
    logLevel: 'warn',
    limits: { eventsPerSecond: 1_000_000, eventsBurst: 1_000_000 },
    rateLimits: { pairing: unlimited, pairingWait: unlimited, refresh: unlimited },
  },
  { logDestination: silent },
);
const url = await server.listen();
process.send?.({ url, ownerToken: server.firstRun?.ownerToken });
process.on('SIGTERM', async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
