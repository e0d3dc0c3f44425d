// Dashboard accounts over HTTP: first-run setup, login with a session cookie, logout, and ownership between
// two streamers (nothing crosses accounts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { expectError, expectSuccess } from '../test-support/contract-checks.js';
import { pair, pairWithOwner } from '../test-support/pairing-flow.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { createAccount, createApiToken } from './accounts.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ rateLimits: { login: { max: 1_000 }, pairing: { max: 1_000 } } }, { listen: false });
});
afterAll(() => ts.close());

const inject = (
  method: 'GET' | 'POST',
  url: string,
  options: { payload?: object; cookie?: string; headers?: Record<string, string> } = {},
) =>
  ts.server.app.inject({
    method,
    url,
    ...(options.payload ? { payload: options.payload } : {}),
    headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
  });

/** `name=value` of the session cookie an answer set. */
function sessionCookie(answer: { headers: Record<string, unknown> }): { pair: string; raw: string } {
  const header = answer.headers['set-cookie'];
  const raw = (Array.isArray(header) ? header : [header]).find((c) => String(c).startsWith('tumulte_session='));
  if (typeof raw !== 'string') throw new Error('no session cookie');
  return { pair: raw.split(';')[0] ?? '', raw };
}

describe('first-run setup', () => {
  it('needs the one-time setup token, then logs the owner in with a session cookie', async () => {
    expectSuccess(await inject('GET', '/api/session'), 'GET /api/session', 200);
    expect((await inject('GET', '/api/session')).json()).toEqual({ account: null, setupRequired: true });

    const setupToken = ts.server.firstRun?.setupToken ?? '';
    const payload = { setupToken, username: 'gm_alice', password: 'correct horse battery staple' };
    expectError(
      await inject('POST', '/api/setup', { payload: { ...payload, setupToken: 'tms_wrong' } }),
      'UNAUTHORIZED',
    );
    expectError(await inject('POST', '/api/setup', { payload: { ...payload, password: 'short' } }), 'VALIDATION');

    const answer = await inject('POST', '/api/setup', { payload });
    const account = expectSuccess(answer, 'POST /api/setup', 201);
    expect(account).toMatchObject({ username: 'gm_alice', role: 'owner', accountId: ts.server.firstRun?.accountId });
    const cookie = sessionCookie(answer);
    expect(cookie.raw).toMatch(/HttpOnly/i);
    expect(cookie.raw).toMatch(/SameSite=Lax/i);
    expect(cookie.raw).toMatch(/Path=\//);
    expect(cookie.raw).not.toMatch(/Secure/i);

    const session = expectSuccess(
      await inject('GET', '/api/session', { cookie: cookie.pair }),
      'GET /api/session',
      200,
    );
    expect(session).toEqual({ account, setupRequired: false });
    expect((await inject('GET', '/api/session')).json()).toEqual({ account: null, setupRequired: false });
    // The cookie opens the dashboard API.
    expectSuccess(await inject('GET', '/vtt/connections', { cookie: cookie.pair }), 'GET /vtt/connections', 200);
    // Setup works once.
    expectError(await inject('POST', '/api/setup', { payload: { ...payload, username: 'mallory' } }), 'CONFLICT');
  });
});

describe('login and logout', () => {
  it('logs in with the password, refuses wrong ones alike, and logout ends the session', async () => {
    expectError(
      await inject('POST', '/api/login', { payload: { username: 'gm_alice', password: 'wrong password!' } }),
      'UNAUTHORIZED',
    );
    expectError(
      await inject('POST', '/api/login', { payload: { username: 'nobody', password: 'whatever it is' } }),
      'UNAUTHORIZED',
    );
    const answer = await inject('POST', '/api/login', {
      payload: { username: 'gm_alice', password: 'correct horse battery staple' },
    });
    expect(expectSuccess(answer, 'POST /api/login', 200).username).toBe('gm_alice');
    const cookie = sessionCookie(answer).pair;
    expectSuccess(await inject('GET', '/vtt/connections', { cookie }), 'GET /vtt/connections', 200);

    const out = await inject('POST', '/api/logout', { cookie });
    expect(expectSuccess(out, 'POST /api/logout', 200)).toEqual({ loggedOut: true });
    expect(String(out.headers['set-cookie'])).toMatch(/tumulte_session=;/);
    expectError(await inject('GET', '/vtt/connections', { cookie }), 'UNAUTHORIZED');
    expectError(await inject('POST', '/api/logout', { cookie }), 'UNAUTHORIZED');
    // The owner API token printed at first start keeps working.
    expectSuccess(
      await inject('GET', '/vtt/connections', { headers: { authorization: `Bearer ${ts.ownerToken}` } }),
      'GET /vtt/connections',
      200,
    );
  });

  it('refuses cookie-authenticated changes from another origin', async () => {
    const cookie = sessionCookie(
      await inject('POST', '/api/login', {
        payload: { username: 'gm_alice', password: 'correct horse battery staple' },
      }),
    ).pair;
    const paired = await pairWithOwner(ts);
    const revoke = (origin: string) =>
      inject('POST', `/vtt/connections/${paired.connectionId}/revoke`, {
        cookie,
        headers: { origin, host: 'localhost:3000' },
      });
    expectError(await revoke('http://localhost:30000'), 'FORBIDDEN');
    expect((await ts.server.store.transaction((tx) => tx.getConnection(paired.connectionId)))?.revokedAt).toBeNull();
    // Reading is fine from anywhere the cookie goes; changes from the dashboard's own origin are fine.
    expectSuccess(
      await inject('GET', '/vtt/connections', { cookie, headers: { origin: 'http://localhost:30000' } }),
      'GET /vtt/connections',
      200,
    );
    expectSuccess(await revoke('http://localhost:3000'), 'POST /vtt/connections/:id/revoke', 200);
  });

  it('marks the cookie Secure behind TLS', async () => {
    const proxied = await startTestServer({ trustProxy: true }, { listen: false });
    try {
      const setupToken = proxied.server.firstRun?.setupToken ?? '';
      const answer = await proxied.server.app.inject({
        method: 'POST',
        url: '/api/setup',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { setupToken, username: 'secure_owner', password: 'correct horse battery staple' },
      });
      expect(sessionCookie(answer).raw).toMatch(/; Secure/i);
    } finally {
      await proxied.close();
    }
  });

  it('rate-limits login per address', async () => {
    const limited = await startTestServer({ rateLimits: { login: { max: 2, windowMs: 60_000 } } }, { listen: false });
    try {
      const login = () =>
        limited.server.app.inject({
          method: 'POST',
          url: '/api/login',
          payload: { username: 'owner', password: 'guessing again' },
        });
      expectError(await login(), 'UNAUTHORIZED');
      expectError(await login(), 'UNAUTHORIZED');
      expectError(await login(), 'RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('ownership between accounts', () => {
  it('user A cannot see or revoke user B’s connection', async () => {
    const bob = await ts.server.store.transaction(async (tx) =>
      createAccount(tx, { username: 'gm_bob', role: 'streamer', passwordHash: await hashPassword('bob password 123') }),
    );
    const bobToken = await ts.server.store.transaction((tx) => createApiToken(tx, bob.id, 'api', 'test'));
    const bobs = await pair(ts.server, bobToken, bob.id, 'HS256');
    const alice = sessionCookie(
      await inject('POST', '/api/login', {
        payload: { username: 'gm_alice', password: 'correct horse battery staple' },
      }),
    ).pair;
    const bobCookie = sessionCookie(
      await inject('POST', '/api/login', { payload: { username: 'gm_bob', password: 'bob password 123' } }),
    ).pair;

    const aliceList = expectSuccess(
      await inject('GET', '/vtt/connections', { cookie: alice }),
      'GET /vtt/connections',
      200,
    );
    expect(aliceList.connections.map((c) => c.connectionId)).not.toContain(bobs.connectionId);
    expectError(await inject('GET', `/vtt/connections/${bobs.connectionId}/status`, { cookie: alice }), 'NOT_FOUND');
    expectError(await inject('POST', `/vtt/connections/${bobs.connectionId}/revoke`, { cookie: alice }), 'NOT_FOUND');
    const bobStatus = expectSuccess(
      await inject('GET', `/vtt/connections/${bobs.connectionId}/status`, { cookie: bobCookie }),
      'GET /vtt/connections/:id/status',
      200,
    );
    expect(bobStatus.revoked).toBe(false);
  });
});
