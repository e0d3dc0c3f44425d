// Refresh-token rotation, reuse detection, proofs of possession for key-bound connections, and the dashboard's
// connection routes (ownership: nothing crosses accounts).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createApiToken } from '../accounts/accounts.js';
import { expectError, expectSuccess } from '../test-support/contract-checks.js';
import { generateModuleKey, refreshProof } from '../test-support/module-keys.js';
import { type PairedModule, pair } from '../test-support/pairing-flow.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

let ts: TestServer;
let owner: string;
let ownerId: string;

beforeAll(async () => {
  ts = await startTestServer({ rateLimits: { pairing: { max: 10_000 }, refresh: { max: 10_000 } } }, { listen: false });
  owner = ts.ownerToken ?? '';
  ownerId = ts.server.firstRun?.accountId ?? '';
});
afterAll(() => ts.close());

const refresh = (payload: Record<string, unknown>) =>
  ts.server.app.inject({ method: 'POST', url: '/vtt/refresh-token', payload });
const revokedReason = async (connectionId: string) =>
  (await ts.server.store.transaction((tx) => tx.getConnection(connectionId)))?.revokeReason ?? null;

describe('refresh with HS256 pairing', () => {
  let paired: PairedModule;
  beforeAll(async () => {
    paired = await pair(ts.server, owner, ownerId, 'HS256');
  });

  it('rotates the refresh token and issues a new session', async () => {
    const first = expectSuccess(
      await refresh({ connectionId: paired.connectionId, refreshToken: paired.refreshToken }),
      'POST /vtt/refresh-token',
      200,
    );
    expect(first.connectionId).toBe(paired.connectionId);
    expect(first.refreshToken).not.toBe(paired.refreshToken);
    expect(first.sessionExpiresAt).toBeGreaterThan(Date.now());
    expect(await ts.server.services.sessions.verify(first.sessionToken)).toMatchObject({
      connectionId: paired.connectionId,
    });
    const second = expectSuccess(
      await refresh({ connectionId: paired.connectionId, refreshToken: first.refreshToken }),
      'POST /vtt/refresh-token',
      200,
    );
    expect(second.refreshToken).not.toBe(first.refreshToken);

    // Replaying the first (already rotated) token revokes the whole connection…
    expectError(
      await refresh({ connectionId: paired.connectionId, refreshToken: first.refreshToken }),
      'REFRESH_REUSED',
    );
    expect(await revokedReason(paired.connectionId)).toBe('refresh_reuse');
    // …so even the latest token no longer works.
    expectError(
      await refresh({ connectionId: paired.connectionId, refreshToken: second.refreshToken }),
      'CONNECTION_REVOKED',
    );
  });

  it('refuses unknown tokens and tokens of another connection without revoking anything', async () => {
    const a = await pair(ts.server, owner, ownerId, 'HS256');
    const b = await pair(ts.server, owner, ownerId, 'HS256');
    expectError(await refresh({ connectionId: a.connectionId, refreshToken: 'tmr_unknown' }), 'TOKEN_INVALID');
    expectError(await refresh({ connectionId: a.connectionId, refreshToken: b.refreshToken }), 'TOKEN_INVALID');
    expectError(await refresh({ connectionId: 'no-such-connection', refreshToken: a.refreshToken }), 'TOKEN_INVALID');
    expectError(await refresh({ connectionId: a.connectionId }), 'VALIDATION');
    expect(await revokedReason(a.connectionId)).toBeNull();
    expect(await revokedReason(b.connectionId)).toBeNull();
    // The refresh tokens are stored hashed.
    const hash = createHash('sha256').update(a.refreshToken).digest('hex');
    expect(await ts.server.store.transaction((tx) => tx.getRefreshToken(hash))).not.toBeNull();
    expect(await ts.server.store.transaction((tx) => tx.getRefreshToken(a.refreshToken))).toBeNull();
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const c = await pair(ts.server, owner, ownerId, 'HS256');
    const answers = await Promise.all([
      refresh({ connectionId: c.connectionId, refreshToken: c.refreshToken }),
      refresh({ connectionId: c.connectionId, refreshToken: c.refreshToken }),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 401]);
    expect(await revokedReason(c.connectionId)).toBe('refresh_reuse');
  });
});

describe('refresh with ES256 pairing', () => {
  it('needs a proof signed by the paired key, bound to the refresh token', async () => {
    const paired = await pair(ts.server, owner, ownerId, 'ES256');
    const key = paired.key;
    if (!key) throw new Error('ES256 pairing has a key');
    const body = { connectionId: paired.connectionId, refreshToken: paired.refreshToken };

    expectError(await refresh(body), 'TOKEN_INVALID');
    const stranger = await generateModuleKey();
    expectError(
      await refresh({ ...body, proof: await refreshProof(stranger, paired.connectionId, paired.refreshToken) }),
      'TOKEN_INVALID',
    );
    expectError(
      await refresh({ ...body, proof: await refreshProof(key, paired.connectionId, 'tmr_another-token') }),
      'TOKEN_INVALID',
    );
    expectError(
      await refresh({ ...body, proof: await refreshProof(key, 'another-connection', paired.refreshToken) }),
      'TOKEN_INVALID',
    );
    const longLived = await refreshProof(key, paired.connectionId, paired.refreshToken, {
      exp: Math.floor(Date.now() / 1000) + 3600,
    });
    expectError(await refresh({ ...body, proof: longLived }), 'TOKEN_INVALID');
    // None of the failed attempts spent the token or revoked the connection.
    expect(await revokedReason(paired.connectionId)).toBeNull();

    const rotated = expectSuccess(
      await refresh({ ...body, proof: await refreshProof(key, paired.connectionId, paired.refreshToken) }),
      'POST /vtt/refresh-token',
      200,
    );
    const claims = await ts.server.services.sessions.verify(rotated.sessionToken);
    expect(claims.connectionId).toBe(paired.connectionId);
    // Reuse with a valid proof still revokes.
    expectError(
      await refresh({ ...body, proof: await refreshProof(key, paired.connectionId, paired.refreshToken) }),
      'REFRESH_REUSED',
    );
  });
});

describe('dashboard connection routes', () => {
  it('lists, shows and revokes only the caller’s own connections', async () => {
    const mine = await pair(ts.server, owner, ownerId, 'HS256');
    const other = await ts.server.store.transaction(async (tx) => {
      const account = await createAccount(tx, { username: 'second_streamer', role: 'streamer' });
      return { account, token: await createApiToken(tx, account.id, 'api', 'test') };
    });
    const theirs = await pair(ts.server, other.token, other.account.id, 'ES256');
    const get = (url: string, token: string) =>
      ts.server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const post = (url: string, token: string) =>
      ts.server.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } });

    const myList = expectSuccess(await get('/vtt/connections', owner), 'GET /vtt/connections', 200);
    expect(myList.connections.map((c) => c.connectionId)).toContain(mine.connectionId);
    expect(myList.connections.map((c) => c.connectionId)).not.toContain(theirs.connectionId);
    const theirList = expectSuccess(await get('/vtt/connections', other.token), 'GET /vtt/connections', 200);
    expect(theirList.connections.map((c) => c.connectionId)).toEqual([theirs.connectionId]);

    const status = expectSuccess(
      await get(`/vtt/connections/${mine.connectionId}/status`, owner),
      'GET /vtt/connections/:id/status',
      200,
    );
    expect(status).toMatchObject({
      connectionId: mine.connectionId,
      online: false,
      lastSeenAt: null,
      latencyMs: null,
      moduleVersion: '1.0.0',
      revoked: false,
      world: { id: 'lost-mine', name: 'Lost Mine of Phandelver', system: null },
    });

    // Someone else's connection is NOT_FOUND, exactly like one that does not exist.
    expectError(await get(`/vtt/connections/${theirs.connectionId}/status`, owner), 'NOT_FOUND');
    expectError(await post(`/vtt/connections/${theirs.connectionId}/revoke`, owner), 'NOT_FOUND');
    expectError(await get('/vtt/connections/nope/status', owner), 'NOT_FOUND');
    expect(await revokedReason(theirs.connectionId)).toBeNull();

    expectSuccess(
      await post(`/vtt/connections/${mine.connectionId}/revoke`, owner),
      'POST /vtt/connections/:id/revoke',
      200,
    );
    // Revoking twice is harmless.
    expectSuccess(
      await post(`/vtt/connections/${mine.connectionId}/revoke`, owner),
      'POST /vtt/connections/:id/revoke',
      200,
    );
    const after = expectSuccess(
      await get(`/vtt/connections/${mine.connectionId}/status`, owner),
      'GET /vtt/connections/:id/status',
      200,
    );
    expect(after.revoked).toBe(true);
    expectError(await get('/vtt/connections', 'tmo_wrong'), 'UNAUTHORIZED');
    expectError(await ts.server.app.inject({ method: 'GET', url: '/vtt/connections' }), 'UNAUTHORIZED');
  });
});

describe('refresh rate limit', () => {
  it('answers RATE_LIMITED past the limit', async () => {
    const limited = await startTestServer({ rateLimits: { refresh: { max: 1, windowMs: 60_000 } } }, { listen: false });
    try {
      const call = () =>
        limited.server.app.inject({
          method: 'POST',
          url: '/vtt/refresh-token',
          payload: { connectionId: 'x', refreshToken: 'y' },
        });
      expectError(await call(), 'TOKEN_INVALID');
      expectError(await call(), 'RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});
