// Scale-out: two server processes share one PostgreSQL database (a fresh one on the shared server), talking
// through the Socket.IO PostgreSQL adapter, and again through the Redis streams adapter (the shared Redis, under
// a stream name of this run's own, deleted afterwards). The Foundry module (the real one, in the simulated
// runtime) is on node A; the streamer's dashboard and an OBS overlay are on node B.
// - the overlay on B shows the module's events (stored by A);
// - a poll started from the dashboard on B reaches the module on A (a card in the Foundry chat), and its end too;
// - node A dies (SIGKILL) while the module streams: the module reconnects, lands on B and goes on; every event
//   is stored once, and the overlay on B shows the module's state.
//
// How the module finds node B: the module is configured with one server URL, as a GM would be, and that URL is a
// TCP load balancer in front of both nodes (tests/support/failover-proxy.ts): each new connection goes to the
// first node that accepts it, A while it lives, then B — the "backup server" setup of HAProxy or nginx. A
// round-robin balancer would work too (Socket.IO runs websocket-only: no sticky sessions); failover keeps the
// module on A deterministically, so the test knows where it is. The dashboard and the overlay use B's own URL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamMix } from '../faults/stream.js';
import { callRoute, createOverlayToken, startPoll } from '../support/dashboard-api.js';
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
import { deleteRedisKeys } from '../support/redis-keys.js';
import { counter, storedEvents } from '../support/server-metrics.js';
import { ServerProcess } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/shared-postgres.js';
import { freePort } from '../support/throwaway-postgres.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.each([
  ['the PostgreSQL adapter', null],
  ['the Redis streams adapter', REDIS_URL],
] as const)('two server nodes over %s', (_label, redisUrl) => {
  let database: TestDatabase;
  const prefix = `tumulte_test_${randomBytes(6).toString('hex')}`;
  const cleanups: Array<() => unknown> = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await database?.drop();
    if (redisUrl) await deleteRedisKeys(redisUrl, [`${prefix}:socket.io`]);
  });

  it('module on A, overlay and dashboard on B; a poll from B reaches A; A dies, the module goes on on B', async () => {
    // PostgreSQL alone: the CLI as is (the adapter's channels live in this run's database). With Redis: the
    // launcher, for a stream name of this run's own.
    const node = async () => {
      const server = new ServerProcess({
        port: await freePort(),
        databaseUrl: database.url,
        ...(redisUrl ? { redisUrl, channelPrefix: prefix } : {}),
      });
      cleanups.push(() => server.kill());
      await server.start();
      return server;
    };
    const nodeA = await node();
    const ownerToken = await nodeA.firstRunOwnerToken();
    const nodeB = await node();
    const balancer = new FailoverProxy([nodeA.options.port, nodeB.options.port]);
    await balancer.listen();
    cleanups.push(() => balancer.cut());

    // Paired from the dashboard on B; the module, behind the balancer, is on A. One character carries enough
    // trinkets that its updates exceed PostgreSQL's 8000-byte NOTIFY limit (the adapter's attachment path).
    const gm = await FoundryGm.open(balancer.url);
    cleanups.push(() => gm.close());
    gm.giveTrinkets(2, 80);
    expect(JSON.stringify(gm.moduleState().characters[2]).length).toBeGreaterThan(8_000);
    const connectionId = await gm.pair(nodeB.url, ownerToken);
    expect(new Set(balancer.routed)).toEqual(new Set([nodeA.options.port]));
    await until(async () => expect(await counter(nodeA.url, 'tumulte_vtt_connections')).toBe(1));
    expect(await counter(nodeB.url, 'tumulte_vtt_connections')).toBe(0);
    const status = await callRoute(nodeB.url, ownerToken, 'GET /vtt/connections/:id/status', {
      params: { id: connectionId },
    });
    expect(status.body).toMatchObject({ online: true });

    // The overlay on B shows what the module on A sends.
    gm.startCombat();
    const viewer = new OverlayViewer(nodeB.url, await createOverlayToken(nodeB.url, ownerToken, connectionId));
    cleanups.push(() => viewer.close());
    await streamMix(gm, 150);
    await expectDrained(gm);
    await expectOverlayEqualsModule(viewer, gm);
    expect(await storedEvents(nodeA.url)).toBeGreaterThanOrEqual(150);
    expect(await storedEvents(nodeB.url)).toBe(0);

    // A poll started on B: the module on A posts it in the Foundry chat, the overlay on B shows it; then its end.
    const poll = await startPoll(nodeB.url, ownerToken, connectionId, 'Open the <red> door?', ['Yes', 'No']);
    await until(() => expect(gm.chat.some((card) => card.includes('Open the &lt;red&gt; door?'))).toBe(true));
    await until(() => expect(viewer.state?.poll).toMatchObject({ pollId: poll.pollId, status: 'running' }));
    const ended = await callRoute(nodeB.url, ownerToken, 'POST /api/polls/:id/end', { params: { id: poll.pollId } });
    expect(ended.status).toBe(200);
    await until(() => expect(gm.chat.filter((card) => card.includes('Open the &lt;red&gt; door?'))).toHaveLength(2));
    await until(() => expect(viewer.state?.poll).toMatchObject({ pollId: poll.pollId, status: 'closed' }));

    // Node A dies mid-stream (with events it stored but could not acknowledge); the module lands on B.
    let killedAt = -1;
    await streamMix(gm, 200, async (made) => {
      if (killedAt >= 0 || made < 50) return;
      balancer.holdReplies();
      const before = await storedEvents(nodeA.url);
      await until(async () => expect(await storedEvents(nodeA.url)).toBeGreaterThan(before));
      await nodeA.kill();
      balancer.passReplies();
      killedAt = made;
    });
    expect(killedAt).toBeGreaterThan(0);
    await expectDrained(gm);
    expect(balancer.routed.at(-1)).toBe(nodeB.options.port);
    expect(await counter(nodeB.url, 'tumulte_vtt_connections')).toBe(1);
    expect(await storedEvents(nodeB.url)).toBeGreaterThan(0);
    await expectOverlayEqualsModule(viewer, gm);
    const wire = expectWireExactlyOnce(gm);
    expect(wire.duplicates).toBeGreaterThan(0);
    // A new overlay on B agrees (its snapshot is read from the database).
    const fresh = new OverlayViewer(nodeB.url, await createOverlayToken(nodeB.url, ownerToken, connectionId));
    cleanups.push(() => fresh.close());
    await expectOverlayEqualsModule(fresh, gm);
    await until(() => expect(fresh.state?.world?.online).toBe(true));

    await nodeB.stop();
    await expectStoredExactlyOnce(gm, { databaseUrl: database.url }, connectionId);
    console.info(
      `scale-out (${redisUrl ? 'redis streams' : 'postgres'}): A killed after ${killedAt}; ${describeWire(wire)}`,
    );
  }, 240_000);
});
