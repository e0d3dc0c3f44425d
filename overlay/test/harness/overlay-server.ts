import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectErrorData, OverlayStatePayload } from '@tumulte/schemas';
import type { OverlayNamespace } from '@tumulte/schemas/server';
import { Server } from 'socket.io';
import { createOverlayWorld, type OverlayWorld } from './overlay-world';
import { serveStatic } from './static';

/**
 * A stand-in for the server's `/overlay` namespace, for tests of the overlay page: it checks the handshake like
 * the contract says, sends `overlay:state` on connect and numbered live events (validated by the generated
 * emitter). Optionally serves the built app so a browser can open `/overlay/<token>`.
 */
export interface FakeOverlayServer extends OverlayWorld {
  readonly origin: string;
  /** The `auth` of every handshake, in order. */
  readonly handshakes: Record<string, unknown>[];
  /** While set, handshakes are refused with this `connect_error` data. */
  refuse: ConnectErrorData | null;
  connectedCount(): number;
  /** Server-side disconnect of every overlay (as a restart or a revoked link does). */
  disconnectAll(): void;
  close(): Promise<void>;
}

export interface FakeOverlayServerOptions {
  readonly token: string;
  /** The built app to serve (overlay/dist), if a browser will load pages from this server. */
  readonly staticDir?: string;
  readonly initial?: Partial<OverlayStatePayload>;
}

export async function startFakeOverlayServer(options: FakeOverlayServerOptions): Promise<FakeOverlayServer> {
  const http = createServer((request, response) => {
    if (options.staticDir) serveStatic(options.staticDir, request, response);
    else response.writeHead(404).end();
  });
  const io = new Server(http, { transports: ['websocket'] });
  const namespace = io.of('/overlay') as unknown as OverlayNamespace;
  const world = createOverlayWorld(namespace, options.initial);
  const handshakes: Record<string, unknown>[] = [];

  const server: FakeOverlayServer = {
    ...world,
    origin: '',
    handshakes,
    refuse: null,
    connectedCount: () => namespace.sockets.size,
    disconnectAll: () => {
      namespace.disconnectSockets(true);
    },
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }),
  };

  namespace.use((socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown>;
    handshakes.push({ ...auth });
    const refusal: ConnectErrorData | null =
      server.refuse ??
      (auth.token !== options.token ? { code: 'TOKEN_INVALID', message: 'Unknown overlay token' } : null);
    if (refusal) {
      next(Object.assign(new Error(refusal.message), { data: refusal }));
      return;
    }
    next();
  });
  namespace.on('connection', (socket) => world.snapshotTo(socket));

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  Object.assign(server, { origin: `http://127.0.0.1:${port}` });
  return server;
}
