// `tumulte-server` as a process: embedded defaults, first-start owner token, /health, clean shutdown.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './test-support/temp-dir.js';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const dir = makeTempDir();
afterAll(() => dir.remove());

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/** Starts the CLI from source on a free port and resolves once it listens. */
function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /"address":"(http:\/\/[^"]+)".*tumulte server listening/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += String(chunk);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.once('exit', (code) => resolve(code));
    running.child.kill('SIGTERM');
  });
}

describe('tumulte-server', () => {
  it('starts on SQLite in its data dir, prints the owner token once, serves /health and stops cleanly', async () => {
    const first = await start(['--data-dir', dir.path], { LOG_LEVEL: 'info', DATABASE_URL: '' });
    try {
      const health = await fetch(`${first.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: 'ok', version: '1.0.0' });
      const token = /Owner API token[^\n]*\n\s+(tmo_\S+)/.exec(first.output())?.[1];
      expect(token).toBeDefined();
      const list = await fetch(`${first.url}/vtt/connections`, { headers: { authorization: `Bearer ${token}` } });
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual({ connections: [] });
    } finally {
      expect(await stop(first)).toBe(0);
    }

    const second = await start([], { DATA_DIR: dir.path, LOG_LEVEL: 'info' });
    try {
      expect(second.output()).not.toContain('Owner API token');
      expect((await fetch(`${second.url}/health`)).status).toBe(200);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });

  it('refuses a bad flag with the usage and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', 'nope'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += String(chunk);
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a port number');
    expect(stderr).toContain('Usage: tumulte-server');
  });
});
