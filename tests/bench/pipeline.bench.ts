// Module → server → overlay: the full pipeline (validation, persistence, projection) against a raw Socket.IO
// relay, with the same clients on the same machine.
import { connect, measureLatency, measureThroughput, overlayToken, pairModule, startServerProcess } from './load.js';
import { type BenchSection, formatNumber, ratio } from './report.js';

const OVERLAYS = 10;
const THROUGHPUT_MS = 6_000;
const LATENCY_RATE = 1_000;
const LATENCY_MS = 5_000;

/** What bounds the pipeline's throughput, from CPU profiles of the server (BENCH_PROFILE=dir npm run bench). */
const LIMITS =
  'What limits the throughput: in the throughput phase the pipeline server uses its whole core, the relay a ' +
  'fraction of one (the load generator, on the same two cores, bounds the relay). Per event the pipeline ' +
  'validates the payload, measures its size, runs nine SQLite statements inside a group commit (the ' +
  'idempotency and roll lookups, connection, sequence number, three inserts, a savepoint and its release: over a third of its busy ' +
  'time) and writes the acknowledgement plus ten overlay frames (a fifth, which the relay pays too). Fixed ' +
  'already: SQL built per event (prepared queries), WAL checkpoints inside commits on the event loop (a worker ' +
  'thread now; that was the p99). What remains is one synchronous SQLite writer on the event loop; going further ' +
  'would mean moving ingest to a worker thread or dropping per-event savepoints, which keep one bad event from ' +
  'undoing its batch.';

async function run(kind: 'relay' | 'pipeline') {
  const server = await startServerProcess(kind);
  try {
    const credentials = await pairModule(server);
    const module = await connect(server.url, '/vtt', credentials.sessionToken);
    const token = await overlayToken(server, credentials.connectionId);
    const overlays = await Promise.all(Array.from({ length: OVERLAYS }, () => connect(server.url, '/overlay', token)));
    await measureThroughput(module, overlays, credentials.worldId, 1_000); // warm-up
    const throughput = await measureThroughput(module, overlays, credentials.worldId, THROUGHPUT_MS);
    const [first] = overlays;
    if (!first) throw new Error('no overlay');
    const latency = await measureLatency(module, first, credentials.worldId, LATENCY_RATE, LATENCY_MS);
    for (const socket of [module, ...overlays]) socket.close();
    return { throughput, latency };
  } finally {
    await server.stop();
  }
}

export async function pipelineBench(): Promise<BenchSection> {
  const relay = await run('relay');
  const pipeline = await run('pipeline');
  const throughputRatio = pipeline.throughput.eventsPerSecond / relay.throughput.eventsPerSecond;
  const p99Ratio = pipeline.latency.p99 / relay.latency.p99;
  const row = (name: string, r: typeof relay) => [
    name,
    formatNumber(r.throughput.eventsPerSecond),
    formatNumber(r.throughput.deliveriesPerSecond),
    formatNumber(r.latency.p50, 1),
    formatNumber(r.latency.p99, 1),
    `${r.latency.received}/${r.latency.sent}`,
  ];
  return {
    title: 'Pipeline: module → server → overlay, against a raw Socket.IO relay',
    method: `One module socket keeps 64 \`dice:roll\` events in flight for ${THROUGHPUT_MS / 1000} s (after 1 s of warm-up) with ${OVERLAYS} overlays subscribed; then it sends ${formatNumber(LATENCY_RATE)} events/s for ${LATENCY_MS / 1000} s and one overlay timestamps each delivery. The server runs in its own process (SQLite on disk, strict validation, idempotency by eventId, group commit, public projection, per-world seq); the relay in another process acknowledges and broadcasts without validation or persistence. Load generator and server share the machine's cores.`,
    columns: ['server', 'acked events/s', 'overlay deliveries/s', 'p50 ms @1k/s', 'p99 ms @1k/s', 'delivered'],
    rows: [
      row('raw relay (baseline)', relay),
      row('full pipeline', pipeline),
      [
        'pipeline / relay',
        ratio(pipeline.throughput.eventsPerSecond, relay.throughput.eventsPerSecond),
        ratio(pipeline.throughput.deliveriesPerSecond, relay.throughput.deliveriesPerSecond),
        ratio(pipeline.latency.p50, relay.latency.p50),
        ratio(pipeline.latency.p99, relay.latency.p99),
        '',
      ],
    ],
    notes: [
      `Throughput target ≥ 0.70× the relay: ${formatNumber(throughputRatio, 2)}× — ${throughputRatio >= 0.7 ? 'met' : 'missed'}.`,
      `p99 latency target at 1,000 events/s ≤ 2× the relay: ${formatNumber(p99Ratio, 2)}× — ${p99Ratio <= 2 ? 'met' : 'missed'}.`,
      `Refused events (should be 0): relay ${relay.throughput.refused}, pipeline ${pipeline.throughput.refused}.`,
      ...(throughputRatio >= 0.7 ? [] : [LIMITS]),
    ],
  };
}
