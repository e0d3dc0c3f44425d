// Overlays must receive live events in seq order: they drop an event whose seq is not above the last one they
// saw. With PostgreSQL the cluster adapter publishes every broadcast (NOTIFY, and an INSERT first for one over
// 8000 bytes) before delivering it, to this node's sockets too, and the other node fetches a large one from the
// attachments table before delivering it: broadcasts made one after the other must not overtake each other on
// either node. A module on node A fires small rolls and large character updates (over the NOTIFY limit) at
// once; an overlay on A and one on B see every one, in order.
import { randomBytes } from 'node:crypto';
import { type EventAck, type InventoryItem, OVERLAY_EVENTS } from '@tumulte/schemas';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { characterUpdate, d20Roll, randal, T0 } from '../test-support/fixtures.js';
import { pairWithOwner } from '../test-support/pairing-flow.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import {
  connect,
  connectModule,
  createOverlayLink,
  overlaySocket,
  startTestServer,
} from '../test-support/test-server.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const bag: InventoryItem[] = Array.from({ length: 60 }, (_, n) => ({
  id: `bagItem${String(n).padStart(9, '0')}`,
  name: `Trinket number ${n} with a long enough name to weigh something`,
  type: 'loot',
  quantity: n + 1,
  equipped: false,
  img: `icons/commodities/treasure/trinket-${n}.webp`,
  uses: null,
}));

it('delivers overlay events in seq order with the PostgreSQL adapter, large and small mixed, on both nodes', async () => {
  const prefix = `tumulte_test_${randomBytes(4).toString('hex')}`;
  const node = await startTestServer({ databaseUrl: database.url }, { clusterChannelPrefix: prefix });
  const nodeB = await startTestServer({ databaseUrl: database.url }, { clusterChannelPrefix: prefix });
  try {
    expect(node.server.cluster).toBe('postgres');
    const paired = await pairWithOwner(node);
    const module = await connectModule(node.url, paired.sessionToken);
    const { token } = await createOverlayLink(node, node.ownerToken ?? '', paired.connectionId);
    const overlays = await Promise.all(
      [node.url, nodeB.url].map(async (url) => {
        const socket = overlaySocket(url, token);
        const seqs: number[] = [];
        socket.onAny((event: string, payload: { seq?: number }) => {
          if (event !== OVERLAY_EVENTS.overlayState && typeof payload.seq === 'number') seqs.push(payload.seq);
        });
        await connect(socket);
        return { socket, seqs };
      }),
    );

    const big = characterUpdate(randal(1, bag), T0);
    expect(JSON.stringify(big).length).toBeGreaterThan(8_000);
    const sends: Array<Promise<EventAck>> = [];
    for (let n = 0; n < 120; n += 1) {
      sends.push(
        n % 2 === 0
          ? module.client.emit.diceRoll(d20Roll(1 + (n % 20), { rollId: `order-${n}` }, T0 + n))
          : module.client.emit.characterUpdate(characterUpdate(randal(1 + (n % 12), bag), T0 + n)),
      );
    }
    const acks = await Promise.all(sends);
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const last = Math.max(...acks.map((ack) => (ack.ok ? (ack.seq ?? 0) : 0)));
    for (const { socket, seqs } of overlays) {
      await vi.waitFor(() => expect(seqs).toHaveLength(120), { timeout: 10_000, interval: 20 });
      expect(seqs.at(-1)).toBe(last);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      socket.disconnect();
    }
    module.socket.disconnect();
  } finally {
    await node.close();
    await nodeB.close();
  }
});
