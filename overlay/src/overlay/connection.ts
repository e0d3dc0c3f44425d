import { type ErrorCode, PROTOCOL_VERSION, tolerant } from '@tumulte/schemas';
import { createOverlayClient, type OverlayClientSocket } from '@tumulte/schemas/client';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { type Ref, ref } from 'vue';
import type { OverlayStore } from './store';

/** Codes that retrying cannot fix: the link was revoked or is wrong, or the protocol is not served. */
export const FATAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'CONNECTION_REVOKED',
  'PROTOCOL_UNSUPPORTED',
  'UNAUTHORIZED',
  'FORBIDDEN',
]);

export type ConnectionStatus = 'connecting' | 'live' | 'retrying' | 'stopped';

export interface OverlayConnection {
  readonly status: Ref<ConnectionStatus>;
  /** Why the overlay stopped for good, when it did. */
  readonly fatal: Ref<ErrorCode | null>;
  close(): void;
}

export type SocketFactory = (url: string, options: Partial<ManagerOptions & SocketOptions>) => OverlayClientSocket;

export interface ConnectOptions {
  readonly token: string;
  readonly store: OverlayStore;
  /** The server's origin (this page's by default). */
  readonly origin?: string;
  readonly socketFactory?: SocketFactory;
  /** Delay before the n-th retry after a refused handshake (socket.io-client does not retry those itself). */
  readonly retryDelayMs?: (attempt: number) => number;
}

const defaultRetryDelay = (attempt: number) => Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);

/**
 * Connects an overlay to `/overlay` with the generated client: every (re)connection sends the last `seq` seen and
 * gets a fresh `overlay:state`; live events go to the store. Network drops are retried by socket.io-client;
 * refusals with a transient code (rate limit, storage down…) and server-side disconnects are retried here with
 * a growing delay; TOKEN_INVALID, CONNECTION_REVOKED and the like stop the overlay.
 */
export function connectOverlay(options: ConnectOptions): OverlayConnection {
  const status = ref<ConnectionStatus>('connecting');
  const fatal = ref<ErrorCode | null>(null);
  const { store } = options;
  const factory: SocketFactory = options.socketFactory ?? ((url, socketOptions) => io(url, socketOptions));
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const origin = options.origin ?? location.origin;

  const socket = factory(new URL('/overlay', origin).href, {
    transports: ['websocket'],
    reconnectionDelay: 1000,
    reconnectionDelayMax: 30_000,
    auth: (send: (auth: object) => void) => {
      const lastSeq = store.lastSeq;
      send(
        lastSeq === undefined
          ? { token: options.token, protocolVersion: PROTOCOL_VERSION }
          : { token: options.token, protocolVersion: PROTOCOL_VERSION, lastSeq },
      );
    },
  });
  const client = createOverlayClient(socket, {
    onInvalid: (event, error) => console.warn(`[tumulte] ignored an unreadable ${event}`, error.issues),
  });

  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const retry = () => {
    if (closed || retryTimer !== null) return;
    status.value = 'retrying';
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!closed) socket.connect();
    }, retryDelay(attempt));
    attempt += 1;
  };

  const stop = (code: ErrorCode) => {
    fatal.value = code;
    status.value = 'stopped';
    close();
  };

  const close = () => {
    closed = true;
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
    socket.disconnect();
  };

  socket.on('connect', () => {
    attempt = 0;
    status.value = 'live';
  });
  socket.on('connect_error', (error: Error) => {
    const data = tolerant.ConnectErrorDataSchema.safeParse((error as { data?: unknown }).data);
    if (data.success && FATAL_CODES.has(data.data.code)) {
      stop(data.data.code);
      return;
    }
    if (socket.active) status.value = 'retrying';
    else retry();
  });
  socket.on('disconnect', (reason) => {
    if (closed) return;
    // The server closed the socket (restart, revoked link): reconnect; a revoked link is refused and stops.
    if (reason === 'io server disconnect') retry();
    else status.value = 'retrying';
  });

  client.on.overlayState((payload) => store.applySnapshot(payload));
  client.on.diceRoll((payload) => store.diceRoll(payload.seq, payload.roll));
  client.on.characterUpdate((payload) => store.characterUpdate(payload.seq, payload.character));
  client.on.characterDelete((payload) => store.characterDelete(payload.seq, payload.vttCharacterId));
  client.on.combatUpdate((payload) => store.combatUpdate(payload.seq, payload.combat));
  client.on.combatEnd((payload) => store.combatEnd(payload.seq, payload.combatId));
  client.on.pollStart((payload) => store.poll(payload.seq, payload.poll));
  client.on.pollUpdate((payload) => store.poll(payload.seq, payload.poll));
  client.on.pollEnd((payload) => store.poll(payload.seq, payload.poll));

  return { status, fatal, close };
}
