// Session tokens of VTT modules: JWTs (ES256, 15 minutes) signed with the server key. Their type, audience
// and issuer differ from every other token here, so a pairing token (or anything else) is never accepted as a
// session token (RFC 8725 §3.11-3.12).
import { ProtocolError } from '@tumulte/schemas';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ulid } from 'ulid';
import type { ServerKey } from './server-key.js';

export const SESSION_TOKEN = {
  typ: 'tumulte-session+jwt',
  issuer: 'tumulte:server',
  audience: 'tumulte:vtt',
} as const;

export interface SessionToken {
  readonly token: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

export interface SessionClaims {
  readonly connectionId: string;
  readonly expiresAt: number;
}

export class SessionTokens {
  constructor(
    private readonly key: ServerKey,
    private readonly ttlSeconds: number,
  ) {}

  async issue(connectionId: string, keyThumbprint: string | null, now = Date.now()): Promise<SessionToken> {
    const iat = Math.floor(now / 1000);
    const exp = iat + this.ttlSeconds;
    const jwt = new SignJWT(keyThumbprint ? { cnf: { jkt: keyThumbprint } } : {})
      .setProtectedHeader({ alg: 'ES256', typ: SESSION_TOKEN.typ, kid: this.key.kid })
      .setIssuer(SESSION_TOKEN.issuer)
      .setAudience(SESSION_TOKEN.audience)
      .setSubject(connectionId)
      .setJti(ulid(now))
      .setIssuedAt(iat)
      .setExpirationTime(exp);
    return { token: await jwt.sign(this.key.privateKey), expiresAt: exp * 1000 };
  }

  /** The connection a session token is for; TOKEN_EXPIRED or TOKEN_INVALID otherwise. */
  async verify(token: string): Promise<SessionClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        algorithms: ['ES256'],
        typ: SESSION_TOKEN.typ,
        issuer: SESSION_TOKEN.issuer,
        audience: SESSION_TOKEN.audience,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
        throw new ProtocolError('TOKEN_INVALID', 'The session token has no subject.');
      }
      return { connectionId: payload.sub, expiresAt: payload.exp * 1000 };
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      if (error instanceof errors.JWTExpired) {
        throw new ProtocolError('TOKEN_EXPIRED', 'The session token expired; refresh it and reconnect.');
      }
      throw new ProtocolError('TOKEN_INVALID', 'The session token is not valid.', { cause: error });
    }
  }
}
