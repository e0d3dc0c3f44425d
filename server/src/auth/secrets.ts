// Random tokens and their stored form. Tokens are 256-bit random values; only their SHA-256 is stored, so a
// database leak gives no usable token (a fast hash is enough for full-entropy secrets).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh token: `prefix` + base64url of 32 random bytes. The prefix tells token kinds apart in logs and UIs. */
export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** base64url(SHA-256(value)): the `rth` claim of refresh proofs. */
export function sha256Base64Url(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const TOKEN_PREFIX = {
  /** Dashboard API token (the owner token printed at first start). */
  api: 'tmo_',
  /** One-time first-run setup token. */
  setup: 'tms_',
  /** VTT refresh token. */
  refresh: 'tmr_',
  /** Overlay (viewer) token, inside an overlay URL. */
  overlay: 'tmv_',
} as const;
