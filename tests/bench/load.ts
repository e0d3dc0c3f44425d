// Load generation for the benchmarks: servers in their own processes, modules and overlays as plain
// socket.io-client sockets (the same clients for the relay baseline and the real pipeline).
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPairing, waitForTokens } from '@tumulte/example-vtt-module/pairing.mjs';
import { type DiceRollPayload, PROTOCOL_VERSION } from '@tumulte/schemas';
import { io, type Socket } from 'socket.io-client';

export interface ServerProcess {
  readonly kind: 'pipeline' | 'relay';
  readonly url: string;
  readonly ownerToken: string | null;
  /** Resident memory of the server process, from /proc. */
  rssBytes(): number;
  stop(): Promise<void>;
}

export async function startServerProcess(kind: 'pipeline' | 'relay'): Promise<ServerProcess> {
  // BENCH_PROFILE=dir writes a CPU profile of each server process there (node --cpu-prof).
  const execArgv = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child: ChildProcess = fork(join(import.meta.dirname, 'processes', `${kind}-server.mjs`), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  const { url, ownerToken } = await new Promise<{ url: string; ownerToken: string | null }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { url: string; ownerToken: string | null }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    kind,
    url,
    ownerToken,
    rssBytes: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

async function api(server: ServerProcess, method: string, path: string, body?: unknown, token = server.ownerToken) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export interface ModuleCredentials {
  worldId: string;
  connectionId: string;
  sessionToken: string;
}

/** Pairs a new world with the server's owner account, as the dashboard and a module would. */
export async function pairModule(server: ServerProcess): Promise<ModuleCredentials> {
  const worldId = `bench-${randomUUID().slice(0, 8)}`;
  if (server.kind === 'relay') return { worldId, connectionId: 'relay', sessionToken: 'none' };
  const pairing = await createPairing({
    world: { id: worldId, name: 'Bench world', gmUserId: 'gm', gmName: 'GM' },
    moduleVersion: '1.0.0',
  });
  await api(server, 'POST', '/vtt/pair', { pairingToken: pairing.token });
  const tokens = await waitForTokens(server.url, pairing);
  return { worldId, connectionId: tokens.connectionId, sessionToken: tokens.sessionToken };
}

/** An overlay token for the connection (one link serves any number of overlays). */
export async function overlayToken(server: ServerProcess, connectionId: string): Promise<string> {
  if (server.kind === 'relay') return 'none';
  const link = await api(server, 'POST', '/api/overlays', { connectionId, label: 'bench' });
  return String(link.url).split('/overlay/')[1]?.split('?')[0] ?? '';
}

export function connect(url: string, namespace: '/vtt' | '/overlay', token: string): Promise<Socket> {
  const socket = io(`${url}${namespace}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token, protocolVersion: PROTOCOL_VERSION },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

let counter = 0;

/** A public dice roll as a module sends it (~450 bytes of JSON). */
export function diceRoll(worldId: string): DiceRollPayload {
  counter += 1;
  const messageId = `bench${counter.toString(36).padStart(8, '0')}`;
  return {
    eventId: randomUUID(),
    worldId,
    timestamp: Date.now(),
    rollId: `${messageId}.0`,
    messageId,
    character: { id: '2Pdtnswo8Nj2nafY', name: 'Randal', img: 'systems/dnd5e/tokens/heroes/FighterRandal.webp' },
    result: { formula: '1d20 + 5', total: 17, dice: [{ faces: 20, results: [{ value: 12, active: true }] }] },
    rollType: 'attack',
    critical: { kind: 'none', source: 'system' },
    visibility: 'public',
    flavor: 'Longsword - Attack Roll',
  };
}

type Ack = { ok: boolean };
const send = (socket: Socket, payload: DiceRollPayload) =>
  socket.timeout(30_000).emitWithAck('dice:roll', payload) as Promise<Ack>;

export interface ThroughputResult {
  eventsPerSecond: number;
  deliveriesPerSecond: number;
  refused: number;
}

/** Keeps `window` events in flight for `durationMs` and counts acknowledged events and overlay deliveries. */
export async function measureThroughput(
  module: Socket,
  overlays: Socket[],
  worldId: string,
  durationMs: number,
  window = 64,
): Promise<ThroughputResult> {
  let acked = 0;
  let refused = 0;
  let deliveries = 0;
  const onDelivery = () => {
    deliveries += 1;
  };
  for (const overlay of overlays) overlay.on('dice:roll', onDelivery);
  const end = performance.now() + durationMs;
  const start = performance.now();
  const lane = async () => {
    while (performance.now() < end) {
      const ack = await send(module, diceRoll(worldId));
      if (ack.ok) acked += 1;
      else refused += 1;
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  const elapsed = (performance.now() - start) / 1000;
  for (const overlay of overlays) overlay.off('dice:roll', onDelivery);
  return { eventsPerSecond: acked / elapsed, deliveriesPerSecond: deliveries / elapsed, refused };
}

export interface LatencyResult {
  p50: number;
  p99: number;
  received: number;
  sent: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Sends at a fixed rate and measures module emit → overlay delivery, in milliseconds. */
export async function measureLatency(
  module: Socket,
  overlay: Socket,
  worldId: string,
  ratePerSecond: number,
  durationMs: number,
): Promise<LatencyResult> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const onDelivery = (event: { roll: { rollId: string } }) => {
    const at = sentAt.get(event.roll.rollId);
    if (at !== undefined) latencies.push(performance.now() - at);
  };
  overlay.on('dice:roll', onDelivery);
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((ratePerSecond * tickMs) / 1000));
  let sent = 0;
  const ticks = Math.round(durationMs / tickMs);
  const start = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    for (let i = 0; i < perTick; i++) {
      const roll = diceRoll(worldId);
      sentAt.set(roll.rollId, performance.now());
      void send(module, roll);
      sent += 1;
    }
    // Paced against the clock, so a slow tick does not lower the rate.
    const next = start + (tick + 1) * tickMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  const deadline = performance.now() + 10_000;
  while (latencies.length < sent && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  overlay.off('dice:roll', onDelivery);
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), received: latencies.length, sent };
}
