// Pairing with an ES256 key pair (no secret to copy) and refreshing the session with a proof of that key.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const PAIRING_LIFETIME_S = 5 * 60;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function pairingCode() {
  const chars = [...randomBytes(8)].map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

export async function createPairing({ world, moduleVersion }) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const code = pairingCode();
  // The link is shown on stream: only who holds this verifier may collect the tokens (PKCE's S256).
  const verifier = randomBytes(32).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    pairing_code: code,
    world_id: world.id,
    world_name: world.name,
    gm_user_id: world.gmUserId,
    gm_name: world.gmName,
    module_version: moduleVersion,
    nonce: randomBytes(16).toString('base64url'),
    wait_challenge: createHash('sha256').update(verifier).digest('base64url'),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'tumulte-pairing+jwt', jwk: await exportJWK(publicKey) })
    .setSubject('vtt:foundry')
    .setAudience('tumulte:api')
    .setIssuer('foundry-module:tumulte')
    .setIssuedAt(now)
    .setExpirationTime(now + PAIRING_LIFETIME_S)
    .setJti(randomUUID())
    .sign(privateKey);
  return { token, code, privateKey, verifier };
}

async function json(response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.error?.message ?? `HTTP ${response.status}`);
    error.code = body?.error?.code;
    throw error;
  }
  return body;
}

/** Long-polls `POST /vtt/pair/wait` with the verifier until the streamer confirms; resolves with the tokens. */
export async function waitForTokens(serverUrl, { token, verifier }, { signal } = {}) {
  for (;;) {
    const body = await json(
      await fetch(`${serverUrl}/vtt/pair/wait`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ verifier }),
        signal,
      }),
    );
    if (body.status === 'paired') return body;
  }
}

/** Rotates the refresh token; ES256 connections prove they still hold the key they paired with. */
export async function refreshSession(serverUrl, { connectionId, refreshToken, privateKey }) {
  const now = Math.floor(Date.now() / 1000);
  const proof = await new SignJWT({ rth: createHash('sha256').update(refreshToken).digest('base64url') })
    .setProtectedHeader({ alg: 'ES256', typ: 'tumulte-refresh-proof+jwt' })
    .setAudience('tumulte:refresh')
    .setSubject(connectionId)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(privateKey);
  return json(
    await fetch(`${serverUrl}/vtt/refresh-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connectionId, refreshToken, proof }),
    }),
  );
}
