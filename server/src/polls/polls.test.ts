// Audience polls end to end: dashboard lifecycle, the module's poll:start/poll:end, overlays' live results,
// viewer votes (one each, none after close), ties, ownership, and timers that survive a restart.
import { join } from 'node:path';
import {
  OVERLAY_EVENTS,
  type OverlayPollPayload,
  type Poll,
  type PollEndPayload,
  type PollStartPayload,
} from '@tumulte/schemas';
import { createOverlayClient } from '@tumulte/schemas/client';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAccount, createApiToken } from '../accounts/accounts.js';
import { SQLITE_FILE_NAME } from '../store/open-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { expectError, expectSuccess } from '../test-support/contract-checks.js';
import { type PairedModule, pair, pairWithOwner } from '../test-support/pairing-flow.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import {
  connect,
  connectModule,
  createOverlayLink,
  overlaySocket,
  startTestServer,
  type TestServer,
} from '../test-support/test-server.js';

let ts: TestServer;
let owner: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  ts = await startTestServer({ rateLimits: { pairing: { max: 10_000 }, vote: { max: 10_000 } } });
  owner = ts.ownerToken ?? '';
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(() => ts.close());

type Inject = TestServer['server']['app']['inject'];
const dashboard = (server: TestServer, token: string) => ({
  create: (connectionId: string, options = ['The red door', 'The blue door'], question = 'Which door do we open?') =>
    server.server.app.inject({
      method: 'POST',
      url: '/api/polls',
      headers: { authorization: `Bearer ${token}` },
      payload: { connectionId, question, options, durationSeconds: 60 },
    }),
  post: (url: string) =>
    server.server.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } }),
  list: () =>
    server.server.app.inject({ method: 'GET', url: '/api/polls', headers: { authorization: `Bearer ${token}` } }),
});

/** A viewer of the vote page: keeps the cookie the server sets. */
function viewer(inject: Inject) {
  let cookie = '';
  const remember = (answer: Awaited<ReturnType<Inject>>) => {
    const set = answer.headers['set-cookie'];
    const value = (Array.isArray(set) ? set : [set]).find((c) => String(c).startsWith('tumulte_viewer='));
    if (typeof value === 'string') cookie = value.split(';')[0] ?? '';
    return answer;
  };
  return {
    view: async (pollId: string) =>
      remember(await inject({ method: 'GET', url: `/api/public/polls/${pollId}`, headers: cookie ? { cookie } : {} })),
    vote: async (pollId: string, optionId: string) =>
      remember(
        await inject({
          method: 'POST',
          url: `/api/public/polls/${pollId}/votes`,
          headers: cookie ? { cookie } : {},
          payload: { optionId },
        }),
      ),
  };
}

async function openOverlay(server: TestServer, connectionId: string) {
  const { token } = await createOverlayLink(server, server.ownerToken ?? owner, connectionId, 'Polls');
  const socket = overlaySocket(server.url, token);
  sockets.push(socket);
  const client = createOverlayClient(socket as never);
  const state = new Promise((resolve) => client.on.overlayState(resolve));
  await connect(socket);
  await state;
  return client;
}

describe('poll lifecycle', () => {
  let paired: PairedModule;
  beforeAll(async () => {
    paired = await pair(ts.server, owner, ts.server.firstRun?.accountId ?? '', 'HS256');
  });

  it('runs from draft to results, with the module and overlays told at each step', async () => {
    const api = dashboard(ts, owner);
    const draft = expectSuccess(await api.create(paired.connectionId), 'POST /api/polls', 201);
    expect(draft).toMatchObject({
      status: 'draft',
      options: [
        { id: 'a', label: 'The red door', votes: 0 },
        { id: 'b', label: 'The blue door', votes: 0 },
      ],
      startedAt: null,
      endsAt: null,
      totalVotes: 0,
      winners: [],
    });
    // A draft is not public yet.
    expectError(await viewer(ts.server.app.inject.bind(ts.server.app)).view(draft.pollId), 'NOT_FOUND');

    const module = await connectModule(ts.url, paired.sessionToken);
    sockets.push(module.socket);
    const started = new Promise<PollStartPayload>((resolve) => module.client.on.pollStart(resolve));
    const ended = new Promise<PollEndPayload>((resolve) => module.client.on.pollEnd(resolve));
    const overlay = await openOverlay(ts, paired.connectionId);
    const overlayStart = new Promise<OverlayPollPayload>((resolve) => overlay.on.pollStart(resolve));
    const overlayEnd = new Promise<OverlayPollPayload>((resolve) => overlay.on.pollEnd(resolve));
    const updates: OverlayPollPayload[] = [];
    overlay.on.pollUpdate((payload) => updates.push(payload));

    const running = expectSuccess(await api.post(`/api/polls/${draft.pollId}/start`), 'POST /api/polls/:id/start', 200);
    expect(running.status).toBe('running');
    expect((running.endsAt ?? 0) - (running.startedAt ?? 0)).toBe(60_000);
    expect(await started).toEqual({
      pollId: draft.pollId,
      question: 'Which door do we open?',
      options: [
        { id: 'a', label: 'The red door' },
        { id: 'b', label: 'The blue door' },
      ],
      startedAt: running.startedAt,
      endsAt: running.endsAt,
    });
    expect((await overlayStart).poll).toMatchObject({ pollId: draft.pollId, status: 'running', totalVotes: 0 });
    expectError(await api.post(`/api/polls/${draft.pollId}/start`), 'CONFLICT');

    const alice = viewer(ts.server.app.inject.bind(ts.server.app));
    const bob = viewer(ts.server.app.inject.bind(ts.server.app));
    const carol = viewer(ts.server.app.inject.bind(ts.server.app));
    const seen = expectSuccess(await alice.view(draft.pollId), 'GET /api/public/polls/:id', 200);
    expect(seen.votedOptionId).toBeNull();
    const voted = expectSuccess(await alice.vote(draft.pollId, 'a'), 'POST /api/public/polls/:id/votes', 201);
    expect(voted).toMatchObject({ votedOptionId: 'a', poll: { totalVotes: 1 } });
    expectError(await alice.vote(draft.pollId, 'b'), 'ALREADY_VOTED');
    expect(expectSuccess(await alice.view(draft.pollId), 'GET /api/public/polls/:id', 200).votedOptionId).toBe('a');
    expectSuccess(await bob.vote(draft.pollId, 'a'), 'POST /api/public/polls/:id/votes', 201);
    expectError(await carol.vote(draft.pollId, 'z'), 'VALIDATION');
    expectSuccess(await carol.vote(draft.pollId, 'b'), 'POST /api/public/polls/:id/votes', 201);
    // Live results reach the overlay.
    await vi.waitFor(() => expect(updates.at(-1)?.poll.totalVotes).toBe(3));

    const closed = expectSuccess(await api.post(`/api/polls/${draft.pollId}/end`), 'POST /api/polls/:id/end', 200);
    expect(closed).toMatchObject({ status: 'closed', totalVotes: 3, winners: ['a'] });
    expect(await ended).toMatchObject({
      pollId: draft.pollId,
      results: [
        { optionId: 'a', label: 'The red door', votes: 2 },
        { optionId: 'b', label: 'The blue door', votes: 1 },
      ],
      totalVotes: 3,
      winners: ['a'],
      reason: 'manual',
    });
    const end = await overlayEnd;
    expect(end.poll).toMatchObject({ status: 'closed', winners: ['a'], totalVotes: 3 });
    expect(end.seq).toBeGreaterThan(updates.at(-1)?.seq ?? 0);

    expectError(await viewer(ts.server.app.inject.bind(ts.server.app)).vote(draft.pollId, 'b'), 'POLL_CLOSED');
    expectError(await api.post(`/api/polls/${draft.pollId}/end`), 'POLL_CLOSED');
    const history = expectSuccess(await api.list(), 'GET /api/polls', 200);
    expect(history.polls[0]).toMatchObject({ pollId: draft.pollId, status: 'closed', totalVotes: 3 });
  });

  it('reports ties as ties, and no winner without votes', async () => {
    const api = dashboard(ts, owner);
    const tie = expectSuccess(await api.create(paired.connectionId, ['Left', 'Right', 'Back']), 'POST /api/polls', 201);
    await api.post(`/api/polls/${tie.pollId}/start`);
    await viewer(ts.server.app.inject.bind(ts.server.app)).vote(tie.pollId, 'a');
    await viewer(ts.server.app.inject.bind(ts.server.app)).vote(tie.pollId, 'c');
    const closedTie = expectSuccess(await api.post(`/api/polls/${tie.pollId}/end`), 'POST /api/polls/:id/end', 200);
    expect(closedTie.winners).toEqual(['a', 'c']);

    const empty = expectSuccess(await api.create(paired.connectionId), 'POST /api/polls', 201);
    await api.post(`/api/polls/${empty.pollId}/start`);
    expect(
      expectSuccess(await api.post(`/api/polls/${empty.pollId}/end`), 'POST /api/polls/:id/end', 200).winners,
    ).toEqual([]);
  });

  it('allows one running poll per world', async () => {
    const api = dashboard(ts, owner);
    const first = expectSuccess(await api.create(paired.connectionId), 'POST /api/polls', 201);
    const second = expectSuccess(await api.create(paired.connectionId), 'POST /api/polls', 201);
    expectSuccess(await api.post(`/api/polls/${first.pollId}/start`), 'POST /api/polls/:id/start', 200);
    expectError(await api.post(`/api/polls/${second.pollId}/start`), 'CONFLICT');
    await api.post(`/api/polls/${first.pollId}/end`);
    expectSuccess(await api.post(`/api/polls/${second.pollId}/start`), 'POST /api/polls/:id/start', 200);
    await api.post(`/api/polls/${second.pollId}/end`);
  });

  it('keeps polls to their account', async () => {
    const otherToken = await ts.server.store.transaction(async (tx) => {
      const account = await createAccount(tx, { username: 'poll_stranger', role: 'streamer' });
      return createApiToken(tx, account.id, 'api', 'test');
    });
    const mine = expectSuccess(await dashboard(ts, owner).create(paired.connectionId), 'POST /api/polls', 201);
    const stranger = dashboard(ts, otherToken);
    expectError(await stranger.create(paired.connectionId), 'NOT_FOUND');
    expectError(await stranger.post(`/api/polls/${mine.pollId}/start`), 'NOT_FOUND');
    expectError(await stranger.post(`/api/polls/${mine.pollId}/end`), 'NOT_FOUND');
    expect(expectSuccess(await stranger.list(), 'GET /api/polls', 200).polls).toEqual([]);
    expectError(await ts.server.app.inject({ method: 'GET', url: '/api/polls' }), 'UNAUTHORIZED');
    expectError(await viewer(ts.server.app.inject.bind(ts.server.app)).view('no-such-poll'), 'NOT_FOUND');
  });

  it('rejects bad poll requests', async () => {
    const api = dashboard(ts, owner);
    expectError(await api.create(paired.connectionId, ['Only one']), 'VALIDATION');
    const tooShort = await ts.server.app.inject({
      method: 'POST',
      url: '/api/polls',
      headers: { authorization: `Bearer ${owner}` },
      payload: { connectionId: paired.connectionId, question: 'Now?', options: ['Yes', 'No'], durationSeconds: 1 },
    });
    expectError(tooShort, 'VALIDATION');
  });
});

describe('poll timers', () => {
  it('close a running poll at its end time, announced to the module with reason timer', async () => {
    const fast = await startTestServer({ pollSweepIntervalMs: 20 });
    try {
      const paired = await pairWithOwner(fast);
      const module = await connectModule(fast.url, paired.sessionToken);
      sockets.push(module.socket);
      const ended = new Promise<PollEndPayload>((resolve) => module.client.on.pollEnd(resolve));
      const api = dashboard(fast, fast.ownerToken ?? '');
      const poll = expectSuccess(await api.create(paired.connectionId), 'POST /api/polls', 201);
      await api.post(`/api/polls/${poll.pollId}/start`);
      await viewer(fast.server.app.inject.bind(fast.server.app)).vote(poll.pollId, 'b');
      // Time passes: the poll's end is now in the past.
      await fast.server.store.transaction((tx) =>
        tx.transitionPoll(poll.pollId, 'running', { endsAt: Date.now() - 1 }),
      );
      expect(await ended).toMatchObject({ pollId: poll.pollId, reason: 'timer', winners: ['b'], totalVotes: 1 });
    } finally {
      await fast.close();
    }
  });

  it('survive a restart: a poll running when the server stops closes on time after it starts again', async () => {
    const dir = makeTempDir();
    try {
      const first = await startTestServer({}, { dataDir: dir.path });
      const ownerToken = first.ownerToken ?? '';
      const paired = await pair(first.server, ownerToken, first.server.firstRun?.accountId ?? '', 'HS256');
      const api = dashboard(first, ownerToken);
      const overdue = expectSuccess(await api.create(paired.connectionId), 'POST /api/polls', 201);
      await api.post(`/api/polls/${overdue.pollId}/start`);
      await viewer(first.server.app.inject.bind(first.server.app)).vote(overdue.pollId, 'a');
      await first.close();

      // While the server is down, the poll's end time passes.
      const store = openSqliteStore({ file: join(dir.path, SQLITE_FILE_NAME) });
      await store.transaction((tx) => tx.transitionPoll(overdue.pollId, 'running', { endsAt: Date.now() - 1_000 }));
      await store.close();

      const second = await startTestServer({}, { dataDir: dir.path });
      try {
        const api2 = dashboard(second, ownerToken);
        const byId = async (id: string) =>
          expectSuccess(await api2.list(), 'GET /api/polls', 200).polls.find((p: Poll) => p.pollId === id);
        // Closed by its timer at start-up, with the votes cast before the restart.
        expect(await byId(overdue.pollId)).toMatchObject({ status: 'closed', winners: ['a'], totalVotes: 1 });
        const log = await second.server.store.transaction((tx) => tx.listOverlayEvents(paired.connectionId, 0, 100));
        expect(log.map((row) => row.event)).toContain(OVERLAY_EVENTS.pollEnd);

        // A poll running across the restart, its end still ahead, is closed by the restarted server's timer.
        const other = await pair(
          second.server,
          ownerToken,
          (await second.server.store.transaction((tx) => tx.listAccounts()))[0]?.id ?? '',
          'HS256',
        );
        const later = expectSuccess(await api2.create(other.connectionId), 'POST /api/polls', 201);
        await api2.post(`/api/polls/${later.pollId}/start`);
        await second.close();
        const reopened = openSqliteStore({ file: join(dir.path, SQLITE_FILE_NAME) });
        await reopened.transaction((tx) => tx.transitionPoll(later.pollId, 'running', { endsAt: Date.now() + 1_500 }));
        await reopened.close();
        const third = await startTestServer({}, { dataDir: dir.path });
        try {
          const api3 = dashboard(third, ownerToken);
          const find = async () =>
            expectSuccess(await api3.list(), 'GET /api/polls', 200).polls.find((p: Poll) => p.pollId === later.pollId);
          expect((await find())?.status).toBe('running');
          await vi.waitFor(async () => expect((await find())?.status).toBe('closed'), {
            timeout: 10_000,
            interval: 100,
          });
          const row = await third.server.store.transaction((tx) => tx.getPoll(later.pollId));
          expect(row?.endReason).toBe('timer');
        } finally {
          await third.close();
        }
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  });
});
