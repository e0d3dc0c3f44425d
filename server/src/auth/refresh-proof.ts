// The proof of possession an ES256-paired module adds to POST /vtt/refresh-token: a short JWT signed by the
// module's own key (the one the connection is bound to), naming the connection and the refresh token it spends.
import { ProtocolError } from '@tumulte/schemas';
import { calculateJwkThumbprint, errors, importJWK, type JWK, jwtVerify } from 'jose';
import { sha256Base64Url } from './secrets.js';

export const REFRESH_PROOF = {
  typ: 'tumulte-refresh-proof+jwt',
  audience: 'tumulte:refresh',
  /** A proof lives at most a minute. */
  maxLifetimeSeconds: 60,
} as const;

export interface ProofExpectation {
  readonly connectionId: string;
  readonly refreshToken: string;
  readonly publicJwk: JWK;
  readonly keyThumbprint: string;
  readonly now?: number;
}

const invalid = (message: string, cause?: unknown) => new ProtocolError('TOKEN_INVALID', message, { cause });

export async function verifyRefreshProof(proof: string | undefined, expected: ProofExpectation): Promise<void> {
  if (!proof) throw invalid('This connection was paired with a key: the refresh needs a proof signed by it.');
  if ((await calculateJwkThumbprint(expected.publicJwk, 'sha256')) !== expected.keyThumbprint) {
    throw invalid('The stored key of this connection does not match its thumbprint.');
  }
  try {
    const key = await importJWK(expected.publicJwk, 'ES256');
    const { payload } = await jwtVerify(proof, key, {
      algorithms: ['ES256'],
      typ: REFRESH_PROOF.typ,
      audience: REFRESH_PROOF.audience,
      subject: expected.connectionId,
      requiredClaims: ['iat', 'exp', 'jti', 'rth'],
      maxTokenAge: REFRESH_PROOF.maxLifetimeSeconds + 5,
      clockTolerance: 5,
      ...(expected.now === undefined ? {} : { currentDate: new Date(expected.now) }),
    });
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') throw invalid('The proof has no lifetime.');
    if (payload.exp - payload.iat > REFRESH_PROOF.maxLifetimeSeconds) {
      throw invalid(`A refresh proof lives at most ${REFRESH_PROOF.maxLifetimeSeconds} seconds.`);
    }
    if (payload.rth !== sha256Base64Url(expected.refreshToken)) {
      throw invalid('The proof was made for another refresh token.');
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    if (error instanceof errors.JOSEError) throw invalid(`The refresh proof is not valid (${error.code}).`, error);
    throw invalid('The refresh proof is not valid.', error);
  }
}
