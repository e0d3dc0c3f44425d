// The /vtt namespace: handshake auth, `connection:ready`, the generated handler stub with a per-socket rate
// limit, heartbeat, session expiry, and the server-side actions on modules (revoke, query:characters).
import {
  NAMESPACES,
  PROTOCOL_VERSION,
  ProtocolError,
  type QueryCharactersReply,
  type RevocationReason,
} from '@tumulte/schemas';
import { createVttEmitter, createVttSocketEmitter, registerVttHandlers } from '@tumulte/schemas/server';
import type { Server } from 'socket.io';
import type { SessionTokens } from '../auth/session-tokens.js';
import type { ServerConfig } from '../config.js';
import type { CharacterQuery, Presence } from '../connections/connection-service.js';
import { refreshCharacters } from '../game/apply-event.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { storableText } from '../store/storable-text.js';
import type { OverlayEventRow, Store } from '../store/store.js';
import type { WriteBatcher } from '../store/write-batcher.js';
import { createVttHandlers } from './handlers.js';
import { vttHandshake } from './handshake.js';
import { startHeartbeat } from './heartbeat.js';
import { payloadSizeLimit } from './payload-size.js';
import { ConnectionRateLimits } from './rate-limiter.js';
import { connectionRoom, type VttNs, type VttSocket } from './socket-data.js';

export interface VttNamespaceDeps {
  readonly io: Server;
  readonly store: Store;
  readonly sessions: SessionTokens;
  readonly batcher: WriteBatcher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly config: ServerConfig;
  readonly serverVersion: string;
  /** True when other nodes share this namespace through a cluster adapter. */
  readonly clustered: boolean;
  /** Called when a module socket of a connection joins or leaves (overlays show whether the VTT is online). */
  readonly onPresenceChange?: (connectionId: string) => void;
  /** Called with overlay events produced outside the write batcher (query:characters answers). */
  readonly onOverlayEvents: (connectionId: string, rows: readonly OverlayEventRow[]) => void;
}

export interface VttControl extends Presence, CharacterQuery {
  readonly namespace: VttNs;
  /** Whether a module socket of the connection is connected (on any node). */
  isOnline(connectionId: string): Promise<boolean>;
  /** Shutting down: stop asking other nodes (the cluster adapter is about to close). */
  stop(): void;
  /** Tells the connection's modules they are revoked, then disconnects them (on every node). */
  revoke(connectionId: string, reason: RevocationReason): void;
}

/** Server-to-server message (never sent to clients): revoke a connection's sockets on this node. */
const REVOKE_ON_NODE = 'tumulte:revoke-connection';

const REVOCATION_MESSAGES: Record<RevocationReason, string> = {
  revoked_by_user: 'The streamer disconnected this world from Tumulte.',
  refresh_reuse: 'A refresh token was used twice; this connection was revoked as a precaution. Pair again.',
};

export function attachVttNamespace(deps: VttNamespaceDeps): VttControl {
  const { config, metrics, logger, store } = deps;
  const namespace = deps.io.of(NAMESPACES.vtt) as unknown as VttNs;
  const handlers = createVttHandlers(deps.batcher, metrics);
  let stopped = false;

  /** This node's module sockets of a connection. */
  const localSockets = (connectionId: string): VttSocket[] => {
    const ids = namespace.adapter.rooms.get(connectionRoom(connectionId)) ?? new Set<string>();
    return [...ids].flatMap((id) => {
      const socket = namespace.sockets.get(id);
      return socket ? [socket] : [];
    });
  };
  const revokeLocally = (connectionId: string, reason: RevocationReason) => {
    for (const socket of localSockets(connectionId)) {
      createVttSocketEmitter(socket).emit.connectionRevoked({ reason, message: REVOCATION_MESSAGES[reason] });
      // `true` closes the transport once the revocation above is flushed.
      socket.disconnect(true);
    }
  };
  // Other nodes apply a revocation to their own sockets: one message, so the notice always precedes the
  // disconnection (two broadcasts could overtake each other through the PostgreSQL adapter).
  namespace.on(REVOKE_ON_NODE, (connectionId: unknown, reason: unknown) => {
    if (typeof connectionId === 'string' && (reason === 'revoked_by_user' || reason === 'refresh_reuse')) {
      revokeLocally(connectionId, reason);
    }
  });
  const revoke = (connectionId: string, reason: RevocationReason) => {
    revokeLocally(connectionId, reason);
    if (deps.clustered) namespace.serverSideEmit(REVOKE_ON_NODE, connectionId, reason);
  };

  namespace.use(vttHandshake({ store, sessions: deps.sessions, metrics, logger }));

  const rateLimits = new ConnectionRateLimits(config.limits.eventsPerSecond, config.limits.eventsBurst);

  namespace.on('connection', (socket: VttSocket) => {
    const { connectionId } = socket.data;
    const log = logger.child({ connectionId, socketId: socket.id });
    const bucket = rateLimits.acquire(connectionId);
    // Registered synchronously, before any packet of this socket can be read. The size check runs first.
    socket.use(
      payloadSizeLimit(config.limits.maxPayloadBytes, (event) => {
        metrics.events.inc({ event, result: 'rejected' });
        metrics.reject('PAYLOAD_TOO_LARGE', 'socket');
      }),
    );
    registerVttHandlers(socket, handlers, {
      guard: () =>
        bucket.take() ? null : new ProtocolError('RATE_LIMITED', 'Too many events; slow down and retry later.'),
      onRejected: (event, error) => {
        metrics.events.inc({ event, result: 'rejected' });
        metrics.reject(error.code, 'socket');
        log.debug({ event, code: error.code }, 'event refused');
      },
      onHandlerError: (event, error) => log.error({ event, err: error }, 'event handler failed'),
    });
    void socket.join(connectionRoom(connectionId));
    metrics.vttSockets.inc();
    deps.onPresenceChange?.(connectionId);
    log.info('module connected');

    const stopHeartbeat = startHeartbeat(socket, {
      intervalMs: config.heartbeat.intervalMs,
      timeoutMs: config.heartbeat.timeoutMs,
      onPong: (latencyMs, pong) => {
        metrics.heartbeatLatency.observe(latencyMs / 1000);
        void store
          .transaction((tx) => tx.recordHeartbeat(connectionId, Date.now(), latencyMs, pong.queuedEvents))
          .catch((error: unknown) => log.warn({ err: error }, 'could not record heartbeat'));
      },
      onTimeout: () => {
        log.info('module stopped answering heartbeats; disconnecting');
        socket.disconnect(true);
      },
    });
    // A session ends with its token: the module refreshes and reconnects (OWASP: re-validate long sockets).
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, socket.data.sessionExpiresAt - Date.now()));

    socket.on('disconnect', (reason) => {
      stopHeartbeat();
      clearTimeout(expiry);
      rateLimits.release(connectionId);
      metrics.vttSockets.dec();
      log.info({ reason }, 'module disconnected');
      deps.onPresenceChange?.(connectionId);
      void store
        .transaction((tx) => tx.touchConnection(connectionId, Date.now()))
        .catch((error: unknown) => log.warn({ err: error }, 'could not record last seen'));
    });

    createVttSocketEmitter(socket).emit.connectionReady({
      connectionId,
      protocolVersion: PROTOCOL_VERSION,
      serverVersion: deps.serverVersion,
      limits: { ...config.limits },
      heartbeat: { ...config.heartbeat },
    });

    // A revocation committed between the handshake and the join above missed this socket: check again.
    void store
      .transaction(async (tx) => {
        const connection = await tx.getConnection(connectionId);
        if (connection && connection.revokedAt === null) await tx.touchConnection(connectionId, Date.now());
        return connection;
      })
      .then(
        (connection) => {
          if (connection && connection.revokedAt === null) return;
          revoke(connectionId, connection?.revokeReason === 'refresh_reuse' ? 'refresh_reuse' : 'revoked_by_user');
        },
        (error: unknown) => log.warn({ err: error }, 'could not re-check the connection'),
      );
  });

  return {
    namespace,
    revoke,
    async isOnline(connectionId) {
      if (stopped) return localSockets(connectionId).length > 0;
      return (await namespace.in(connectionRoom(connectionId)).fetchSockets()).length > 0;
    },
    stop() {
      stopped = true;
    },
    async onlineConnectionIds() {
      const sockets = stopped ? [...namespace.sockets.values()] : await namespace.fetchSockets();
      return new Set(sockets.map((socket) => socket.data.connectionId));
    },
    async queryCharacters(connectionId) {
      const requestedAt = Date.now();
      // To the connection's room: the module may be connected to another node.
      const room = createVttEmitter(namespace.in(connectionRoom(connectionId)));
      let replies: QueryCharactersReply[];
      try {
        replies = await room.gather.queryCharacters({ requestedAt }, config.queryTimeoutMs);
      } catch (error) {
        logger.warn({ connectionId, err: error }, 'query:characters got no valid answer');
        throw new ProtocolError(
          'CONFLICT',
          'The VTT module did not answer in time (or answered something that is not the contract). Retry.',
        );
      }
      const reply = replies.find((answer) => answer.ok) ?? replies[0];
      if (!reply) {
        throw new ProtocolError(
          'CONFLICT',
          'The VTT module of this connection is not connected: open the world in the VTT as its GM.',
        );
      }
      if (!reply.ok) throw new ProtocolError('CONFLICT', `The VTT module could not answer: ${reply.error.message}`);
      const characters = storableText(reply.characters);
      const rows = await store.transaction((tx) => refreshCharacters(tx, connectionId, characters, requestedAt));
      if (rows.length > 0) deps.onOverlayEvents(connectionId, rows);
      return { characters, requestedAt };
    },
  };
}
