import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OVERLAY_DIR } from './chromium';

const ROOT = join(OVERLAY_DIR, '..');
const SERVER_CLI = join(ROOT, 'server', 'src', 'cli.ts');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The one-time owner setup link the server printed at its first start. */
  readonly setupLink: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the real server the way a new user does (`tumulte-server`, here from its sources through tsx): a fresh
 * data directory (SQLite), any free port, and the first-start banner read from its output.
 */
export async function startTumulteServer(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tumulte-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [TSX_CLI, SERVER_CLI, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', PORT: '', HOST: '' }, stdio: 'pipe' },
  );
  let output = '';
  const setupLink = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const link = /(https?:\/\/\S+\/setup#\S+)/.exec(output)?.[1];
      if (link) resolve(link);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`the server exited (${code}) before printing its setup link:\n${output}`)),
    );
  });
  const origin = new URL(setupLink).origin;
  return {
    origin,
    setupLink,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
