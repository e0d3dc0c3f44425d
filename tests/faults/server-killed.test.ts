// Fault (a): the server process (its CLI) is killed with SIGKILL while the Foundry module streams 1,000 events,
// then started again on the same port and data dir. Afterwards every event is stored exactly once, in order, and
// an overlay shows exactly the module's state.
//
// The module reaches the server through a TCP proxy (the network). Just before the kill the proxy swallows the
// server's replies until the server has stored more events: those were committed but their acknowledgements
// died with the process, so the module must send them again and the server must recognise them (the duplicate
// window of at-least-once delivery) — every run, not only when the kill happens to land in that window.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
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

const EVENTS = 1_000;
const dataDir = mkdtempSync(join(tmpdir(), 'tumulte-faults-kill-'));
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

it('SIGKILL mid-stream, restart on the same data: 1,000 events stored exactly once, the overlay equals the module', async () => {
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
  await until(() => expect(viewer.state?.combat?.round).toBe(1));

  let killedAt = -1;
  let restarted = false;
  const pidBefore = server.pid;
  const made = await streamMix(gm, EVENTS, async (sent) => {
    // Kill once a third is acknowledged, with stored events whose acknowledgements never reached the module;
    // start again after 150 more were queued.
    if (killedAt < 0 && gm.sends.filter((send) => send.ack?.ok).length > EVENTS / 3) {
      proxy.holdReplies();
      const before = await storedEvents(server.url);
      await until(async () => expect(await storedEvents(server.url)).toBeGreaterThan(before));
      await server.kill();
      proxy.passReplies();
      killedAt = sent;
    } else if (killedAt >= 0 && !restarted && sent >= killedAt + 150) {
      expect(gm.state).not.toBe('connected');
      await server.start();
      restarted = true;
    }
  });
  expect(made).toBe(EVENTS);
  expect(restarted).toBe(true);
  expect(server.pid).not.toBe(pidBefore);

  await expectDrained(gm);
  // The overlay reconnected by itself (a fresh snapshot), then followed the live events.
  await expectOverlayEqualsModule(viewer, gm);
  expect(viewer.snapshots).toBeGreaterThanOrEqual(2);
  expect(viewer.state?.world?.online).toBe(true);
  // A new overlay's snapshot says the same.
  const fresh = new OverlayViewer(server.url, await createOverlayToken(server.url, ownerToken, connectionId));
  cleanups.push(() => fresh.close());
  await expectOverlayEqualsModule(fresh, gm);

  const wire = expectWireExactlyOnce(gm);
  // The events stored just before the kill were sent again, and the server recognised them.
  expect(wire.duplicates).toBeGreaterThan(0);
  expect(wire.lost).toBeGreaterThan(0);

  await server.stop();
  await expectStoredExactlyOnce(gm, { dataDir }, connectionId);
  console.info(`(a) server killed after ${killedAt} of ${EVENTS} events; ${describeWire(wire)}`);
}, 240_000);
