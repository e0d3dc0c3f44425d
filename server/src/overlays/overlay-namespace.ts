// The /overlay namespace: read-only. An overlay authenticates with its overlay token, receives `overlay:state`
// and then the public projection of every committed change of its connection, each with the world's `seq`.
// Overlays never emit: anything they send is refused.
import {
  NAMESPACES,
  OVERLAY_EVENTS,
  OverlayHandshakeAuthSchema,
  type OverlayOutboundPayloads,
  ProtocolError,
} from '@tumulte/schemas';
import {
  createOverlayEmitter,
  type OverlayEmitter,
  type OverlayNamespace,
  type OverlayServerSocket,
  overlayInboundMiddleware,
} from '@tumulte/schemas/server';
import type { Server } from 'socket.io';
import { hashToken } from '../auth/secrets.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { OverlayEventRow, Store } from '../store/store.js';
import { connectError, SUPPORTED_MAJORS } from '../vtt/handshake.js';
import { buildOverlayState } from './overlay-state.js';

interface OverlaySocketData {
  overlayId: string;
  connectionId: string;
}

type OverlaySocket = OverlayServerSocket<OverlaySocketData>;
type OverlayNs = OverlayNamespace<OverlaySocketData>;

export const overlayRoom = (connectionId: string) => `overlay:${connectionId}`;
const linkRoom = (overlayId: string) => `overlay-link:${overlayId}`;

export interface OverlayNamespaceDeps {
  readonly io: Server;
  readonly store: Store;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Whether the connection's VTT module is connected (on any node). */
  readonly isModuleOnline: (connectionId: string) => Promise<boolean>;
}

export interface OverlayControl {
  readonly namespace: OverlayNs;
  /** Sends committed overlay events to the connection's overlays (an `overlay:state` row sends a fresh snapshot). */
  publish(connectionId: string, rows: readonly OverlayEventRow[]): Promise<void>;
  /** Sends a fresh snapshot to the connection's overlays (the module came or went). */
  refresh(connectionId: string): Promise<void>;
  /** Disconnects the overlays using a revoked link (on every node). */
  disconnectLink(overlayId: string): void;
  /** Disconnects every overlay of a revoked VTT connection. */
  disconnectConnection(connectionId: string): void;
}

// The emitter method of each /overlay event name.
const METHODS = Object.fromEntries(Object.entries(OVERLAY_EVENTS).map(([method, name]) => [name, method])) as Record<
  string,
  keyof OverlayEmitter['emit']
>;

async function authenticate(socket: OverlaySocket, store: Store): Promise<void> {
  const auth: unknown = socket.handshake.auth;
  const version = (auth as { protocolVersion?: unknown } | null)?.protocolVersion;
  const major = typeof version === 'string' ? Number(/^(\d+)\.\d+\.\d+$/.exec(version)?.[1] ?? Number.NaN) : Number.NaN;
  if (!SUPPORTED_MAJORS.includes(major)) {
    throw new ProtocolError('PROTOCOL_UNSUPPORTED', 'This server does not speak this protocol version.');
  }
  const parsed = OverlayHandshakeAuthSchema.safeParse(auth);
  if (!parsed.success)
    throw new ProtocolError('TOKEN_INVALID', 'Send auth: {token, protocolVersion} with your overlay token.');
  const link = await store.transaction((tx) => tx.findOverlayLinkByHash(hashToken(parsed.data.token)));
  if (!link || link.revokedAt !== null)
    throw new ProtocolError('TOKEN_INVALID', 'This overlay link does not work (revoked?).');
  const connection = await store.transaction((tx) => tx.getConnection(link.connectionId));
  if (!connection) throw new ProtocolError('TOKEN_INVALID', 'This overlay link does not work.');
  if (connection.revokedAt !== null) {
    throw new ProtocolError('CONNECTION_REVOKED', 'The VTT connection of this overlay was revoked.');
  }
  socket.data = { overlayId: link.id, connectionId: link.connectionId };
}

export function attachOverlayNamespace(deps: OverlayNamespaceDeps): OverlayControl {
  const { store, logger, metrics } = deps;
  const namespace = deps.io.of(NAMESPACES.overlay) as unknown as OverlayNs;

  const snapshot = async (connectionId: string) =>
    store.transaction(async (tx) => buildOverlayState(tx, connectionId, await deps.isModuleOnline(connectionId)));

  namespace.use((socket: OverlaySocket, next) => {
    authenticate(socket, store).then(
      () => next(),
      (error: unknown) => {
        const refusal =
          error instanceof ProtocolError
            ? error
            : new ProtocolError('INTERNAL', 'The server could not check this link.');
        if (!(error instanceof ProtocolError)) logger.error({ err: error }, 'overlay handshake failed');
        metrics.reject(refusal.code, 'handshake');
        next(connectError(refusal));
      },
    );
  });

  namespace.on('connection', (socket: OverlaySocket) => {
    const { connectionId, overlayId } = socket.data;
    socket.use(
      overlayInboundMiddleware({
        onRejected: (_event, error) => metrics.reject(error.code, 'socket'),
      }),
    );
    // Join first, then read the snapshot: every change committed later reaches this socket with a larger seq
    // (the overlay ignores events at or below its snapshot's seq).
    void socket.join([overlayRoom(connectionId), linkRoom(overlayId)]);
    snapshot(connectionId).then(
      (state) => {
        if (state) createOverlayEmitter(socket).emit.overlayState(state);
      },
      (error: unknown) => {
        logger.error({ err: error, connectionId }, 'could not build an overlay snapshot');
        socket.disconnect(true);
      },
    );
  });

  const refresh = async (connectionId: string) => {
    const state = await snapshot(connectionId);
    if (state) createOverlayEmitter(namespace.to(overlayRoom(connectionId))).emit.overlayState(state);
  };

  return {
    namespace,
    refresh,
    async publish(connectionId, rows) {
      const emitter = createOverlayEmitter(namespace.to(overlayRoom(connectionId)));
      for (const row of rows) {
        if (row.event === OVERLAY_EVENTS.overlayState) {
          await refresh(connectionId);
          continue;
        }
        const method = METHODS[row.event];
        if (!method || method === 'overlayState') continue;
        const send = emitter.emit[method] as (payload: OverlayOutboundPayloads[keyof OverlayOutboundPayloads]) => void;
        send(row.payload as never);
      }
    },
    disconnectLink(overlayId) {
      namespace.in(linkRoom(overlayId)).disconnectSockets(true);
    },
    disconnectConnection(connectionId) {
      namespace.in(overlayRoom(connectionId)).disconnectSockets(true);
    },
  };
}
