// Cross-cutting HTTP behaviour: health, metrics, the error registry on every failure, CORS for module routes,
// and logs that never carry a secret.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { HTTP_ROUTES, PROTOCOL_VERSION } from '@tumulte/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { expectError, expectSuccess } from '../test-support/contract-checks.js';
import { d20Roll } from '../test-support/fixtures.js';
import { pairWithOwner } from '../test-support/pairing-flow.js';
import { connectModule, startTestServer, type TestServer } from '../test-support/test-server.js';
import { schemasDirectory } from './schema-files.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ logLevel: 'debug' });
});
afterAll(() => ts.close());

describe('health and metrics', () => {
  it('reports the database reachable', async () => {
    const health = expectSuccess(await ts.server.app.inject({ method: 'GET', url: '/health' }), 'GET /health', 200);
    expect(health).toEqual({ status: 'ok', database: 'ok', version: '1.0.0' });
  });

  it('reports 503 when the database is gone', async () => {
    const broken = await startTestServer({}, { listen: false });
    await broken.server.store.close();
    try {
      const health = expectSuccess(
        await broken.server.app.inject({ method: 'GET', url: '/health' }),
        'GET /health',
        503,
      );
      expect(health).toMatchObject({ status: 'degraded', database: 'unreachable' });
    } finally {
      await broken.close();
    }
  });

  it('exposes Prometheus metrics: sockets, events by type, rejects by code, latency', async () => {
    const paired = await pairWithOwner(ts);
    const module = await connectModule(ts.url, paired.sessionToken);
    await module.client.emit.diceRoll(d20Roll(12));
    await ts.server.app.inject({ method: 'GET', url: '/vtt/connections' });
    const answer = await ts.server.app.inject({ method: 'GET', url: '/metrics' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toContain('text/plain');
    expect(answer.body).toContain('tumulte_vtt_connections 1');
    expect(answer.body).toContain('tumulte_vtt_events_total{event="dice:roll",result="stored"} 1');
    expect(answer.body).toContain('tumulte_rejects_total{code="UNAUTHORIZED",source="http"} 1');
    expect(answer.body).toContain('tumulte_vtt_heartbeat_latency_seconds_bucket');
    expect(answer.body).toContain('tumulte_http_requests_total{route="/vtt/connections",status="401"} 1');
    module.socket.disconnect();
  });
});

describe('errors', () => {
  it('answers unknown routes with NOT_FOUND without echoing the URL', async () => {
    const answer = await ts.server.app.inject({ method: 'GET', url: '/nope/secret-token-123' });
    expectError(answer, 'NOT_FOUND');
    expect(answer.body).not.toContain('secret-token-123');
  });

  it('answers an oversized body with PAYLOAD_TOO_LARGE', async () => {
    const answer = await ts.server.app.inject({
      method: 'POST',
      url: '/vtt/refresh-token',
      payload: { connectionId: 'x', refreshToken: 'y'.repeat(100_000) },
    });
    expectError(answer, 'PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON and a wrong content type with VALIDATION', async () => {
    const malformed = await ts.server.app.inject({
      method: 'POST',
      url: '/vtt/refresh-token',
      headers: { 'content-type': 'application/json' },
      payload: '{"connectionId":',
    });
    expectError(malformed, 'VALIDATION');
    const xml = await ts.server.app.inject({
      method: 'POST',
      url: '/vtt/refresh-token',
      headers: { 'content-type': 'application/xml' },
      payload: '<refresh/>',
    });
    expectError(xml, 'VALIDATION');
    const extra = await ts.server.app.inject({
      method: 'POST',
      url: '/vtt/refresh-token',
      payload: { connectionId: 'x', refreshToken: 'y', admin: true },
    });
    expect(expectError(extra, 'VALIDATION').error.issues?.length).toBeGreaterThan(0);
  });
});

describe('CORS for the routes a module calls from its own page', () => {
  it.each([HTTP_ROUTES['GET /vtt/pair/wait'].path, HTTP_ROUTES['POST /vtt/refresh-token'].path])(
    'answers the preflight of %s and allows any origin (no cookies)',
    async (path) => {
      const preflight = await ts.server.app.inject({
        method: 'OPTIONS',
        url: path,
        headers: { origin: 'https://foundry.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
      expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    },
  );

  it('does not open dashboard routes to other origins', async () => {
    const answer = await ts.server.app.inject({
      method: 'GET',
      url: '/vtt/connections',
      headers: { origin: 'https://evil.example' },
    });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('logs', () => {
  it('never contain a token, even at debug level', async () => {
    const paired = await pairWithOwner(ts, 'ES256');
    const module = await connectModule(ts.url, paired.sessionToken);
    await module.client.emit.diceRoll(d20Roll(3));
    module.socket.disconnect();
    await ts.server.app.inject({
      method: 'GET',
      url: '/vtt/connections',
      headers: { authorization: `Bearer ${ts.ownerToken}` },
    });
    const text = ts.logs.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [ts.ownerToken ?? 'x', paired.sessionToken, paired.refreshToken]) {
      expect(text).not.toContain(secret);
    }
  });

  it('redacts secret fields wherever they appear', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, callback) {
          lines.push(String(chunk));
          callback();
        },
      }),
    );
    logger.info(
      {
        refreshToken: 'SECRET-1',
        body: { pairingToken: 'SECRET-2', nested: { password: 'SECRET-3' } },
        req: { headers: { authorization: 'Bearer SECRET-4', cookie: 'sid=SECRET-5' } },
        connectionId: 'kept',
      },
      'test',
    );
    const line = lines.join('');
    expect(line).toContain('kept');
    expect(line).not.toMatch(/SECRET-\d/);
  });
});

describe('published JSON Schemas', () => {
  it('serves the protocol schemas at /schemas/vtt/v1/', async () => {
    const index = await ts.server.app.inject({ method: 'GET', url: '/schemas/vtt/v1/events.json' });
    expect(index.statusCode).toBe(200);
    expect(index.json()).toMatchObject({ protocolVersion: PROTOCOL_VERSION });
    const roll = await ts.server.app.inject({ method: 'GET', url: '/schemas/vtt/v1/components/DiceRollPayload.json' });
    expect(roll.statusCode).toBe(200);
    expect(roll.json()).toMatchObject({ type: 'object' });
    expectError(await ts.server.app.inject({ method: 'GET', url: '/schemas/vtt/v1/../../package.json' }), 'NOT_FOUND');
  });

  it('serves every published schema at the path of its $id', async () => {
    const root = schemasDirectory();
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.json') && f !== 'events.json',
    );
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const schema = JSON.parse(readFileSync(join(root, file), 'utf8')) as { $id: string };
      const path = new URL(schema.$id).pathname;
      const answer = await ts.server.app.inject({ method: 'GET', url: path });
      expect(answer.statusCode, path).toBe(200);
      expect(answer.json()).toEqual(schema);
    }
  });

  it('serves the protocol guide at /docs and the contract at /asyncapi.yaml', async () => {
    const docs = await ts.server.app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
    expect(docs.headers['content-security-policy']).toContain("default-src 'none'");
    expect(docs.body).toContain('<h2 id="pairing">Pairing</h2>');
    expect(docs.body).toContain('dice:roll');
    const contract = await ts.server.app.inject({ method: 'GET', url: '/asyncapi.yaml' });
    expect(contract.statusCode).toBe(200);
    expect(contract.body).toContain('asyncapi: 3.0.0');
  });
});
