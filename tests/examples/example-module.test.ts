// Issue 7: the plain-Node example module, run as a third party would run it, against the real server;
// checked by what the server stored and what an overlay received.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { type OverlayStatePayload, PROTOCOL_VERSION } from '@tumulte/schemas';
import { createOverlayClient } from '@tumulte/schemas/client';
import { buildServer, type TumulteServer } from '@tumulte/server';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';

const moduleScript = join(
  createRequire(import.meta.url).resolve('@tumulte/example-vtt-module/package.json'),
  '../module.mjs',
);

let dataDir: string;
let server: TumulteServer;
let url: string;
let ownerToken: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tumulte-example-'));
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  server = await buildServer({ port: 0, host: '127.0.0.1', dataDir, uiDir: null }, { logDestination: silent });
  url = await server.listen();
  ownerToken = server.firstRun?.ownerToken ?? '';
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ownerToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

it('pairs, syncs, sends rolls and combat turns, and the overlay sees the public part', async () => {
  // 1. The module starts and prints its pairing link.
  child = spawn(process.execPath, [moduleScript, '--server', url, '--world', 'example-world', '--stay'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const seen: string[] = [];
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const found = seen.find((line) => pattern.test(line));
      if (found) return resolve(found);
      const onLine = (line: string) => {
        if (pattern.test(line)) {
          lines.off('line', onLine);
          resolve(line);
        }
      };
      lines.on('line', onLine);
      child?.once('exit', (code) =>
        reject(new Error(`module exited (${code}) before ${pattern}; output:\n${seen.join('\n')}`)),
      );
    });
  lines.on('line', (line) => seen.push(line));
  const pairingUrl = (await waitForLine(/^PAIRING_URL /)).slice('PAIRING_URL '.length);

  // 2. The streamer pastes the link in the dashboard, compares, confirms.
  const preview = await api('POST', '/vtt/pair/preview', { pairingToken: pairingUrl });
  expect(preview).toMatchObject({ status: 200, body: { worldId: 'example-world', algorithm: 'ES256' } });
  const confirmed = await api('POST', '/vtt/pair', { pairingToken: pairingUrl });
  expect(confirmed.status).toBe(201);
  const connectionId = String(confirmed.body.connectionId);

  // 3. An overlay link for OBS, and an overlay connected before the game starts.
  const link = await api('POST', '/api/overlays', { connectionId, label: 'Main scene' });
  const overlayToken = String(link.body.url).split('/overlay/')[1]?.split('?')[0] ?? '';
  const socket = io(`${url}/overlay`, {
    transports: ['websocket'],
    auth: { token: overlayToken, protocolVersion: PROTOCOL_VERSION },
  });
  const overlay = createOverlayClient(socket);
  const rolls: string[] = [];
  overlay.on.diceRoll((event) =>
    rolls.push(`${event.roll.character?.name}:${event.roll.result.total}:${event.roll.critical.kind}`),
  );
  const states: OverlayStatePayload[] = [];
  overlay.on.overlayState((state) => states.push(state));

  // 4. The module streams its script and says when everything was acknowledged.
  await waitForLine(/^EXAMPLE_DONE$/);
  expect(seen).toContain('[module] all events acknowledged');

  // 5. What the server stored.
  const stored = await server.store.transaction(async (tx) => ({
    characters: await tx.listCharacters(connectionId),
    rolls: await tx.listRecentDiceRolls(connectionId, 50),
    combats: await tx.listCombats(connectionId),
  }));
  expect(stored.characters.map((c) => c.vttCharacterId).sort()).toEqual(['hero-ayla', 'hero-bram']);
  expect(stored.rolls).toHaveLength(3);
  expect(stored.rolls.filter((r) => r.visibility === 'gm').map((r) => r.result)).toEqual([null]);
  const status = await api('GET', `/vtt/connections/${connectionId}/status`);
  expect(status.body).toMatchObject({
    online: true,
    world: { id: 'example-world', name: 'The Example Campaign', system: 'example' },
  });

  // 6. What the overlay received: the two public rolls (the natural 20 as a critical), never the GM roll.
  await expect.poll(() => rolls.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  expect(rolls).toEqual(['Ayla:25:success', 'Bram:17:none']);
  // A fresh snapshot agrees with the module: Bram hurt, the combat over.
  const before = states.length;
  socket.disconnect().connect();
  await expect.poll(() => states.length, { timeout: 10_000 }).toBeGreaterThan(before);
  const state = states.at(-1);
  expect(state?.combat).toBeNull();
  expect(state?.characters.find((c) => c.vttCharacterId === 'hero-bram')?.stats.hp.current).toBe(25);
  expect(state?.recentRolls.map((r) => r.rollId)).toHaveLength(2);
  socket.close();
});
