import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { PairingTokenClaims } from '@tumulte/schemas';
import { base64url, calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { normalizeServerUrl } from './http.js';
import type { ModuleKeyPair } from './key-store.js';

/** How long a pairing token lives (DESIGN §4). */
export const PAIRING_TTL_SECONDS = 300;
/** Short-code alphabet: no I, O, 0 or 1, so the code survives being read aloud on stream. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export interface PairingIdentity {
  readonly worldId: string;
  readonly worldName: string;
  readonly gmUserId: string;
  readonly gmName: string;
  readonly moduleVersion: string;
}

export interface PairingTicket {
  readonly token: string;
  /** `<serverUrl>/pair#<token>`: what the streamer opens or pastes in the dashboard (README "Pairing URL"). */
  readonly url: string;
  readonly code: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly claims: PairingTokenClaims;
  /**
   * The secret behind the token's `wait_challenge`: only who holds it collects the tokens, so a viewer who
   * copies the link from the stream gets nothing. Kept in memory, never shown.
   */
  readonly waitVerifier: string;
  readonly algorithm: 'ES256' | 'HS256';
  /** The module's key pair (ES256), or null (HS256). */
  readonly keyPair: ModuleKeyPair | null;
  /** RFC 7638 thumbprint of the public key (what the server binds the connection to), or null (HS256). */
  readonly thumbprint: string | null;
}

/**
 * How a pairing token is signed: ES256 with the module's own key pair (the default), or HS256 with the
 * account's pairing secret where WebCrypto is unavailable (Foundry served over plain http from another machine
 * is not a secure context, and browsers hide `crypto.subtle` there).
 */
export type PairingSigner =
  | { readonly kind: 'ES256'; readonly keyPair: ModuleKeyPair }
  | { readonly kind: 'HS256'; readonly secret: string };

/** Whether this page can use WebCrypto signatures (secure contexts only). */
export function hasWebCrypto(): boolean {
  return typeof globalThis.crypto?.subtle?.sign === 'function';
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** An HS256 JWT signed with HMAC-SHA256 in plain JS (no WebCrypto needed); the key is the secret's UTF-8 bytes. */
function signHs256(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string): string {
  const input = `${base64url.encode(utf8(JSON.stringify(header)))}.${base64url.encode(utf8(JSON.stringify(claims)))}`;
  return `${input}.${base64url.encode(hmac(sha256, utf8(secret), utf8(input)))}`;
}

function randomString(alphabet: string, length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

export function newPairingCode(): string {
  const raw = randomString(CODE_ALPHABET, 8);
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

/** The pairing URL the dashboard accepts: the token in the fragment, so it never reaches a server log. */
export function pairingUrl(serverUrl: string, token: string): string {
  return `${normalizeServerUrl(serverUrl)}/pair#${token}`;
}

/**
 * Signs a pairing JWT (`typ: tumulte-pairing+jwt`): ES256 with the public JWK in the protected header, or HS256
 * with the account's pairing secret.
 */
export async function createPairingTicket(
  serverUrl: string,
  identity: PairingIdentity,
  signer: PairingSigner,
  nowMs: number,
): Promise<PairingTicket> {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + PAIRING_TTL_SECONDS;
  const waitVerifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const claims: PairingTokenClaims = {
    sub: 'vtt:foundry',
    aud: 'tumulte:api',
    iss: 'foundry-module:tumulte',
    pairing_code: newPairingCode(),
    world_id: identity.worldId,
    world_name: identity.worldName.slice(0, 200),
    gm_user_id: identity.gmUserId,
    gm_name: identity.gmName.slice(0, 200),
    module_version: identity.moduleVersion,
    iat,
    exp,
    nonce: base64url.encode(crypto.getRandomValues(new Uint8Array(18))),
    jti: base64url.encode(crypto.getRandomValues(new Uint8Array(18))),
    // PKCE's S256 (RFC 7636); plain-JS SHA-256, as HS256 pairing works without WebCrypto.
    wait_challenge: base64url.encode(sha256(utf8(waitVerifier))),
  };
  const common = {
    url: '',
    code: claims.pairing_code,
    issuedAt: iat * 1000,
    expiresAt: exp * 1000,
    claims,
    waitVerifier,
  };
  if (signer.kind === 'HS256') {
    const token = signHs256({ alg: 'HS256', typ: 'tumulte-pairing+jwt' }, { ...claims }, signer.secret);
    return { ...common, token, url: pairingUrl(serverUrl, token), algorithm: 'HS256', keyPair: null, thumbprint: null };
  }
  const keyPair = signer.keyPair;
  const jwk = await exportJWK(keyPair.publicKey);
  if (jwk.kty !== 'EC' || !jwk.crv || !jwk.x || !jwk.y) throw new Error('the pairing key is not an EC P-256 key');
  // Only the public members, in a fixed order (the thumbprint uses the same ones).
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'tumulte-pairing+jwt', jwk: publicJwk })
    .sign(keyPair.privateKey);
  return {
    ...common,
    token,
    url: pairingUrl(serverUrl, token),
    algorithm: 'ES256',
    keyPair,
    thumbprint: await calculateJwkThumbprint(publicJwk),
  };
}

/** base64url(SHA-256(refresh token)): binds a refresh proof to the one token it accompanies. */
export async function refreshTokenHash(refreshToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(refreshToken));
  return base64url.encode(new Uint8Array(digest));
}

/** The proof of possession `POST /vtt/refresh-token` requires for ES256-paired connections (≤ 60 s). */
export async function createRefreshProof(
  connectionId: string,
  refreshToken: string,
  privateKey: CryptoKey,
  nowMs: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ rth: await refreshTokenHash(refreshToken) })
    .setProtectedHeader({ alg: 'ES256', typ: 'tumulte-refresh-proof+jwt' })
    .setAudience('tumulte:refresh')
    .setSubject(connectionId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(base64url.encode(crypto.getRandomValues(new Uint8Array(18))))
    .sign(privateKey);
}
