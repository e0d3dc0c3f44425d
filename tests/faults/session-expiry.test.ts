// Fault (c): the module's session token expires mid-stream. The server (a process, with a 3-second session
// lifetime: `sessionTtlSeconds` has no CLI flag, so it runs through the test launcher) closes the socket when
// the token expires; the module refreshes it (POST /vtt/refresh-token with a proof signed by its key) and goes
// on. Both ways the module meets the expiry: it refreshes before reconnecting (its normal margin), or it tries
// the expired token first and refreshes on TOKEN_EXPIRED. Nothing is lost or stored twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOverlayToken } from '../support/dashboard-api.js';
import {
  describeWire,
  expectDrained,
  expectOverlayEqualsModule,
  expectStoredExactlyOnce,
  expectWireExactlyOnce,
} from '../support/exactly-once.js';
import { FoundryGm } from '../support/foundry-gm.js';
import { OverlayViewer } from '../support/overlay-viewer.js';
import { counter } from '../support/server-metrics.js';
import { ServerProcess } from '../support/server-process.js';
import { freePort } from '../support/throwaway-postgres.js';
import { streamMix } from './stream.js';

const EVENTS = 400;
const SESSION_SECONDS = 3;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

describe.each([
  ['refreshes before reconnecting', undefined, 'none'],
  ['tries the expired token, refreshes on TOKEN_EXPIRED', -60_000, 'TOKEN_EXPIRED'],
] as const)('the session expires mid-stream: the module %s', (_label, refreshMarginMs, handshakeRefusal) => {
  it('and goes on: nothing lost, nothing doubled', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tumulte-faults-session-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const server = new ServerProcess({
      port: await freePort(),
      dataDir,
      overrides: { sessionTtlSeconds: SESSION_SECONDS },
    });
    cleanups.push(() => server.kill());
    await server.start();
    const ownerToken = await server.firstRunOwnerToken();
    const gm = await FoundryGm.open(
      server.url,
      refreshMarginMs === undefined ? {} : { connection: { refreshMarginMs } },
    );
    cleanups.push(() => gm.close());
    const connectionId = await gm.pair(server.url, ownerToken);
    gm.startCombat();
    const viewer = new OverlayViewer(server.url, await createOverlayToken(server.url, ownerToken, connectionId));
    cleanups.push(() => viewer.close());

    const refreshTokens = new Set<string>();
    const sessions = new Set<string>();
    await streamMix(gm, EVENTS, () => {
      const stored = gm.module.tokens?.load();
      if (stored) {
        refreshTokens.add(stored.refreshToken);
        sessions.add(stored.sessionToken);
      }
    });
    await expectDrained(gm);

    // The stream outlived several sessions: the server closed the socket as each expired, and each was
    // refreshed (the refresh token rotates every time).
    expect(sessions.size).toBeGreaterThanOrEqual(3);
    expect(gm.disconnects.filter((reason) => reason === 'io server disconnect').length).toBeGreaterThanOrEqual(2);
    expect(refreshTokens.size).toBe(sessions.size);
    const refreshed = await counter(server.url, 'tumulte_http_requests_total', {
      route: '/vtt/refresh-token',
      status: '200',
    });
    expect(refreshed).toBeGreaterThanOrEqual(sessions.size - 1);
    const expiredHandshakes = await counter(server.url, 'tumulte_rejects_total', {
      code: 'TOKEN_EXPIRED',
      source: 'handshake',
    });
    if (handshakeRefusal === 'TOKEN_EXPIRED') expect(expiredHandshakes).toBeGreaterThan(0);
    else expect(expiredHandshakes).toBe(0);
    expect(gm.module.connection?.status.state).toBe('connected');
    expect(gm.tab.notifications.filter((n) => n.level === 'error')).toEqual([]);

    await expectOverlayEqualsModule(viewer, gm);
    const wire = expectWireExactlyOnce(gm);
    await server.stop();
    await expectStoredExactlyOnce(gm, { dataDir }, connectionId);
    console.info(
      `(c) ${sessions.size} sessions, ${refreshed} refreshes, disconnects: ${gm.disconnects.join(', ')}; ` +
        describeWire(wire),
    );
  }, 180_000);
});
