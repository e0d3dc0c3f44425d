// Session and refresh tokens of VTT connections. Refresh tokens are opaque, stored hashed and rotated on
// every use; presenting one that was already used revokes the whole connection (RFC 9700 reuse detection).
import { ProtocolError, type SessionTokens as SessionTokensBody, type TokenRefreshRequest } from '@tumulte/schemas';
import type { JWK } from 'jose';
import { verifyRefreshProof } from '../auth/refresh-proof.js';
import { hashToken, randomToken, TOKEN_PREFIX } from '../auth/secrets.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import type { ConnectionRow, Store, StoreTx } from '../store/store.js';

export type RevocationReason = 'revoked_by_user' | 'refresh_reuse';

/** Called after a connection was revoked (and committed), to tell and disconnect its sockets. */
export type RevocationListener = (connectionId: string, reason: RevocationReason) => void;

export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly sessions: SessionTokens,
    private readonly onRevoked: RevocationListener,
  ) {}

  /** Issues a session token and a fresh refresh token (stored hashed) for `connection`, inside `tx`. */
  async issue(tx: StoreTx, connection: ConnectionRow, now = Date.now()): Promise<SessionTokensBody> {
    const refreshToken = randomToken(TOKEN_PREFIX.refresh);
    await tx.insertRefreshToken({
      tokenHash: hashToken(refreshToken),
      connectionId: connection.id,
      createdAt: now,
      usedAt: null,
    });
    const session = await this.sessions.issue(connection.id, connection.keyThumbprint, now);
    return {
      connectionId: connection.id,
      sessionToken: session.token,
      sessionExpiresAt: session.expiresAt,
      refreshToken,
    };
  }

  /** POST /vtt/refresh-token. */
  async refresh(request: TokenRefreshRequest, now = Date.now()): Promise<SessionTokensBody> {
    const tokenHash = hashToken(request.refreshToken);
    const known = await this.store.transaction(async (tx) => ({
      connection: await tx.getConnection(request.connectionId),
      token: await tx.getRefreshToken(tokenHash),
    }));
    if (!known.connection || !known.token || known.token.connectionId !== known.connection.id) {
      throw new ProtocolError('TOKEN_INVALID', 'Unknown refresh token for this connection; pair again.');
    }
    const connection = known.connection;
    if (connection.revokedAt !== null) {
      throw new ProtocolError('CONNECTION_REVOKED', 'This connection was revoked; pair again.');
    }
    // Key-bound connections prove possession first, so a stolen old token alone cannot even trigger a revocation.
    if (connection.algorithm === 'ES256') {
      if (!connection.publicJwk || !connection.keyThumbprint) {
        throw new ProtocolError('TOKEN_INVALID', 'This connection has no key to check the proof with; pair again.');
      }
      await verifyRefreshProof(request.proof, {
        connectionId: connection.id,
        refreshToken: request.refreshToken,
        publicJwk: connection.publicJwk as JWK,
        keyThumbprint: connection.keyThumbprint,
        now,
      });
    }
    const outcome = await this.store.transaction(async (tx) => {
      const current = await tx.lockConnection(connection.id);
      if (!current || current.revokedAt !== null) return { kind: 'revoked' as const };
      if (!(await tx.markRefreshTokenUsed(tokenHash, now))) {
        await tx.revokeConnection(connection.id, 'refresh_reuse', now);
        return { kind: 'reused' as const };
      }
      return { kind: 'rotated' as const, tokens: await this.issue(tx, current, now) };
    });
    if (outcome.kind === 'revoked') {
      throw new ProtocolError('CONNECTION_REVOKED', 'This connection was revoked; pair again.');
    }
    if (outcome.kind === 'reused') {
      this.onRevoked(connection.id, 'refresh_reuse');
      throw new ProtocolError(
        'REFRESH_REUSED',
        'This refresh token was already used; the connection is revoked as a precaution. Pair again.',
      );
    }
    return outcome.tokens;
  }
}
