// The pairing flow over HTTP (fastify.inject): ES256 and HS256, and every way a pairing token must be refused.
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateSecret, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createApiToken } from '../accounts/accounts.js';
import { PAIRING_TOKEN } from '../auth/pairing-tokens.js';
import { expectError, expectSuccess } from '../test-support/contract-checks.js';
import {
  es256PairingToken,
  generateModuleKey,
  hs256PairingToken,
  pairingClaims,
  unsignedToken,
  WAIT_VERIFIER,
} from '../test-support/module-keys.js';
import { confirmPairing, pairingSecretOf, waitForTokens } from '../test-support/pairing-flow.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

let ts: TestServer;
let owner: string;
let ownerId: string;

beforeAll(async () => {
  ts = await startTestServer({
    pairingWaitMs: 30_000,
    rateLimits: { pairing: { max: 10_000 }, pairingWait: { max: 10_000 } },
  });
  owner = ts.ownerToken ?? '';
  ownerId = ts.server.firstRun?.accountId ?? '';
});
afterAll(() => ts.close());

const preview = (pairingToken: string, token = owner) =>
  ts.server.app.inject({
    method: 'POST',
    url: '/vtt/pair/preview',
    headers: { authorization: `Bearer ${token}` },
    payload: { pairingToken },
  });
const confirm = (pairingToken: string, token = owner) => confirmPairing(ts.server, token, pairingToken);
const wait = (pairingToken: string) => waitForTokens(ts.server, pairingToken);
const connectionCount = async () => (await ts.server.store.transaction((tx) => tx.listConnections(ownerId))).length;

/** Replaces the claims segment while keeping the original signature. */
function tamper(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, body, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe.each(['ES256', 'HS256'] as const)('pairing with %s', (algorithm) => {
  const sign = async (claims = pairingClaims()) =>
    algorithm === 'ES256'
      ? es256PairingToken(await generateModuleKey(), claims)
      : hs256PairingToken(await pairingSecretOf(ts.server, ownerId), claims);

  it('previews, confirms, and hands the tokens to the waiting module exactly once', async () => {
    const claims = pairingClaims({ world_name: 'Curse of Strahd', gm_name: 'Ravenloft GM' });
    const token = await sign(claims);
    // The module starts waiting before the streamer confirms.
    const waiting = wait(token);

    const shown = expectSuccess(await preview(token), 'POST /vtt/pair/preview', 200);
    expect(shown).toEqual({
      worldId: claims.world_id,
      worldName: 'Curse of Strahd',
      gmUserId: claims.gm_user_id,
      gmName: 'Ravenloft GM',
      moduleVersion: '1.0.0',
      pairingCode: claims.pairing_code,
      expiresAt: (claims.exp as number) * 1000,
      algorithm,
    });

    const confirmed = expectSuccess(await confirm(token), 'POST /vtt/pair', 201);
    expect(confirmed).toMatchObject({ worldId: claims.world_id, worldName: 'Curse of Strahd' });

    const tokens = expectSuccess(await waiting, 'POST /vtt/pair/wait', 200);
    expect(tokens).toMatchObject({ status: 'paired', connectionId: confirmed.connectionId });
    if (tokens.status !== 'paired') throw new Error('not paired');
    expect(await ts.server.services.sessions.verify(tokens.sessionToken)).toMatchObject({
      connectionId: confirmed.connectionId,
    });
    const stored = await ts.server.store.transaction((tx) => tx.getConnection(confirmed.connectionId));
    expect(stored).toMatchObject({ accountId: ownerId, algorithm, worldName: 'Curse of Strahd' });
    expect(stored?.keyThumbprint === null).toBe(algorithm === 'HS256');
    // Only the hash of the refresh token is kept.
    const hash = createHash('sha256').update(tokens.refreshToken).digest('hex');
    expect(await ts.server.store.transaction((tx) => tx.getRefreshToken(hash))).toMatchObject({ usedAt: null });

    // Given once: the module (or anyone with the token) cannot collect them again.
    expectError(await wait(token), 'PAIRING_USED');
    // And the token cannot pair again.
    const before = await connectionCount();
    expectError(await confirm(token), 'PAIRING_USED');
    expectError(await preview(token), 'PAIRING_USED');
    expect(await connectionCount()).toBe(before);

    const list = expectSuccess(
      await ts.server.app.inject({
        method: 'GET',
        url: '/vtt/connections',
        headers: { authorization: `Bearer ${owner}` },
      }),
      'GET /vtt/connections',
      200,
    );
    expect(list.connections.map((c) => c.connectionId)).toContain(confirmed.connectionId);
  });

  it('accepts the whole pairing URL as pasted by the streamer', async () => {
    const token = await sign();
    const url = `http://127.0.0.1:3000/pair#token=${token}`;
    expectSuccess(await confirm(url), 'POST /vtt/pair', 201);
    expect(expectSuccess(await wait(token), 'POST /vtt/pair/wait', 200).status).toBe('paired');
  });

  it('refuses a tampered token and creates nothing', async () => {
    const before = await connectionCount();
    const token = tamper(await sign(), (claims) => {
      claims.world_name = 'Not the world the GM signed';
    });
    expectError(await preview(token), 'PAIRING_INVALID');
    expectError(await confirm(token), 'PAIRING_INVALID');
    expect(await connectionCount()).toBe(before);
  });

  it.each([
    ['aud', { aud: 'tumulte:vtt' }],
    ['iss', { iss: 'evil-module' }],
    ['sub', { sub: 'vtt:roll20' }],
  ])('refuses a wrong %s claim', async (_claim, overrides) => {
    const before = await connectionCount();
    expectError(await confirm(await sign(pairingClaims(overrides))), 'PAIRING_INVALID');
    expect(await connectionCount()).toBe(before);
  });

  it('refuses an expired token as expired', async () => {
    const longAgo = Date.now() - 20 * 60_000;
    expectError(await confirm(await sign(pairingClaims({}, longAgo))), 'PAIRING_EXPIRED');
    expectError(await wait(await sign(pairingClaims({}, longAgo))), 'PAIRING_EXPIRED');
  });

  it('refuses a token that lives longer than five minutes', async () => {
    const claims = pairingClaims();
    claims.exp = (claims.iat as number) + 3600;
    expectError(await confirm(await sign(claims)), 'PAIRING_INVALID');
  });

  it('refuses a token missing a claim, with the issue listed', async () => {
    const body = expectError(await confirm(await sign(pairingClaims({ nonce: undefined }))), 'PAIRING_INVALID');
    expect(JSON.stringify(body)).toContain('nonce');
    expectError(await confirm(await sign(pairingClaims({ pairing_code: 'abc' }))), 'PAIRING_INVALID');
  });

  it('refuses a reused jti even in a freshly signed token', async () => {
    const claims = pairingClaims();
    expectSuccess(await confirm(await sign(claims)), 'POST /vtt/pair', 201);
    const before = await connectionCount();
    const again = await sign({ ...claims, nonce: 'another-nonce-0123456789' });
    expectError(await confirm(again), 'PAIRING_USED');
    expect(await connectionCount()).toBe(before);
  });

  it('gives the tokens only to the module holding the verifier, not to a viewer who copied the link', async () => {
    const token = await sign();
    expectSuccess(await confirm(token), 'POST /vtt/pair', 201);
    // The link was on stream: the token alone, or with a guessed verifier, collects nothing.
    const bearerOnly = expectError(await waitForTokens(ts.server, token, null), 'PAIRING_INVALID');
    expect(bearerOnly.error.message).toContain('POST /vtt/pair/wait');
    expectError(await waitForTokens(ts.server, token, randomBytes(32).toString('base64url')), 'PAIRING_INVALID');
    expectError(await waitForTokens(ts.server, token, 'short'), 'VALIDATION');
    // The module still collects them, once.
    expect(expectSuccess(await wait(token), 'POST /vtt/pair/wait', 200).status).toBe('paired');
    expectError(await wait(token), 'PAIRING_USED');
  });

  it('still pairs a protocol 1.0 module whose token has no wait_challenge, over GET only', async () => {
    const token = await sign(pairingClaims({ wait_challenge: undefined }));
    expectSuccess(await confirm(token), 'POST /vtt/pair', 201);
    expectError(await wait(token), 'PAIRING_INVALID');
    const tokens = expectSuccess(await waitForTokens(ts.server, token, null), 'GET /vtt/pair/wait', 200);
    expect(tokens.status).toBe('paired');
  });

  it('holds a real HTTP long poll open until the streamer confirms (POST and GET alike)', async () => {
    for (const verifier of [WAIT_VERIFIER, null]) {
      const token = await sign(verifier === null ? pairingClaims({ wait_challenge: undefined }) : pairingClaims());
      const waiting = fetch(`${ts.url}/vtt/pair/wait`, {
        method: verifier === null ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          ...(verifier === null ? {} : { 'content-type': 'application/json' }),
        },
        ...(verifier === null ? {} : { body: JSON.stringify({ verifier }) }),
      });
      // The module's request is already waiting when the streamer confirms.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expectSuccess(await confirm(token), 'POST /vtt/pair', 201);
      const answer = await waiting;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { status: string }).status).toBe('paired');
    }
  });

  it('answers pending when nobody confirms in time', async () => {
    const quick = await startTestServer({ pairingWaitMs: 20 }, { listen: false });
    try {
      const token =
        algorithm === 'ES256'
          ? await es256PairingToken(await generateModuleKey())
          : await hs256PairingToken(await pairingSecretOf(quick.server, quick.server.firstRun?.accountId ?? ''));
      const answer = await waitForTokens(quick.server, token);
      expect(expectSuccess(answer, 'POST /vtt/pair/wait', 200)).toEqual({ status: 'pending' });
    } finally {
      await quick.close();
    }
  });
});

describe('pairing tokens that must never work', () => {
  it('refuses alg none', async () => {
    expectError(await confirm(unsignedToken()), 'PAIRING_INVALID');
    expectError(await wait(unsignedToken()), 'PAIRING_INVALID');
  });

  it('refuses an HS256 token keyed with the embedded public key (algorithm confusion)', async () => {
    const key = await generateModuleKey();
    const publicKeyAsSecret = JSON.stringify(key.publicJwk);
    const confused = await hs256PairingToken(publicKeyAsSecret, pairingClaims(), { jwk: key.publicJwk });
    expectError(await confirm(confused), 'PAIRING_INVALID');
    expectError(await wait(confused), 'PAIRING_INVALID');
    const noHeader = await hs256PairingToken(publicKeyAsSecret);
    expectError(await confirm(noHeader), 'PAIRING_INVALID');
  });

  it('refuses an ES256 token without its key, or with a symmetric key', async () => {
    const key = await generateModuleKey();
    const withoutKey = await new SignJWT(pairingClaims())
      .setProtectedHeader({ alg: 'ES256', typ: PAIRING_TOKEN.typ })
      .sign(key.privateKey);
    expectError(await confirm(withoutKey), 'PAIRING_INVALID');
    const secret = await generateSecret('HS256', { extractable: true });
    const octJwk = await exportJWK(secret);
    const symmetric = await new SignJWT(pairingClaims())
      .setProtectedHeader({ alg: 'HS256', typ: PAIRING_TOKEN.typ, jwk: octJwk })
      .sign(secret);
    expectError(await confirm(symmetric), 'PAIRING_INVALID');
  });

  it('refuses an ES256 token signed by a key other than the embedded one', async () => {
    const signer = await generateModuleKey();
    const other = await generateModuleKey();
    const token = await new SignJWT(pairingClaims())
      .setProtectedHeader({ alg: 'ES256', typ: PAIRING_TOKEN.typ, jwk: other.publicJwk })
      .sign(signer.privateKey);
    expectError(await confirm(token), 'PAIRING_INVALID');
  });

  it('refuses a token without the pairing type', async () => {
    const key = await generateModuleKey();
    const token = await es256PairingToken(key, pairingClaims(), { typ: 'JWT' });
    expectError(await confirm(token), 'PAIRING_INVALID');
  });

  it("refuses an HS256 token signed with another account's secret", async () => {
    const other = await ts.server.store.transaction((tx) =>
      createAccount(tx, { username: 'other_streamer', role: 'streamer' }),
    );
    const token = await hs256PairingToken(other.pairingSecret);
    expectError(await confirm(token), 'PAIRING_INVALID');
    // …but that account can pair it.
    const otherToken = await ts.server.store.transaction((tx) => createApiToken(tx, other.id, 'api', 'test'));
    expectSuccess(await confirm(token, otherToken), 'POST /vtt/pair', 201);
    const paired = await ts.server.store.transaction((tx) => tx.listConnections(other.id));
    expect(paired).toHaveLength(1);
  });

  it('does not give the tokens of a confirmed ES256 pairing to another key that copies its jti', async () => {
    const claims = pairingClaims();
    const genuine = await es256PairingToken(await generateModuleKey(), claims);
    expectSuccess(await confirm(genuine), 'POST /vtt/pair', 201);
    const forged = await es256PairingToken(await generateModuleKey(), claims);
    expectError(await wait(forged), 'PAIRING_INVALID');
    expect(expectSuccess(await wait(genuine), 'POST /vtt/pair/wait', 200).status).toBe('paired');
  });

  it('refuses garbage, a missing body and a missing dashboard credential', async () => {
    expectError(await confirm('definitely not a token'), 'PAIRING_INVALID');
    expectError(
      await ts.server.app.inject({
        method: 'POST',
        url: '/vtt/pair',
        headers: { authorization: `Bearer ${owner}` },
        payload: { token: 'x' },
      }),
      'VALIDATION',
    );
    expectError(
      await ts.server.app.inject({
        method: 'POST',
        url: '/vtt/pair',
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
        payload: '{"pairingToken": ',
      }),
      'VALIDATION',
    );
    const token = await es256PairingToken(await generateModuleKey());
    expectError(
      await ts.server.app.inject({ method: 'POST', url: '/vtt/pair', payload: { pairingToken: token } }),
      'UNAUTHORIZED',
    );
    expectError(await confirm(token, 'tmo_not-a-real-token'), 'UNAUTHORIZED');
    expectError(await ts.server.app.inject({ method: 'GET', url: '/vtt/pair/wait' }), 'PAIRING_INVALID');
  });
});

describe('pairing rate limit', () => {
  it('answers RATE_LIMITED past the limit', async () => {
    const limited = await startTestServer({ rateLimits: { pairing: { max: 2, windowMs: 60_000 } } }, { listen: false });
    try {
      const token = await es256PairingToken(await generateModuleKey());
      const call = () =>
        limited.server.app.inject({
          method: 'POST',
          url: '/vtt/pair/preview',
          headers: { authorization: `Bearer ${limited.ownerToken}` },
          payload: { pairingToken: token },
        });
      expectSuccess(await call(), 'POST /vtt/pair/preview', 200);
      expectSuccess(await call(), 'POST /vtt/pair/preview', 200);
      expectError(await call(), 'RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('HS256 pairing secret', () => {
  it('is shown to its account only, signs pairing tokens, and rotates', async () => {
    const get = (token = owner) =>
      ts.server.app.inject({
        method: 'GET',
        url: '/vtt/pairing-secret',
        headers: { authorization: `Bearer ${token}` },
      });
    const shown = expectSuccess(await get(), 'GET /vtt/pairing-secret', 200);
    expect(shown.algorithm).toBe('HS256');
    const before = await hs256PairingToken(shown.secret);
    expectSuccess(await preview(before), 'POST /vtt/pair/preview', 200);

    const rotated = expectSuccess(
      await ts.server.app.inject({
        method: 'POST',
        url: '/vtt/pairing-secret/rotate',
        headers: { authorization: `Bearer ${owner}` },
      }),
      'POST /vtt/pairing-secret/rotate',
      200,
    );
    expect(rotated.secret).not.toBe(shown.secret);
    expect(expectSuccess(await get(), 'GET /vtt/pairing-secret', 200).secret).toBe(rotated.secret);
    expectError(await confirm(before), 'PAIRING_INVALID');
    expectSuccess(await confirm(await hs256PairingToken(rotated.secret)), 'POST /vtt/pair', 201);
    expectError(await ts.server.app.inject({ method: 'GET', url: '/vtt/pairing-secret' }), 'UNAUTHORIZED');
  });
});
