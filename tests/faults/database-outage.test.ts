// Fault (d): the database becomes unreachable for a while. The server process (its CLI) runs on a PostgreSQL
// cluster of this test's own (initdb in a temp folder, its own port), stopped with `pg_ctl -m immediate` in the
// middle of the stream and started again. Meanwhile inbound events are refused with STORAGE_UNAVAILABLE (nothing
// stored), the module keeps them in its outbox and sends them again; once the database is back they are stored,
// each once, in order.
import { afterAll, expect, it } from 'vitest';
import { createOverlayToken } from '../support/dashboard-api.js';
import {
  describeWire,
  expectDrained,
  expectOverlayEqualsModule,
  expectStoredExactlyOnce,
  expectWireExactlyOnce,
} from '../support/exactly-once.js';
import { FoundryGm, until } from '../support/foundry-gm.js';
import { OverlayViewer } from '../support/overlay-viewer.js';
import { ServerProcess } from '../support/server-process.js';
import { createThrowawayPostgres, freePort, type ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { streamMix } from './stream.js';

const EVENTS = 400;
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it('PostgreSQL stopped mid-stream: events are refused (STORAGE_UNAVAILABLE), kept by the module, stored once it is back', async () => {
  const postgres: ThrowawayPostgres = await createThrowawayPostgres();
  cleanups.push(() => postgres.destroy());
  const server = new ServerProcess({ port: await freePort(), databaseUrl: postgres.url });
  cleanups.push(() => server.kill());
  await server.start();
  const ownerToken = await server.firstRunOwnerToken();
  const gm = await FoundryGm.open(server.url);
  cleanups.push(() => gm.close());
  const connectionId = await gm.pair(server.url, ownerToken);
  gm.startCombat();
  const viewer = new OverlayViewer(server.url, await createOverlayToken(server.url, ownerToken, connectionId));
  cleanups.push(() => viewer.close());

  const unavailable = () =>
    gm.sends.filter((send) => send.ack?.ok === false && send.ack.error.code === 'STORAGE_UNAVAILABLE');
  let phase = 'up' as 'up' | 'down' | 'back';
  let queuedWhileDown = 0;
  await streamMix(gm, EVENTS, async (made) => {
    if (phase === 'up' && made >= EVENTS / 4) {
      postgres.stop();
      phase = 'down';
    } else if (phase === 'down' && unavailable().length >= 3 && gm.outboxSize >= 40) {
      // Refused, not lost: the events wait in the module's outbox.
      queuedWhileDown = gm.outboxSize;
      postgres.start();
      phase = 'back';
    }
  });
  if (phase === 'down') {
    await until(() => expect(unavailable().length).toBeGreaterThanOrEqual(3));
    queuedWhileDown = gm.outboxSize;
    postgres.start();
    phase = 'back';
  }
  expect(queuedWhileDown).toBeGreaterThan(0);

  await expectDrained(gm);
  await until(async () => expect((await fetch(`${server.url}/health`)).status).toBe(200));
  await expectOverlayEqualsModule(viewer, gm);
  const wire = expectWireExactlyOnce(gm);
  // Every refused event was sent again and acknowledged, or replaced by a newer state of the same thing (a
  // character, the campaign sync) that was.
  const delivered = new Set(wire.delivered);
  const refused = [...new Set(unavailable().map((send) => send.eventId))];
  const replacedByDelivered = (eventId: string) => {
    const index = gm.queued.findIndex((q) => q.eventId === eventId);
    const key = gm.queued[index]?.supersedes;
    return key != null && gm.queued.slice(index + 1).some((q) => q.supersedes === key && delivered.has(q.eventId));
  };
  expect(refused.filter((eventId) => !delivered.has(eventId) && !replacedByDelivered(eventId))).toEqual([]);
  // Nothing else went wrong on the way.
  expect(Object.keys(wire.refused).filter((code) => code !== 'STORAGE_UNAVAILABLE')).toEqual([]);

  await server.stop();
  await expectStoredExactlyOnce(gm, { databaseUrl: postgres.url }, connectionId);
  console.info(`(d) ${refused.length} events refused, outbox at ${queuedWhileDown} while down; ${describeWire(wire)}`);
}, 240_000);
