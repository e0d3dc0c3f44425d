// The outbox's order survives refusals. When the server refuses an event "for now" (its database is unreachable,
// a rate limit) it may accept the next events of the same window a moment later (the database is back), and those
// would be stored before the refused one, which comes back only on the next try. So after a refusal the module
// sends one event at a time until one goes through. Here a Socket.IO server plays the Tumulte server: it refuses
// everything while "down" and comes back up in the middle of a retry.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EventAck, NAMESPACES, PROTOCOL_VERSION, VTT_EVENTS } from '@tumulte/schemas';
import { Server } from 'socket.io';
import { afterEach, expect, it, vi } from 'vitest';
import { chatMessage } from './sim/fixtures.js';
import { BrowserProfile, standardWorld } from './sim/runtime.js';

const MODULE = 'tumulte-integration';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('after a refusal, sends one event at a time until one is accepted: nothing overtakes the refused event', async () => {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  cleanups.push(() => new Promise((resolve) => io.close(() => resolve(undefined))));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  // Down for the first 11 events it receives (the first window of 8, then 3 more), then up.
  let refusals = 0;
  const stored: string[] = [];
  io.of(NAMESPACES.vtt).on('connection', (socket) => {
    socket.emit(VTT_EVENTS.connectionReady, {
      connectionId: '01KA0000000000000000000000',
      protocolVersion: PROTOCOL_VERSION,
      serverVersion: '1.0.0',
      limits: { maxPayloadBytes: 65_536, eventsPerSecond: 1_000, eventsBurst: 1_000 },
      heartbeat: { intervalMs: 30_000, timeoutMs: 60_000 },
    });
    socket.onAny((event: string, payload: { eventId: string; rollId?: string }, ack: (reply: EventAck) => void) => {
      if (event !== VTT_EVENTS.diceRoll) {
        ack({ ok: true, duplicate: false });
        return;
      }
      if (refusals < 11) {
        refusals += 1;
        ack({ ok: false, error: { code: 'STORAGE_UNAVAILABLE', message: 'The database is unreachable.' } });
        return;
      }
      if (!stored.includes(payload.rollId ?? '')) stored.push(payload.rollId ?? '');
      ack({ ok: true, duplicate: false });
    });
  });

  const { world, gm } = standardWorld();
  const browser = new BrowserProfile();
  browser.storage.setItem(
    `${MODULE}.lost-mine.session`,
    JSON.stringify({
      serverUrl: url,
      connectionId: '01KA0000000000000000000000',
      sessionToken: 'session',
      sessionExpiresAt: Date.now() + 3_600_000,
      refreshToken: 'tmr_refresh',
    }),
  );
  const tab = world.connect(gm, browser);
  cleanups.push(() => tab.unload());
  await tab.game.settings.set(MODULE, 'serverUrl', url);
  const module = await tab.start({ connection: { backoff: { initialMs: 5, maxMs: 20 } }, coalesceMs: 5 });
  await vi.waitFor(() => expect(module.connection?.status.state).toBe('connected'));

  const rolls = Array.from({ length: 12 }, (_, n) => `orderRoll${String(n).padStart(7, '0')}`);
  for (const id of rolls) world.createChatMessage({ ...chatMessage('dnd5e-d20roll-attack-guiding-bolt'), _id: id });
  await vi.waitFor(() => expect(module.outbox?.size).toBe(0), { timeout: 10_000 });
  expect(refusals).toBe(11);
  expect(stored).toEqual(rolls.map((id) => `${id}.0`));
});
