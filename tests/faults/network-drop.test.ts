// Fault (b): the network drops while the module flushes its outbox. Nothing is lost, nothing is stored twice.
// - Through a TCP proxy in front of the server process (its CLI): the connection is cut with events in flight,
//   and, other times, after the server stored events whose acknowledgements the network swallowed.
// - A server-side disconnect (`disconnectSockets(true)` on /vtt) while acknowledgements are pending, against
//   the server in-process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMESPACES } from '@tumulte/schemas';
import { buildServer } from '@tumulte/server';
import { afterEach, expect, it } from 'vitest';
import { createOverlayToken } from '../support/dashboard-api.js';
import {
  describeWire,
  expectDrained,
  expectOverlayEqualsModule,
  expectStoredExactlyOnce,
  expectWireExactlyOnce,
} from '../support/exactly-once.js';
import { FailoverProxy } from '../support/failover-proxy.js';
import { FoundryGm, until } from '../support/foundry-gm.js';
import { OverlayViewer } from '../support/overlay-viewer.js';
import { storedEvents } from '../support/server-metrics.js';
import { ServerProcess } from '../support/server-process.js';
import { freePort } from '../support/throwaway-postgres.js';
import { streamMix } from './stream.js';

const EVENTS = 400;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tumulte-faults-net-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const pending = (gm: FoundryGm) => gm.sends.filter((send) => send.ack === null && send.error === null).length;

it('the TCP connection is cut during flushes (with events in flight, and after swallowed acknowledgements)', async () => {
  const dataDir = tempDir();
  const server = new ServerProcess({ port: await freePort(), dataDir });
  cleanups.push(() => server.kill());
  await server.start();
  const ownerToken = await server.firstRunOwnerToken();
  const proxy = new FailoverProxy([server.options.port]);
  await proxy.listen();
  cleanups.push(() => proxy.cut());
  const gm = await FoundryGm.open(proxy.url);
  cleanups.push(() => gm.close());
  const connectionId = await gm.pair(server.url, ownerToken);
  gm.startCombat();
  const viewer = new OverlayViewer(server.url, await createOverlayToken(server.url, ownerToken, connectionId));
  cleanups.push(() => viewer.close());

  const cuts: string[] = [];
  let downSince = -1;
  await streamMix(gm, EVENTS, async (made) => {
    if (downSince >= 0) {
      // The network comes back after 20 more events were queued offline.
      if (made >= downSince + 20) {
        await proxy.listen();
        downSince = -1;
      }
      return;
    }
    if (cuts.length === 4 || made < (cuts.length + 1) * 80 || gm.state !== 'connected') return;
    if (cuts.length % 2 === 0) {
      // Cut while events wait for their acknowledgement.
      if (pending(gm) === 0) return;
      cuts.push(`cut with ${pending(gm)} in flight`);
    } else {
      // The server stores events, the network loses the acknowledgements, then the connection drops.
      proxy.holdReplies();
      const before = await storedEvents(server.url);
      await until(async () => expect(await storedEvents(server.url)).toBeGreaterThan(before));
      cuts.push('cut after swallowed acknowledgements');
    }
    await proxy.cut();
    downSince = made;
  });
  if (downSince >= 0) await proxy.listen();
  expect(cuts).toHaveLength(4);

  await expectDrained(gm);
  await expectOverlayEqualsModule(viewer, gm);
  const wire = expectWireExactlyOnce(gm);
  expect(wire.lost).toBeGreaterThan(0);
  expect(wire.duplicates).toBeGreaterThan(0);
  await server.stop();
  await expectStoredExactlyOnce(gm, { dataDir }, connectionId);
  console.info(`(b) proxy: ${cuts.join('; ')}; ${describeWire(wire)}`);
}, 180_000);

it('the server disconnects the module while acknowledgements are pending', async () => {
  const dataDir = tempDir();
  const server = await buildServer({ port: 0, dataDir, logLevel: 'silent', uiDir: null });
  cleanups.push(() => server.close());
  const url = await server.listen();
  const ownerToken = server.firstRun?.ownerToken ?? '';
  const gm = await FoundryGm.open(url);
  cleanups.push(() => gm.close());
  const connectionId = await gm.pair(url, ownerToken);
  gm.startCombat();
  const viewer = new OverlayViewer(url, await createOverlayToken(url, ownerToken, connectionId));
  cleanups.push(() => viewer.close());

  let disconnects = 0;
  // Every committed batch: if acknowledgements are still on their way, drop the module's socket right now.
  const unsubscribe = server.onOverlayEvents(() => {
    if (disconnects < 4 && pending(gm) > 0 && gm.sends.length > (disconnects + 1) * 60) {
      disconnects += 1;
      server.io.of(NAMESPACES.vtt).disconnectSockets(true);
    }
  });
  await streamMix(gm, EVENTS);
  await expectDrained(gm);
  unsubscribe();
  expect(disconnects).toBe(4);

  await expectOverlayEqualsModule(viewer, gm);
  const wire = expectWireExactlyOnce(gm);
  expect(wire.lost).toBeGreaterThan(0);
  // Acknowledgements of committed events went to a closed socket: those events came back as duplicates.
  expect(wire.duplicates).toBeGreaterThan(0);
  await server.close();
  await expectStoredExactlyOnce(gm, { dataDir }, connectionId);
  console.info(`(b) server-side: ${disconnects} disconnects; ${describeWire(wire)}`);
}, 180_000);
