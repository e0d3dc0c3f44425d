// Authentication of a module's Socket.IO handshake on /vtt: `auth: {token, protocolVersion}`. A refusal is a
// `connect_error` whose `data` is the contract's ConnectErrorData ({code, message, supportedMajors?}).
import {
  type ConnectErrorData,
  ConnectErrorDataSchema,
  PROTOCOL_MAJOR,
  ProtocolError,
  VttHandshakeAuthSchema,
} from '@tumulte/schemas';
import type { SessionTokens } from '../auth/session-tokens.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import type { VttSocket } from './socket-data.js';

export const SUPPORTED_MAJORS: readonly number[] = [PROTOCOL_MAJOR];

export interface HandshakeDeps {
  readonly store: Store;
  readonly sessions: SessionTokens;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** The error Socket.IO turns into the client's `connect_error` (its `data` travels to the client). */
export function connectError(error: ProtocolError): Error & { data: ConnectErrorData } {
  const data: ConnectErrorData =
    error.code === 'PROTOCOL_UNSUPPORTED'
      ? { code: error.code, message: error.message, supportedMajors: [...SUPPORTED_MAJORS] }
      : { code: error.code, message: error.message };
  return Object.assign(new Error(error.message), { data: ConnectErrorDataSchema.parse(data) });
}

function majorOf(version: unknown): number | null {
  if (typeof version !== 'string') return null;
  const match = /^(\d+)\.\d+\.\d+$/.exec(version);
  return match ? Number(match[1]) : null;
}

async function authenticate(socket: VttSocket, deps: HandshakeDeps): Promise<void> {
  const auth: unknown = socket.handshake.auth;
  const version = (auth as { protocolVersion?: unknown } | null)?.protocolVersion;
  const major = majorOf(version);
  // The protocol first: an outdated module learns it must update, whatever its token.
  if (major === null || !SUPPORTED_MAJORS.includes(major)) {
    throw new ProtocolError(
      'PROTOCOL_UNSUPPORTED',
      `This server speaks protocol ${SUPPORTED_MAJORS.map((m) => `${m}.x`).join(', ')}; the client sent ${typeof version === 'string' ? version : 'no protocolVersion'}.`,
    );
  }
  const parsed = VttHandshakeAuthSchema.safeParse(auth);
  if (!parsed.success) {
    throw new ProtocolError('TOKEN_INVALID', 'Send auth: {token, protocolVersion} with your session token.');
  }
  const claims = await deps.sessions.verify(parsed.data.token);
  const connection = await deps.store.transaction((tx) => tx.getConnection(claims.connectionId));
  if (!connection) throw new ProtocolError('TOKEN_INVALID', 'This session belongs to no connection; pair again.');
  if (connection.revokedAt !== null) {
    throw new ProtocolError('CONNECTION_REVOKED', 'The streamer revoked this connection; pair again.');
  }
  socket.data = {
    connectionId: connection.id,
    accountId: connection.accountId,
    sessionExpiresAt: claims.expiresAt,
    protocolVersion: parsed.data.protocolVersion,
  };
}

export function vttHandshake(deps: HandshakeDeps) {
  return (socket: VttSocket, next: (error?: Error) => void): void => {
    authenticate(socket, deps).then(
      () => next(),
      (error: unknown) => {
        const refusal =
          error instanceof ProtocolError
            ? error
            : new ProtocolError('INTERNAL', 'The server could not check this session; retry later.');
        if (!(error instanceof ProtocolError)) deps.logger.error({ err: error }, 'vtt handshake failed');
        deps.metrics.reject(refusal.code, 'handshake');
        deps.logger.info({ code: refusal.code }, 'vtt handshake refused');
        next(connectError(refusal));
      },
    );
  };
}
