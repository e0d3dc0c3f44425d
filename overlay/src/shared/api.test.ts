import { afterEach, describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { ApiError, api, setFetch } from './api';

afterEach(() => setFetch((input, init) => fetch(input, init)));

describe('API client', () => {
  it('sends the session cookie, reads answers tolerantly and fills path parameters', async () => {
    const server = fakeApi()
      .on('GET /api/session', 200, { account: null, setupRequired: true, futureField: 'ignored' })
      .on('POST /api/polls/p%2F1/start', 200, {
        pollId: 'p/1',
        connectionId: 'c',
        question: 'Q?',
        options: [
          { id: 'a', label: 'A', votes: 0 },
          { id: 'b', label: 'B', votes: 0 },
        ],
        status: 'running',
        durationSeconds: 60,
        createdAt: 1,
        startedAt: 2,
        endsAt: 60_002,
        endedAt: null,
        totalVotes: 0,
        winners: [],
      });
    expect(await api.session()).toMatchObject({ account: null, setupRequired: true });
    expect((await api.startPoll('p/1')).status).toBe('running');
    expect(server.calls.map((call) => call.credentials)).toEqual(['same-origin', 'same-origin']);
  });

  it('reads and rotates the pairing secret without a request body', async () => {
    const secret = 'hs256-secret-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const server = fakeApi()
      .on('GET /vtt/pairing-secret', 200, { secret, algorithm: 'HS256' })
      .on('POST /vtt/pairing-secret/rotate', 200, { secret: `${secret}-2`, algorithm: 'HS256' });
    expect(await api.pairingSecret()).toEqual({ secret, algorithm: 'HS256' });
    expect(await api.rotatePairingSecret()).toEqual({ secret: `${secret}-2`, algorithm: 'HS256' });
    expect(server.calls).toEqual([
      { method: 'GET', path: '/vtt/pairing-secret', body: undefined, credentials: 'same-origin' },
      { method: 'POST', path: '/vtt/pairing-secret/rotate', body: undefined, credentials: 'same-origin' },
    ]);
  });

  it('turns an ErrorResponse into an ApiError with its code', async () => {
    fakeApi().fail('POST /vtt/pair/preview', 'PAIRING_EXPIRED');
    const error = await api.pairPreview('token').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'api', code: 'PAIRING_EXPIRED', status: 410 });
  });

  it('refuses an answer that does not match the contract', async () => {
    fakeApi().on('GET /api/session', 200, { account: 'nope' });
    await expect(api.session()).rejects.toMatchObject({ kind: 'response' });
    fakeApi().on('GET /api/session', 502, '<html>bad gateway</html>');
    await expect(api.session()).rejects.toMatchObject({ kind: 'response', status: 502 });
  });

  it('reports an unreachable server', async () => {
    setFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(api.session()).rejects.toMatchObject({ kind: 'network' });
  });

  it('checks request bodies with the contract before sending them', async () => {
    const server = fakeApi();
    await expect(
      api.createPoll({ connectionId: 'c', question: 'Q', options: ['only one'], durationSeconds: 60 }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(server.calls).toHaveLength(0);
  });
});
