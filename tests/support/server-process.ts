// The server as a real process: `node server/dist/cli.js` configured through its environment (PORT, HOST,
// DATA_DIR, DATABASE_URL, REDIS_URL, LOG_LEVEL), or the launcher next to this file for config the CLI has no
// flag for. Killed with SIGKILL (a crash: nothing is flushed) or stopped with SIGTERM, and started again on the
// same port and data.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ConfigOverrides } from '@tumulte/server';

const require = createRequire(import.meta.url);
/** The server's built CLI (`turbo run build` makes it before the tests). */
export const SERVER_CLI = join(dirname(require.resolve('@tumulte/server/package.json')), 'dist', 'cli.js');
const LAUNCHER = join(import.meta.dirname, 'server-launcher.mjs');

export interface ServerProcessOptions {
  /** A fixed port, so that a restart comes back on the same address. */
  readonly port: number;
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  /** Config without a CLI flag: runs through the launcher instead of the CLI. */
  readonly overrides?: ConfigOverrides;
  /** The cluster adapter's stream/channel prefix (launcher only). */
  readonly channelPrefix?: string;
  readonly logLevel?: string;
}

const OWNER_TOKEN = /Owner API token[^\n]*\n\s+(tmo_\S+)/;
const KEEP_OUTPUT = 200_000;

export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private text = '';
  /** Owner API token printed at the first start of this database (null until seen). */
  ownerToken: string | null = null;
  readonly url: string;

  constructor(readonly options: ServerProcessOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  /** What the process printed (the last 200 KB): JSON log lines and the first-start banner. */
  get output(): string {
    return this.text;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Spawns the process and resolves once `/health` answers 200. */
  async start(): Promise<void> {
    if (this.child) throw new Error('already running');
    const { options } = this;
    const useLauncher = options.overrides !== undefined || options.channelPrefix !== undefined;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir ?? '',
      DATABASE_URL: options.databaseUrl ?? '',
      REDIS_URL: options.redisUrl ?? '',
      LOG_LEVEL: options.logLevel ?? 'info',
      TUMULTE_TEST_OVERRIDES: JSON.stringify(options.overrides ?? {}),
      TUMULTE_TEST_CHANNEL_PREFIX: options.channelPrefix ?? '',
    };
    const child = spawn(process.execPath, [useLauncher ? LAUNCHER : SERVER_CLI], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const append = (chunk: Buffer) => {
      this.text = (this.text + chunk.toString('utf8')).slice(-KEEP_OUTPUT);
      const token = OWNER_TOKEN.exec(this.text)?.[1];
      if (token) this.ownerToken = token;
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    let exitCode: number | string | null = null;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitCode = code ?? signal;
        if (this.child === child) this.child = null;
        resolve();
      });
    });
    for (const startedAt = Date.now(); ; ) {
      if (exitCode !== null) throw new Error(`the server exited (${exitCode}) before answering:\n${this.text}`);
      if (Date.now() - startedAt > 60_000) throw new Error(`the server did not answer /health:\n${this.text}`);
      try {
        const response = await fetch(`${this.url}/health`);
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The owner token of a first start (the banner is printed right after the server starts listening). */
  async firstRunOwnerToken(): Promise<string> {
    for (let waited = 0; !this.ownerToken; waited += 20) {
      if (waited > 10_000) throw new Error(`no owner token printed:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.ownerToken;
  }

  /** SIGKILL: the process dies at once (no shutdown, no flush). Resolves once it is gone. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: a clean shutdown (SIGKILL if it has not exited after 15 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
