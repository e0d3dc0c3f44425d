// Builds the whole server in-process: store (migrated), server key, owner bootstrap, Fastify routes and the
// Socket.IO namespaces. The CLI and the tests both start the server through `buildServer`.
import { readFileSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { ProtocolError } from '@tumulte/schemas';
import { createVttEmitter } from '@tumulte/schemas/server';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { DestinationStream } from 'pino';
import { Server } from 'socket.io';
import { AccountService, SESSION_COOKIE } from './accounts/account-service.js';
import { ensureOwner, type FirstRun } from './accounts/owner-bootstrap.js';
import { DashboardAuth, isSameOrigin } from './auth/dashboard-auth.js';
import { loadOrCreateServerKey } from './auth/server-key.js';
import { SessionTokens } from './auth/session-tokens.js';
import { attachClusterAdapter, type ClusterMode } from './cluster-adapter.js';
import { type ConfigOverrides, resolveConfig, type ServerConfig } from './config.js';
import { ConnectionService } from './connections/connection-service.js';
import { PairingService } from './connections/pairing-service.js';
import { TokenService } from './connections/token-service.js';
import { registerAccountRoutes } from './http/account-routes.js';
import type { RouteDeps } from './http/contract-route.js';
import { installErrorHandling } from './http/error-handler.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { installHttpHardening } from './http/http-hardening.js';
import { registerOverlayRoutes } from './http/overlay-routes.js';
import { registerProtocolDocs, registerSchemaFiles } from './http/schema-files.js';
import { DEFAULT_UI_DIR, registerUiFiles } from './http/ui-files.js';
import { registerVttRoutes } from './http/vtt-routes.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { OverlayLinkService } from './overlays/overlay-link-service.js';
import { attachOverlayNamespace, type OverlayControl } from './overlays/overlay-namespace.js';
import { PollService } from './polls/poll-service.js';
import { openStore } from './store/open-store.js';
import type { OverlayEventRow, Store } from './store/store.js';
import { WriteBatcher } from './store/write-batcher.js';
import { attachVttNamespace, type VttControl } from './vtt/namespace.js';
import { transportLimit } from './vtt/payload-size.js';
import { connectionRoom } from './vtt/socket-data.js';

export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface BuildOptions {
  /** Where logs go (default stdout). Tests pass a stream to read them. */
  readonly logDestination?: DestinationStream;
  /** Prefix of the cluster adapter's Redis stream / PostgreSQL channel (default `tumulte`). */
  readonly clusterChannelPrefix?: string;
}

export type OverlayListener = (connectionId: string, rows: readonly OverlayEventRow[]) => void;

export interface TumulteServer {
  readonly config: ServerConfig;
  readonly app: FastifyInstance;
  readonly io: Server;
  readonly store: Store;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly cluster: ClusterMode;
  /** The owner's one-time credentials when this start created the owner account, else null. */
  readonly firstRun: FirstRun | null;
  readonly vtt: VttControl;
  readonly overlay: OverlayControl;
  readonly services: {
    readonly auth: DashboardAuth;
    readonly accounts: AccountService;
    readonly sessions: SessionTokens;
    readonly tokens: TokenService;
    readonly pairing: PairingService;
    readonly connections: ConnectionService;
    readonly overlayLinks: OverlayLinkService;
    readonly polls: PollService;
    readonly batcher: WriteBatcher;
  };
  /** Calls `listener` with the overlay events of every commit (after the commit); returns the unsubscribe. */
  onOverlayEvents(listener: OverlayListener): () => void;
  /** Listens on the configured host and port; resolves with the base URL (`http://127.0.0.1:3000`). */
  listen(): Promise<string>;
  /** Stops accepting, disconnects sockets, commits queued events, closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Builds a server from a complete config or from overrides of the defaults. */
export async function buildServer(
  configOrOverrides: ServerConfig | ConfigOverrides = {},
  options: BuildOptions = {},
): Promise<TumulteServer> {
  const config = resolveConfig(configOrOverrides as ConfigOverrides);
  const logger = createLogger(config.logLevel, options.logDestination);
  const metrics = new Metrics();
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onBackgroundError: (error) => logger.warn({ err: error }, 'database error in the background'),
  });
  try {
    return await assemble(config, options, logger, metrics, store);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

async function assemble(
  config: ServerConfig,
  options: BuildOptions,
  logger: Logger,
  metrics: Metrics,
  store: Store,
): Promise<TumulteServer> {
  const serverKey = await loadOrCreateServerKey(store);
  const firstRun = await ensureOwner(store);

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Requests are logged by route pattern in http-hardening.ts (raw URLs may carry overlay tokens).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.maxPayloadBytes,
    trustProxy: config.trustProxy,
  });
  installErrorHandling(app, logger, metrics);
  installHttpHardening(app, logger, metrics);
  await app.register(fastifyCookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ProtocolError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`),
  });

  const io = new Server(app.server, {
    transports: ['websocket'],
    // Events up to twice the limit are read and refused with PAYLOAD_TOO_LARGE; larger frames close the connection.
    maxHttpBufferSize: transportLimit(config.limits.maxPayloadBytes),
    serveClient: false,
    // OWASP: no per-message compression on sockets that carry untrusted input.
    perMessageDeflate: false,
  });
  const cluster = await attachClusterAdapter(
    io,
    {
      redisUrl: config.redisUrl,
      databaseUrl: config.databaseUrl,
      ...(options.clusterChannelPrefix ? { channelPrefix: options.clusterChannelPrefix } : {}),
    },
    logger,
  );

  const sessions = new SessionTokens(serverKey, config.sessionTtlSeconds);
  // Committed overlay events go to every listener (the /overlay namespace, tests); they are in the overlay log too.
  const overlayListeners = new Set<OverlayListener>();
  let stopping = false;
  const publishOverlay = (connectionId: string, rows: readonly OverlayEventRow[]) => {
    for (const listener of overlayListeners) listener(connectionId, rows);
  };
  const batcher = new WriteBatcher(store, {
    onCommitted: (connectionId, rows) => publishOverlay(connectionId, rows),
    onError: (error) => logger.error({ err: error }, 'could not store inbound events'),
    onBatch: (size) => metrics.ingestBatch.observe(size),
  });
  const vtt = attachVttNamespace({
    io,
    store,
    sessions,
    batcher,
    metrics,
    logger,
    config,
    serverVersion: SERVER_VERSION,
    clustered: cluster.mode !== 'single-node',
    onOverlayEvents: (connectionId, rows) => publishOverlay(connectionId, rows),
    onPresenceChange: (connectionId) => {
      if (stopping) return;
      overlay
        .refresh(connectionId)
        .catch((error: unknown) => logger.warn({ err: error }, 'could not refresh overlays'));
    },
  });
  const overlay = attachOverlayNamespace({
    io,
    store,
    metrics,
    logger,
    isModuleOnline: (connectionId) => vtt.isOnline(connectionId),
  });
  overlayListeners.add((connectionId, rows) => {
    if (stopping) return;
    overlay
      .publish(connectionId, rows)
      .catch((error: unknown) => logger.warn({ err: error }, 'could not update overlays'));
  });
  const onRevoked = (connectionId: string, reason: 'revoked_by_user' | 'refresh_reuse') => {
    logger.info({ connectionId, reason }, 'connection revoked');
    vtt.revoke(connectionId, reason);
    overlay.disconnectConnection(connectionId);
  };
  const auth = new DashboardAuth(store);
  const accounts = new AccountService(store, config.dashboardSessionTtlSeconds);
  auth.addResolver(async (request) => {
    const account = await accounts.fromCookie(request.cookies?.[SESSION_COOKIE]);
    if (account && !isSameOrigin(request)) {
      throw new ProtocolError('FORBIDDEN', 'The dashboard only accepts changes from its own pages.');
    }
    return account;
  });
  const tokens = new TokenService(store, sessions, onRevoked);
  const pairing = new PairingService(store, tokens, { waitMs: config.pairingWaitMs });
  const connections = new ConnectionService(store, vtt, onRevoked);
  const overlayLinks = new OverlayLinkService(store, connections, (overlayId) => overlay.disconnectLink(overlayId));
  const polls = new PollService(
    store,
    connections,
    {
      moduleStart: (connectionId, payload) =>
        createVttEmitter(vtt.namespace.to(connectionRoom(connectionId))).emit.pollStart(payload),
      moduleEnd: (connectionId, payload) =>
        createVttEmitter(vtt.namespace.to(connectionRoom(connectionId))).emit.pollEnd(payload),
      overlays: publishOverlay,
    },
    logger,
    { sweepIntervalMs: config.pollSweepIntervalMs },
  );

  const deps: RouteDeps = { auth, store, logger, validateResponses: config.validateResponses };
  registerHealthRoutes(app, deps, store, metrics, SERVER_VERSION);
  await registerSchemaFiles(app);
  registerProtocolDocs(app);
  registerVttRoutes(app, deps, { pairing, tokens, connections }, config);
  registerAccountRoutes(app, deps, accounts, config);
  registerOverlayRoutes(app, deps, overlayLinks, polls, config);
  const uiDir = config.uiDir === undefined ? DEFAULT_UI_DIR : config.uiDir;
  if (uiDir !== null && !(await registerUiFiles(app, uiDir))) {
    logger.warn(
      { uiDir },
      'the dashboard and overlay app is not built (npm run build -w overlay); serving the API only',
    );
  }
  await polls.resume();

  let closing: Promise<void> | null = null;
  app.addHook('preClose', async () => {
    // From here on nothing new is broadcast: the adapter and the database are about to close.
    stopping = true;
    vtt.stop();
    polls.stop();
    // Open websockets (of every namespace) would keep the HTTP server from closing.
    io.engine.close();
  });

  const server: TumulteServer = {
    config,
    app,
    io,
    store,
    logger,
    metrics,
    cluster: cluster.mode,
    firstRun,
    vtt,
    overlay,
    services: { auth, accounts, sessions, tokens, pairing, connections, overlayLinks, polls, batcher },
    onOverlayEvents(listener) {
      overlayListeners.add(listener);
      return () => overlayListeners.delete(listener);
    },
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      logger.info({ address, database: store.dialect, cluster: cluster.mode }, 'tumulte server listening');
      return address;
    },
    close() {
      closing ??= (async () => {
        await app.close();
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
        });
        await batcher.drain();
        await cluster.close();
        await store.close();
      })();
      return closing;
    },
  };
  return server;
}
