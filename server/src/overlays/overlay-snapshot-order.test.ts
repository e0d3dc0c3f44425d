// A campaign sync makes the server send overlays a fresh `overlay:state`. The snapshot is read from the
// database after the sync's commit; live events committed meanwhile must not reach an overlay before it, or
// the overlay (which replaces its state with every snapshot) would lose them behind an older snapshot.
import { type EventAck, OVERLAY_EVENTS } from '@tumulte/schemas';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { campaignSync, d20Roll, randal, T0 } from '../test-support/fixtures.js';
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

describe.each(['sqlite', 'postgres'] as const)('on %s', (dialect) => {
  it('never sends a snapshot older than a live event it already sent', async () => {
    const node = await startTestServer(dialect === 'postgres' ? { databaseUrl: database.url } : {});
    try {
      const paired = await pairWithOwner(node);
      const module = await connectModule(node.url, paired.sessionToken);
      const { token } = await createOverlayLink(node, node.ownerToken ?? '', paired.connectionId);
      const socket = overlaySocket(node.url, token);
      const received: { event: string; seq: number }[] = [];
      socket.onAny((event: string, payload: { seq: number }) => received.push({ event, seq: payload.seq }));
      await connect(socket);
      await vi.waitFor(() => expect(received).toHaveLength(1));

      // Syncs and rolls fired together, round after round: each sync's snapshot races the rolls behind it.
      const sends: Array<Promise<EventAck>> = [];
      for (let round = 0; round < 20; round += 1) {
        sends.push(module.client.emit.campaignSync(campaignSync([randal(12 - (round % 10))], null, T0 + round * 10)));
        for (let n = 0; n < 5; n += 1) {
          const rollAt = T0 + round * 10 + n + 1;
          sends.push(module.client.emit.diceRoll(d20Roll(2 + n, { rollId: `r-${round}-${n}` }, rollAt)));
        }
      }
      const acks = await Promise.all(sends);
      expect(acks.every((ack) => ack.ok)).toBe(true);
      const last = Math.max(...acks.map((ack) => (ack.ok ? (ack.seq ?? 0) : 0)));
      await vi.waitFor(() => expect(Math.max(...received.map((r) => r.seq))).toBe(last), { timeout: 10_000 });
      let highestLive = 0;
      for (const { event, seq } of received) {
        if (event === OVERLAY_EVENTS.overlayState)
          expect(seq, JSON.stringify(received)).toBeGreaterThanOrEqual(highestLive);
        else highestLive = Math.max(highestLive, seq);
      }
      socket.disconnect();
      module.socket.disconnect();
    } finally {
      await node.close();
    }
  });
});
