// What a VTT module does on its side of pairing, for tests: sign pairing tokens (ES256 with its own key pair,
// or HS256 with the account's pairing secret) and refresh proofs.
import { randomBytes } from 'node:crypto';
import type { PairingTokenClaims } from '@tumulte/schemas';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { PAIRING_TOKEN } from '../auth/pairing-tokens.js';
import { REFRESH_PROOF } from '../auth/refresh-proof.js';
import { sha256Base64Url } from '../auth/secrets.js';
import { WORLD_ID } from './fixtures.js';

export interface ModuleKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function generateModuleKey(): Promise<ModuleKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

const code = () =>
  Array.from(randomBytes(8), (byte) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[byte % 32])
    .join('')
    .replace(/^(.{4})/, '$1-');

/** The secret behind the `wait_challenge` of the test pairing tokens (POST /vtt/pair/wait). */
export const WAIT_VERIFIER = randomBytes(32).toString('base64url');

/** Claims as the Foundry module sends them; `overrides` may remove a claim with `undefined`. */
export function pairingClaims(overrides: Partial<Record<keyof PairingTokenClaims, unknown>> = {}, now = Date.now()) {
  const iat = Math.floor(now / 1000);
  const claims: Record<string, unknown> = {
    sub: PAIRING_TOKEN.subject,
    aud: PAIRING_TOKEN.audience,
    iss: PAIRING_TOKEN.issuer,
    pairing_code: code(),
    world_id: WORLD_ID,
    world_name: 'Lost Mine of Phandelver',
    gm_user_id: 'gmUser0000000001',
    gm_name: 'Gamemaster',
    module_version: '1.0.0',
    iat,
    exp: iat + PAIRING_TOKEN.lifetimeSeconds,
    nonce: randomBytes(16).toString('base64url'),
    jti: randomBytes(16).toString('base64url'),
    wait_challenge: sha256Base64Url(WAIT_VERIFIER),
    ...overrides,
  };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return claims;
}

export async function es256PairingToken(
  key: ModuleKey,
  claims: Record<string, unknown> = pairingClaims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: PAIRING_TOKEN.typ, jwk: key.publicJwk, ...header })
    .sign(key.privateKey);
}

export async function hs256PairingToken(
  secret: string | Uint8Array,
  claims: Record<string, unknown> = pairingClaims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: PAIRING_TOKEN.typ, ...header }).sign(bytes);
}

/** An unsigned token (`alg: none`). */
export function unsignedToken(claims: Record<string, unknown> = pairingClaims()): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: PAIRING_TOKEN.typ })}.${part(claims)}.`;
}

export async function refreshProof(
  key: ModuleKey,
  connectionId: string,
  refreshToken: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    rth: sha256Base64Url(refreshToken),
    aud: REFRESH_PROOF.audience,
    sub: connectionId,
    iat,
    exp: iat + 30,
    jti: randomBytes(12).toString('base64url'),
    ...overrides,
  };
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: REFRESH_PROOF.typ }).sign(key.privateKey);
}
