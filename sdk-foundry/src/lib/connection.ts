import {
  type EventAck,
  HTTP_ROUTES,
  NAMESPACES,
  type PollEndPayload,
  type PollStartPayload,
  PROTOCOL_VERSION,
  ProtocolError,
  type QueryCharactersReply,
  tolerant,
} from '@tumulte/schemas';
import { createVttClient, type VttClient, type VttClientSocket } from '@tumulte/schemas/client';
import type { BrowserEnv } from '../env.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { NetworkError, normalizeServerUrl, requestJson, serverUrlFor } from './http.js';
import type { KeyStore } from './key-store.js';
import { log } from './log.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import { createRefreshProof } from './pairing-token.js';
import { jsonBytes, TokenBucket } from './rate.js';
import type { StoredSession, TokenStore } from './token-store.js';

export type ConnectionState =
  | 'unpaired'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'revoked'
  | 'unsupported'
  | 'stopped';

export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** Round trip of the last acknowledged event or heartbeat, in ms. */
  readonly latencyMs: number | null;
  readonly queued: number;
  readonly connectionId: string | null;
  /** When the next reconnection attempt happens (ms since epoch), while reconnecting. */
  readonly nextRetryAt: number | null;
  readonly attempts: number;
}

export interface ServerEventHandlers {
  pollStart(payload: PollStartPayload): void;
  pollEnd(payload: PollEndPayload): void;
  queryCharacters(): QueryCharactersReply | Promise<QueryCharactersReply>;
  /** Builds the `campaign:sync` queued after every successful connection (so it lands after older events). */
  onConnected(): void;
  onRevoked(reason: 'revoked' | 'invalid', message: string): void;
  onUnsupported(message: string): void;
}

export interface ConnectionOptions {
  readonly backoff?: BackoffOptions;
  /** How many events may wait for their acknowledgement at once (they are emitted in order). */
  readonly window?: number;
  readonly ackTimeoutMs?: number;
  /** Refresh the session this long before it expires. */
  readonly refreshMarginMs?: number;
}

/** What an acknowledgement means for the queued event. */
export type AckOutcome = 'delivered' | 'dropped' | 'retry';

export function ackOutcome(ack: EventAck | undefined): AckOutcome {
  if (!ack) return 'retry';
  if (ack.ok) return 'delivered';
  // Retrying a payload the server calls invalid cannot help (EventAck description in the contract).
  return ack.error.code === 'VALIDATION' || ack.error.code === 'PAYLOAD_TOO_LARGE' ? 'dropped' : 'retry';
}

/**
 * The module's link to the server's /vtt namespace: connects with the session token and the protocol version,
 * reconnects with backoff (never gives up), refreshes the session on TOKEN_EXPIRED, flushes the outbox in order,
 * answers heartbeat pings and hands server events to the module. Socket.IO's own reconnection is off: a refused
 * handshake (expired token) needs a new token before the next attempt, which its loop cannot do.
 */
export class Connection {
  private socket: VttClientSocket | null = null;
  private client: VttClient | null = null;
  private state: ConnectionState = 'stopped';
  private latencyMs: number | null = null;
  private retryHandle: unknown = null;
  private nextRetryAt: number | null = null;
  private flushing = false;
  /** The last batch had an event to send again: the next ones carry one event until one is accepted. */
  private probing = false;
  private refreshing: Promise<StoredSession | null> | null = null;
  private refreshedSinceConnect = false;
  private readonly backoff: Backoff;
  /** Pauses between flush retries after a refused acknowledgement (separate from reconnection attempts). */
  private readonly flushBackoff: Backoff;
  private readonly listeners = new Set<(status: ConnectionStatus) => void>();
  private readonly window: number;
  /** The server's limits (defaults until `connection:ready` says otherwise: the contract's example values). */
  private maxPayloadBytes = 65_536;
  private readonly bucket: TokenBucket;

  constructor(
    private readonly browser: BrowserEnv,
    private readonly tokens: TokenStore,
    private readonly keys: KeyStore,
    private readonly outbox: Outbox,
    private readonly serverUrl: () => string,
    private readonly handlers: ServerEventHandlers,
    private readonly options: ConnectionOptions = {},
  ) {
    this.backoff = new Backoff(browser.random, options.backoff);
    this.flushBackoff = new Backoff(browser.random, options.backoff);
    this.window = Math.max(1, options.window ?? 8);
    this.bucket = new TokenBucket(browser.now, 45, 180);
  }

  /** The largest event the server accepts (from `connection:ready`). */
  get payloadLimit(): number {
    return this.maxPayloadBytes;
  }

  get status(): ConnectionStatus {
    return {
      state: this.state,
      latencyMs: this.latencyMs,
      queued: this.outbox.size,
      connectionId: this.tokens.load()?.connectionId ?? null,
      nextRetryAt: this.nextRetryAt,
      attempts: this.backoff.attempts,
    };
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects when a session is stored; otherwise waits in `unpaired`. */
  start(): void {
    if (this.state === 'connecting' || this.state === 'connected' || this.state === 'reconnecting') return;
    const session = this.tokens.load();
    if (!session || normalizeServerUrl(session.serverUrl) !== normalizeServerUrl(this.serverUrl())) {
      this.setState('unpaired');
      return;
    }
    this.backoff.reset();
    this.setState('connecting');
    void this.attempt();
  }

  /** Closes the socket and stops retrying (the outbox keeps its events). */
  stop(): void {
    this.cancelRetry();
    this.teardownSocket();
    this.setState('stopped');
  }

  /** New events were queued: send them if connected. */
  kick(): void {
    this.emitStatus();
    if (this.state === 'connected') void this.flush();
  }

  /** Forgets the session and the key pair (revocation, or the GM unpairs). */
  async forget(): Promise<void> {
    this.tokens.clear();
    this.outbox.clear();
    await this.keys.delete().catch((error: unknown) => log.warn('could not delete the key pair', error));
  }

  // ----- connecting ------------------------------------------------------------------------------------

  private async attempt(): Promise<void> {
    this.nextRetryAt = null;
    let session = this.tokens.load();
    if (!session) {
      this.setState('unpaired');
      return;
    }
    if (session.sessionExpiresAt - (this.options.refreshMarginMs ?? 30_000) <= this.browser.now()) {
      session = await this.refresh();
      if (!session) return; // refresh scheduled a retry or revoked the connection
    }
    if (this.isHalted()) return;
    const socket = this.ensureSocket(session.serverUrl);
    socket.connect();
  }

  private ensureSocket(serverUrl: string): VttClientSocket {
    if (this.socket) return this.socket;
    const socket = this.browser.io(`${normalizeServerUrl(serverUrl)}${NAMESPACES.vtt}`, {
      transports: ['websocket'],
      reconnection: false,
      autoConnect: false,
      forceNew: true,
      // Read at every handshake, so a refreshed token is used by the next attempt.
      auth: (callback) =>
        callback({ token: this.tokens.load()?.sessionToken ?? '', protocolVersion: PROTOCOL_VERSION }),
    }) as VttClientSocket;
    const client = createVttClient(socket, {
      ackTimeoutMs: this.options.ackTimeoutMs ?? 10_000,
      onInvalid: (event, error) => log.warn(`ignoring an unreadable ${event} from the server`, error.issues),
      onHandlerError: (event, error) => log.error(`handling ${event} failed`, error),
    });
    socket.on('connect', () => this.onConnect());
    socket.on('connect_error', (error) => void this.onConnectError(error));
    socket.on('disconnect', (reason) => this.onDisconnect(reason));
    client.on.connectionReady((ready) => {
      log.info(`connected as ${ready.connectionId} (server ${ready.serverVersion})`);
      this.maxPayloadBytes = ready.limits.maxPayloadBytes;
      // Stay a little under the server's rate so a long queue never runs into RATE_LIMITED.
      this.bucket.configure(
        ready.limits.eventsPerSecond * 0.9,
        Math.max(1, Math.floor(ready.limits.eventsBurst * 0.9)),
      );
    });
    client.on.heartbeatPing((ping) => {
      const receivedAt = this.browser.now();
      this.latencyMs = Math.max(0, receivedAt - ping.sentAt);
      this.emitStatus();
      return { sentAt: ping.sentAt, receivedAt: Math.max(receivedAt, 0), queuedEvents: this.outbox.size };
    });
    client.on.pollStart((payload) => this.handlers.pollStart(payload));
    client.on.pollEnd((payload) => this.handlers.pollEnd(payload));
    client.on.queryCharacters(() => this.handlers.queryCharacters());
    client.on.connectionRevoked((payload) => void this.revoke('revoked', payload.message));
    this.socket = socket;
    this.client = client;
    return socket;
  }

  private onConnect(): void {
    this.backoff.reset();
    this.refreshedSinceConnect = false;
    this.setState('connected');
    try {
      this.handlers.onConnected();
    } catch (error) {
      log.error('building the campaign sync failed', error);
    }
    void this.flush();
  }

  private async onConnectError(error: Error & { data?: unknown }): Promise<void> {
    const parsed = tolerant.ConnectErrorDataSchema.safeParse(error.data);
    const code = parsed.success ? parsed.data.code : null;
    switch (code) {
      case 'TOKEN_EXPIRED': {
        if (this.refreshedSinceConnect) {
          // A fresh token was refused as expired: the clocks disagree or the server is confused; back off.
          this.scheduleRetry();
          return;
        }
        const session = await this.refresh();
        if (session && !this.isHalted()) this.ensureSocket(session.serverUrl).connect();
        return;
      }
      case 'TOKEN_INVALID':
      case 'CONNECTION_REVOKED':
        await this.revoke(code === 'TOKEN_INVALID' ? 'invalid' : 'revoked', parsed.success ? parsed.data.message : '');
        return;
      case 'PROTOCOL_UNSUPPORTED':
        this.cancelRetry();
        this.teardownSocket();
        this.setState('unsupported');
        this.handlers.onUnsupported(parsed.success ? parsed.data.message : '');
        return;
      default:
        log.debug('connection failed', error.message);
        this.scheduleRetry();
    }
  }

  private onDisconnect(reason: string): void {
    if (this.state === 'revoked' || this.state === 'stopped' || this.state === 'unsupported') return;
    if (reason === 'io client disconnect') return;
    log.info(`disconnected (${reason}); reconnecting`);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.isHalted()) return;
    this.cancelRetry();
    const delay = this.backoff.next();
    this.nextRetryAt = this.browser.now() + delay;
    this.setState('reconnecting');
    this.retryHandle = this.browser.timers.setTimeout(() => {
      this.retryHandle = null;
      void this.attempt();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryHandle !== null) this.browser.timers.clearTimeout(this.retryHandle);
    this.retryHandle = null;
    this.nextRetryAt = null;
  }

  private isHalted(): boolean {
    return (
      this.state === 'revoked' || this.state === 'stopped' || this.state === 'unsupported' || this.state === 'unpaired'
    );
  }

  private teardownSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.client = null;
    if (!socket) return;
    socket.removeAllListeners();
    socket.disconnect();
  }

  // ----- tokens ----------------------------------------------------------------------------------------

  /** One refresh at a time: refresh tokens rotate, and presenting one twice revokes the connection. */
  private refresh(): Promise<StoredSession | null> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<StoredSession | null> {
    const session = this.tokens.load();
    if (!session) {
      this.setState('unpaired');
      return null;
    }
    try {
      const pair = await this.keys.load();
      const body: Record<string, string> = { connectionId: session.connectionId, refreshToken: session.refreshToken };
      if (pair)
        body.proof = await createRefreshProof(
          session.connectionId,
          session.refreshToken,
          pair.privateKey,
          this.browser.now(),
        );
      const route = HTTP_ROUTES['POST /vtt/refresh-token'];
      const tokens = await requestJson(
        this.browser.fetch,
        serverUrlFor(session.serverUrl, route.path),
        { method: 'POST', body },
        tolerant.SessionTokensSchema,
      );
      const next: StoredSession = {
        serverUrl: session.serverUrl,
        connectionId: tokens.connectionId,
        sessionToken: tokens.sessionToken,
        sessionExpiresAt: tokens.sessionExpiresAt,
        refreshToken: tokens.refreshToken,
      };
      // Saved before anything else: the old refresh token is now spent.
      this.tokens.save(next);
      this.refreshedSinceConnect = true;
      return next;
    } catch (error) {
      if (
        error instanceof ProtocolError &&
        error.code !== 'RATE_LIMITED' &&
        error.code !== 'INTERNAL' &&
        error.code !== 'STORAGE_UNAVAILABLE'
      ) {
        await this.revoke(
          error.code === 'CONNECTION_REVOKED' || error.code === 'REFRESH_REUSED' ? 'revoked' : 'invalid',
          error.message,
        );
        return null;
      }
      log.warn('refreshing the session failed; retrying later', error instanceof NetworkError ? error.message : error);
      this.scheduleRetry();
      return null;
    }
  }

  private async revoke(reason: 'revoked' | 'invalid', message: string): Promise<void> {
    if (this.state === 'revoked') return;
    this.cancelRetry();
    this.setState('revoked');
    this.teardownSocket();
    await this.forget();
    this.emitStatus();
    this.handlers.onRevoked(reason, message);
  }

  // ----- outbox ----------------------------------------------------------------------------------------

  /**
   * Sends queued events in order, `window` at a time (emitted in order on one socket, so the server receives
   * them in order). Delivered and invalid events leave the outbox; anything else stays and is retried.
   */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.state === 'connected' && this.client && this.socket?.connected) {
        // After a refusal, one event at a time until one goes through: the server may accept the next events of a
        // window a moment after refusing the first (its database came back), and they would be stored before it.
        const pending = this.outbox.nextBatch(this.probing ? 1 : this.window);
        if (pending.length === 0) break;
        const allowed = this.bucket.available(pending.length);
        if (allowed === 0) {
          await new Promise<void>((resolve) => this.browser.timers.setTimeout(() => resolve(), this.bucket.waitMs()));
          continue;
        }
        const batch = pending.slice(0, allowed);
        this.bucket.take(batch.length);
        const client = this.client;
        const startedAt = this.browser.now();
        const results = await Promise.all(batch.map((entry) => this.send(client, entry)));
        this.latencyMs = Math.max(0, this.browser.now() - startedAt);
        let failed = false;
        for (const [index, entry] of batch.entries()) {
          const outcome = results[index];
          this.outbox.markInFlight(entry.eventId, false);
          if (outcome === 'delivered' || outcome === 'dropped') this.outbox.remove(entry.eventId);
          else failed = true;
        }
        this.emitStatus();
        this.probing = failed;
        if (failed) {
          // The server refused for now (rate limit, storage down, timeout): give it a moment, keep the order.
          if (this.state === 'connected')
            this.browser.timers.setTimeout(() => void this.flush(), this.flushBackoff.next());
          break;
        }
        this.flushBackoff.reset();
      }
    } finally {
      this.flushing = false;
    }
  }

  private async send(client: VttClient, entry: OutboxEntry): Promise<AckOutcome> {
    if (jsonBytes(entry.payload) > this.maxPayloadBytes) {
      // Emitting it would make the server close the connection, again at every retry.
      log.warn(`dropping ${entry.event} ${entry.eventId}: larger than the server's ${this.maxPayloadBytes} bytes`);
      return 'dropped';
    }
    this.outbox.markInFlight(entry.eventId, true);
    try {
      const ack = (await client.send(entry.event, entry.payload as never)) as EventAck;
      const outcome = ackOutcome(ack);
      if (outcome === 'dropped' && !ack.ok) log.warn(`the server refused ${entry.event} ${entry.eventId}`, ack.error);
      return outcome;
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'VALIDATION') {
        log.error(`dropping ${entry.event} ${entry.eventId}: it does not match the contract`, error.issues);
        return 'dropped';
      }
      return 'retry';
    }
  }

  // ----- status ----------------------------------------------------------------------------------------

  private setState(state: ConnectionState): void {
    this.state = state;
    this.emitStatus();
  }

  private emitStatus(): void {
    const status = this.status;
    for (const listener of this.listeners) listener(status);
  }
}
