// How many concurrent connections one node holds (modules + overlays), and the server's memory per connection.
import type { Socket } from 'socket.io-client';
import { connect, diceRoll, overlayToken, pairModule, startServerProcess } from './load.js';
import { type BenchSection, formatNumber } from './report.js';

const MODULES = 100;
const TOTAL = 10_000;
const CONCURRENT_HANDSHAKES = 200;

async function connectMany(count: number, open: () => Promise<Socket>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let done = 0; done < count; done += CONCURRENT_HANDSHAKES) {
    const batch = Math.min(CONCURRENT_HANDSHAKES, count - done);
    sockets.push(...(await Promise.all(Array.from({ length: batch }, open))));
  }
  return sockets;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

export async function connectionsBench(): Promise<BenchSection> {
  const server = await startServerProcess('pipeline');
  try {
    const modules = await Promise.all(Array.from({ length: MODULES }, () => pairModule(server)));
    const [first] = modules;
    if (!first) throw new Error('no module');
    const token = await overlayToken(server, first.connectionId);
    await settle();
    const idle = server.rssBytes();
    const moduleSockets = await connectMany(
      MODULES,
      (() => {
        let next = 0;
        return () => connect(server.url, '/vtt', modules[next++]?.sessionToken ?? '');
      })(),
    );
    const overlays = await connectMany(TOTAL - MODULES, () => connect(server.url, '/overlay', token));
    await settle();
    const loaded = server.rssBytes();
    const connected = [...moduleSockets, ...overlays].filter((s) => s.connected).length;
    // Still serving: one roll reaches every overlay of its world.
    let delivered = 0;
    for (const overlay of overlays) overlay.on('dice:roll', () => (delivered += 1));
    const ack = (await moduleSockets[0]?.timeout(30_000).emitWithAck('dice:roll', diceRoll(first.worldId))) as {
      ok: boolean;
    };
    const deadline = Date.now() + 30_000;
    while (delivered < overlays.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    for (const socket of [...moduleSockets, ...overlays]) socket.close();
    const perConnection = (loaded - idle) / TOTAL;
    return {
      title: 'Concurrent connections on one node',
      method: `${MODULES} paired modules on /vtt and ${formatNumber(TOTAL - MODULES)} overlays on /overlay (WebSocket), opened ${CONCURRENT_HANDSHAKES} at a time against one server process (SQLite); resident memory of the server read from /proc before and after, 3 s after the last handshake; then one dice roll is fanned out to every overlay.`,
      columns: [
        'connections held',
        'server RSS idle',
        'server RSS loaded',
        'memory per connection',
        'roll acked',
        'overlays reached',
      ],
      rows: [
        [
          formatNumber(connected),
          `${formatNumber(idle / 2 ** 20)} MiB`,
          `${formatNumber(loaded / 2 ** 20)} MiB`,
          `${formatNumber(perConnection / 1024, 1)} KiB`,
          String(ack?.ok),
          `${formatNumber(delivered)}/${formatNumber(overlays.length)}`,
        ],
      ],
      notes: [
        `Target 10,000 concurrent connections on one node: ${connected >= TOTAL ? 'met' : 'missed'} (${formatNumber(connected)}).`,
      ],
    };
  } finally {
    await server.stop();
  }
}
