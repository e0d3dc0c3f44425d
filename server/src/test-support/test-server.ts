// Starts a real server in-process for a test: SQLite in a temp dir (or the given PostgreSQL URL), port 0 on
// 127.0.0.1, silent logs; `ownerToken` is the owner's dashboard bearer token from the first start.
import { Writable } from 'node:stream';
import { type ConnectionReadyPayload, NAMESPACES, type OverlayLink, PROTOCOL_VERSION } from '@tumulte/schemas';
import { createVttClient, type VttClient } from '@tumulte/schemas/client';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { type BuildOptions, buildServer, type TumulteServer } from '../app.js';
import type { ConfigOverrides } from '../config.js';
import { expectSuccess } from './contract-checks.js';
import { makeTempDir } from './temp-dir.js';

export interface TestServer {
  readonly server: TumulteServer;
  readonly url: string;
  readonly dataDir: string;
  /** Owner's bearer token (null when the data dir was already set up). */
  readonly ownerToken: string | null;
  /** Log lines written so far (JSON strings). */
  readonly logs: string[];
  close(): Promise<void>;
}

export interface StartOptions extends BuildOptions {
  /** Reuse a data directory (restart tests); it is not removed on close. */
  readonly dataDir?: string;
  readonly listen?: boolean;
}

export async function startTestServer(
  overrides: ConfigOverrides = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const temp = options.dataDir ? null : makeTempDir();
  const dataDir = options.dataDir ?? temp?.path ?? '';
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const server = await buildServer(
    // No UI unless a test asks (tests must not depend on another package's build).
    { port: 0, host: '127.0.0.1', logLevel: 'info', uiDir: null, ...overrides, dataDir },
    { logDestination, ...options },
  );
  const url = options.listen === false ? '' : await server.listen();
  return {
    server,
    url,
    dataDir,
    ownerToken: server.firstRun?.ownerToken ?? null,
    logs,
    async close() {
      await server.close();
      temp?.remove();
    },
  };
}

export interface ModuleSocketOptions {
  readonly protocolVersion?: string;
  readonly auth?: Record<string, unknown>;
}

/** A socket.io-client socket to /vtt, not connected yet (register listeners, then `connect`). */
export function moduleSocket(url: string, token: string, options: ModuleSocketOptions = {}): Socket {
  return connectSocket(`${url}/vtt`, {
    transports: ['websocket'],
    autoConnect: false,
    reconnection: false,
    forceNew: true,
    auth: options.auth ?? { token, protocolVersion: options.protocolVersion ?? PROTOCOL_VERSION },
  });
}

/** A socket.io-client socket to /overlay with an overlay link's token, not connected yet. */
export function overlaySocket(url: string, token: string, extraAuth: Record<string, unknown> = {}): Socket {
  return connectSocket(`${url}${NAMESPACES.overlay}`, {
    transports: ['websocket'],
    autoConnect: false,
    reconnection: false,
    forceNew: true,
    auth: { token, protocolVersion: PROTOCOL_VERSION, ...extraAuth },
  });
}

/** Creates an overlay link through the dashboard API; `token` is the one in its URL (`/overlay/<token>`). */
export async function createOverlayLink(
  server: TestServer,
  dashboardToken: string,
  connectionId: string,
  label = 'Main scene',
): Promise<{ link: OverlayLink; token: string }> {
  const answer = await server.server.app.inject({
    method: 'POST',
    url: '/api/overlays',
    headers: { authorization: `Bearer ${dashboardToken}` },
    payload: { connectionId, label },
  });
  const link = expectSuccess(answer, 'POST /api/overlays', 201);
  return { link, token: (link.url ?? '').replace('/overlay/', '') };
}

/** Connects and resolves on `connect`, or rejects with the `connect_error` (its `data` is ConnectErrorData). */
export function connect(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
    socket.connect();
  });
}

export interface ConnectedModule {
  readonly socket: Socket;
  readonly client: VttClient;
  /** The server's `connection:ready`. */
  readonly ready: Promise<ConnectionReadyPayload>;
}

/** A connected module with the generated client stub, answering heartbeats. */
export async function connectModule(url: string, token: string): Promise<ConnectedModule> {
  const socket = moduleSocket(url, token);
  const client = createVttClient(socket as never);
  client.on.heartbeatPing(({ sentAt }) => ({ sentAt, receivedAt: Date.now(), queuedEvents: 0 }));
  const ready = new Promise<ConnectionReadyPayload>((resolve) => {
    const stop = client.on.connectionReady((payload) => {
      stop();
      resolve(payload);
    });
  });
  await connect(socket);
  return { socket, client, ready };
}

/** Resolves with the arguments of the next `event` on `emitter`. */
export function next<T = unknown>(
  emitter: { once(event: string, listener: (value: T) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => {
    emitter.once(event, resolve);
  });
}
