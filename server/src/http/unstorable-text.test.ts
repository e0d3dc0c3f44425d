// HTTP input holding text PostgreSQL cannot store (U+0000, a lone UTF-16 surrogate) — in a body, a path parameter
// or a pairing token's claims — gets the same answer on both databases: stored with U+FFFD in its place, or refused
// with a 4xx code. Never a 500.
import type { OverlayLink, PairingConfirmed, Poll } from '@tumulte/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectSuccess } from '../test-support/contract-checks.js';
import { pairingClaims } from '../test-support/module-keys.js';
import { confirmPairing, modulePairingToken, pair } from '../test-support/pairing-flow.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'Gob\uD83Dlin';

describe.each([
  ['SQLite', false],
  ['PostgreSQL', true],
])('unstorable text over HTTP on %s', (_label, onPostgres) => {
  let database: TestDatabase | undefined;
  let ts: TestServer;
  let owner: string;
  let accountId: string;
  let connectionId: string;

  beforeAll(async () => {
    database = onPostgres ? await createTestDatabase() : undefined;
    ts = await startTestServer({
      ...(database ? { databaseUrl: database.url } : {}),
      rateLimits: { pairing: { max: 10_000 }, login: { max: 10_000 } },
    });
    owner = ts.ownerToken ?? '';
    accountId = ts.server.firstRun?.accountId ?? '';
    connectionId = (await pair(ts.server, owner, accountId, 'HS256')).connectionId;
  });
  afterAll(async () => {
    await ts?.close();
    await database?.drop();
  });

  const asOwner = (method: 'GET' | 'POST', url: string, payload?: object) =>
    ts.server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${owner}` },
      ...(payload ? { payload } : {}),
    });

  it('stores labels, questions and options with U+FFFD in place of what cannot be stored', async () => {
    const link = expectSuccess(
      await asOwner('POST', '/api/overlays', { connectionId, label: `Main ${NUL}` }),
      'POST /api/overlays',
      201,
    ) as OverlayLink;
    expect(link.label).toBe('Main a\uFFFDb');

    const poll = expectSuccess(
      await asOwner('POST', '/api/polls', {
        connectionId,
        question: `Which ${LONE_SURROGATE}?`,
        options: [NUL, LONE_SURROGATE],
        durationSeconds: 60,
      }),
      'POST /api/polls',
      201,
    ) as Poll;
    expect(poll.question).toBe('Which Gob\uFFFDlin?');
    expect(poll.options.map((option) => option.label)).toEqual(['a\uFFFDb', 'Gob\uFFFDlin']);
  });

  it('answers unknown ids and wrong logins holding such text with a 4xx code', async () => {
    expectError(await asOwner('POST', '/api/overlays', { connectionId: `c${NUL}`, label: 'Main' }), 'NOT_FOUND');
    expectError(await asOwner('GET', `/vtt/connections/${encodeURIComponent(NUL)}/status`), 'NOT_FOUND');
    expectError(await asOwner('POST', `/api/polls/${encodeURIComponent(NUL)}/start`), 'NOT_FOUND');
    expectError(
      await ts.server.app.inject({ method: 'GET', url: `/api/public/polls/${encodeURIComponent(NUL)}` }),
      'NOT_FOUND',
    );
    expectError(
      await ts.server.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: `owner${NUL}`, password: LONE_SURROGATE },
      }),
      'UNAUTHORIZED',
    );
  });

  it('pairs a world whose name holds such text, and lists it with U+FFFD', async () => {
    const claims = pairingClaims({ world_name: `Phandelver ${NUL}`, gm_name: LONE_SURROGATE });
    const { token } = await modulePairingToken(ts.server, accountId, 'HS256', claims);
    const confirmed = expectSuccess(
      await confirmPairing(ts.server, owner, token),
      'POST /vtt/pair',
      201,
    ) as PairingConfirmed;
    expect(confirmed.worldName).toBe('Phandelver a\uFFFDb');
  });
});
