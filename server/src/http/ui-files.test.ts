// The built app is served as the overlay README asks: pages answer index.html, hashed assets are cached.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../test-support/contract-checks.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const ui = makeTempDir();
let ts: TestServer;
const INDEX = '<!doctype html><title>Tumulte</title><div id="app"></div>';

beforeAll(async () => {
  mkdirSync(join(ui.path, 'assets'));
  writeFileSync(join(ui.path, 'index.html'), INDEX);
  writeFileSync(join(ui.path, 'assets', 'index-Ab12Cd34.js'), 'console.log("app")');
  ts = await startTestServer({ uiDir: ui.path }, { listen: false });
});
afterAll(async () => {
  await ts.close();
  ui.remove();
});

describe('the dashboard, overlay and vote pages', () => {
  it.each([
    '/',
    '/setup',
    '/login',
    '/pair',
    '/connections',
    '/overlays',
    '/polls',
    '/overlay/tmv_abc?widgets=dice,party&lang=fr',
    '/vote/01JDKXFN2P3Q4R5S6T7V8W9X0Y',
  ])('GET %s answers the app', async (url) => {
    const answer = await ts.server.app.inject({ method: 'GET', url });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toContain('text/html');
    expect(answer.headers['cache-control']).toBe('no-cache');
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
    expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(answer.body).toBe(INDEX);
  });

  it('serves hashed assets for a year', async () => {
    const answer = await ts.server.app.inject({ method: 'GET', url: '/assets/index-Ab12Cd34.js' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBe('console.log("app")');
    expect(answer.headers['cache-control']).toContain('immutable');
  });

  it('keeps unknown paths and API misses as JSON errors', async () => {
    expectError(await ts.server.app.inject({ method: 'GET', url: '/overlay/a/b' }), 'NOT_FOUND');
    expectError(await ts.server.app.inject({ method: 'GET', url: '/api/nothing' }), 'NOT_FOUND');
    expectError(await ts.server.app.inject({ method: 'GET', url: '/assets/missing.js' }), 'NOT_FOUND');
  });

  it('runs the API alone when the app is not built', async () => {
    const bare = await startTestServer({ uiDir: join(ui.path, 'nowhere') }, { listen: false });
    try {
      expectError(await bare.server.app.inject({ method: 'GET', url: '/' }), 'NOT_FOUND');
      expect((await bare.server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      expect(bare.logs.join('')).toContain('not built');
    } finally {
      await bare.close();
    }
  });
});
