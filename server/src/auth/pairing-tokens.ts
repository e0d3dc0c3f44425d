// Pairing tokens: the JWT a VTT module signs to ask for a connection (DESIGN §4). Two algorithms, pinned:
// - ES256 with the module's own key pair, the public key embedded as `jwk` in the header; the connection is
//   bound to the key's RFC 7638 thumbprint.
// - HS256 with the account's pairing secret (the HMAC key is the UTF-8 bytes of the secret string).
// Anything else (`none`, RS256, HS256 with an embedded key, ES256 without one…) is refused.
import { issuesFromZod, type PairingTokenClaims, PairingTokenClaimsSchema, ProtocolError } from '@tumulte/schemas';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  errors,
  type JWK,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import { storableText } from '../store/storable-text.js';
import type { PairingAlgorithm } from '../store/store.js';

const claims = PairingTokenClaimsSchema.shape;

export const PAIRING_TOKEN = {
  typ: 'tumulte-pairing+jwt',
  issuer: claims.iss.value,
  audience: claims.aud.value,
  subject: claims.sub.value,
  /** A pairing token lives 5 minutes. */
  lifetimeSeconds: 300,
} as const;

export interface VerifiedPairing {
  readonly claims: PairingTokenClaims;
  readonly algorithm: PairingAlgorithm;
  /** RFC 7638 thumbprint of the module's key (ES256), or null (HS256). */
  readonly keyThumbprint: string | null;
  /** The module's public key (ES256), or null. */
  readonly publicJwk: JWK | null;
  /** When the token expires, in milliseconds since the epoch. */
  readonly expiresAt: number;
}

export interface PairingVerifyOptions {
  /** Candidate HS256 secrets (the account's, or every account's while the module waits). */
  readonly hmacSecrets: readonly string[];
  readonly now?: number;
  /** Clock skew allowed between the VTT and the server (default 30 s). */
  readonly clockToleranceSeconds?: number;
}

const invalid = (message: string, cause?: unknown) => new ProtocolError('PAIRING_INVALID', message, { cause });

// Three base64url segments, the first two JSON objects (`eyJ` is `{"`); the signature may be empty (`alg: none`).
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/;

/** The pairing token inside what the streamer pasted: the token itself or the whole pairing URL. */
export function extractPairingToken(input: string): string {
  const match = JWT_PATTERN.exec(input.trim());
  if (!match) throw invalid('No pairing token found: paste the pairing URL or token shown in the VTT.');
  return match[0];
}

/** The algorithm and `jti` of a token, before any signature check (to find its pairing request). */
export function peekPairingToken(token: string): { algorithm: PairingAlgorithm; jti: string | null } {
  const header = safeHeader(token);
  const algorithm = pinnedAlgorithm(header);
  const [, body = ''] = token.split('.');
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { jti?: unknown };
    return { algorithm, jti: typeof payload.jti === 'string' ? payload.jti : null };
  } catch (error) {
    throw invalid('The pairing token is malformed.', error);
  }
}

function safeHeader(token: string) {
  try {
    return decodeProtectedHeader(token);
  } catch (error) {
    throw invalid('The pairing token is malformed.', error);
  }
}

function pinnedAlgorithm(header: ReturnType<typeof decodeProtectedHeader>): PairingAlgorithm {
  if (header.alg === 'ES256') {
    if (!header.jwk) throw invalid('An ES256 pairing token must carry its public key (`jwk` header).');
    return 'ES256';
  }
  if (header.alg === 'HS256') {
    // An embedded key on an HMAC token is an algorithm-confusion attempt.
    if (header.jwk || header.jku || header.x5c) {
      throw invalid('An HS256 pairing token must not name a key.');
    }
    return 'HS256';
  }
  throw invalid(`Pairing tokens are signed with ES256 or HS256, not ${String(header.alg ?? 'nothing')}.`);
}

function mapJoseError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof errors.JWTExpired) {
    return new ProtocolError('PAIRING_EXPIRED', 'The pairing token expired; generate a new one in the VTT.', {
      cause: error,
    });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return invalid('The pairing token signature is wrong.', error);
  if (error instanceof errors.JWTClaimValidationFailed)
    return invalid(`The pairing token has a wrong "${error.claim}" claim.`, error);
  if (error instanceof errors.JOSEError) return invalid('The pairing token is not valid.', error);
  return invalid('The pairing token is not valid.', error);
}

function checkClaims(payload: JWTPayload, header: ReturnType<typeof decodeProtectedHeader>, tolerance: number) {
  if (header.typ !== PAIRING_TOKEN.typ) throw invalid(`A pairing token has the type "${PAIRING_TOKEN.typ}".`);
  const parsed = PairingTokenClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    throw new ProtocolError('PAIRING_INVALID', 'The pairing token has wrong claims.', {
      issues: issuesFromZod(parsed.error),
    });
  }
  if (parsed.data.exp - parsed.data.iat > PAIRING_TOKEN.lifetimeSeconds + tolerance) {
    throw invalid(`A pairing token lives at most ${PAIRING_TOKEN.lifetimeSeconds} seconds.`);
  }
  return storableText(parsed.data);
}

/** Verifies signature and claims; throws PAIRING_INVALID or PAIRING_EXPIRED. Does not check `jti` reuse. */
export async function verifyPairingToken(token: string, options: PairingVerifyOptions): Promise<VerifiedPairing> {
  const header = safeHeader(token);
  const algorithm = pinnedAlgorithm(header);
  const tolerance = options.clockToleranceSeconds ?? 30;
  const verifyOptions: JWTVerifyOptions = {
    algorithms: [algorithm],
    typ: PAIRING_TOKEN.typ,
    issuer: PAIRING_TOKEN.issuer,
    audience: PAIRING_TOKEN.audience,
    subject: PAIRING_TOKEN.subject,
    requiredClaims: ['iat', 'exp', 'jti', 'nonce'],
    maxTokenAge: PAIRING_TOKEN.lifetimeSeconds + tolerance,
    clockTolerance: tolerance,
    ...(options.now === undefined ? {} : { currentDate: new Date(options.now) }),
  };
  try {
    if (algorithm === 'ES256') {
      const { payload, protectedHeader } = await jwtVerify(token, EmbeddedJWK, verifyOptions);
      const jwk = protectedHeader.jwk as JWK;
      const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK;
      const parsed = checkClaims(payload, protectedHeader, tolerance);
      return {
        claims: parsed,
        algorithm,
        keyThumbprint: await calculateJwkThumbprint(publicJwk, 'sha256'),
        publicJwk,
        expiresAt: parsed.exp * 1000,
      };
    }
    let lastError: unknown = invalid('No pairing secret can verify this token.');
    for (const secret of options.hmacSecrets) {
      try {
        const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), verifyOptions);
        const parsed = checkClaims(payload, protectedHeader, tolerance);
        return { claims: parsed, algorithm, keyThumbprint: null, publicJwk: null, expiresAt: parsed.exp * 1000 };
      } catch (error) {
        // Wrong secret: try the next one. Any other failure is about this token itself.
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    throw mapJoseError(error);
  }
}
