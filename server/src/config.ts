// The server's configuration: defaults that need no external service, then environment variables, then
// command-line flags (flags win). Tests build a config in code with `resolveConfig({...})`.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RateLimit {
  /** Requests allowed per window and client address. */
  readonly max: number;
  readonly windowMs: number;
}

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Where the SQLite database lives (and any other local state). */
  readonly dataDir: string;
  /** PostgreSQL connection string; unset means SQLite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Redis URL; when set, Socket.IO fans events out across nodes through Redis streams. */
  readonly redisUrl: string | undefined;
  readonly logLevel: LogLevel;
  readonly heartbeat: { readonly intervalMs: number; readonly timeoutMs: number };
  readonly limits: {
    /** Largest Socket.IO message (and HTTP body) accepted, in bytes; a larger message closes the connection. */
    readonly maxPayloadBytes: number;
    readonly eventsPerSecond: number;
    readonly eventsBurst: number;
  };
  readonly rateLimits: {
    /** POST /vtt/pair/preview and POST /vtt/pair. */
    readonly pairing: RateLimit;
    /** /vtt/pair/wait (POST, and GET for 1.0 tokens), each. */
    readonly pairingWait: RateLimit;
    /** POST /vtt/refresh-token. */
    readonly refresh: RateLimit;
    /** POST /api/login and POST /api/setup. */
    readonly login: RateLimit;
    /** POST /api/public/polls/:id/votes. */
    readonly vote: RateLimit;
  };
  /** How long /vtt/pair/wait holds a request before answering `pending`. */
  readonly pairingWaitMs: number;
  /** Lifetime of a module's session token. */
  readonly sessionTtlSeconds: number;
  /** Check every HTTP answer against the contract before sending it (answers INTERNAL if one is wrong). */
  readonly validateResponses: boolean;
  /** Trust X-Forwarded-* headers (behind a reverse proxy). */
  readonly trustProxy: boolean;
  /** How long the server waits for a module's answer to `query:characters`. */
  readonly queryTimeoutMs: number;
  /** Lifetime of a dashboard login (session cookie). */
  readonly dashboardSessionTtlSeconds: number;
  /** How often every node looks for running polls past their end (closes them even if their node died). */
  readonly pollSweepIntervalMs: number;
  /** The built overlay/dashboard app (`overlay/dist`); null to serve no UI. Default: found next to the server. */
  readonly uiDir: string | null | undefined;
}

export const DEFAULT_CONFIG: ServerConfig = {
  port: 3000,
  host: '127.0.0.1',
  dataDir: './data',
  databaseUrl: undefined,
  redisUrl: undefined,
  logLevel: 'info',
  heartbeat: { intervalMs: 30_000, timeoutMs: 60_000 },
  limits: { maxPayloadBytes: 64 * 1024, eventsPerSecond: 50, eventsBurst: 200 },
  rateLimits: {
    pairing: { max: 20, windowMs: 60_000 },
    pairingWait: { max: 120, windowMs: 60_000 },
    refresh: { max: 30, windowMs: 60_000 },
    login: { max: 10, windowMs: 60_000 },
    vote: { max: 30, windowMs: 60_000 },
  },
  pairingWaitMs: 25_000,
  sessionTtlSeconds: 15 * 60,
  validateResponses: true,
  trustProxy: false,
  queryTimeoutMs: 10_000,
  dashboardSessionTtlSeconds: 30 * 24 * 3600,
  pollSweepIntervalMs: 5_000,
  uiDir: undefined,
};

type DeepPartial<T> = { [K in keyof T]?: (T[K] extends object ? DeepPartial<T[K]> : T[K]) | undefined };
export type ConfigOverrides = DeepPartial<ServerConfig>;

function merge<T extends object>(base: T, overrides: DeepPartial<T> | undefined): T {
  if (!overrides) return base;
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const current = (base as Record<string, unknown>)[key];
    result[key] =
      value !== null && typeof value === 'object' && current !== null && typeof current === 'object'
        ? merge(current as object, value as DeepPartial<object>)
        : value;
  }
  return result as T;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function checkPort(value: number, source: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new ConfigError(`${source} must be a port number (0-65535), got "${value}"`);
  }
  return value;
}

/** Defaults with `overrides` applied, checked. */
export function resolveConfig(overrides: ConfigOverrides = {}): ServerConfig {
  const config = merge(DEFAULT_CONFIG, overrides);
  checkPort(config.port, 'port');
  if (!LOG_LEVELS.includes(config.logLevel)) {
    throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${config.logLevel}"`);
  }
  if (config.heartbeat.intervalMs <= 0 || config.heartbeat.timeoutMs <= 0) {
    throw new ConfigError('heartbeat interval and timeout must be positive');
  }
  return { ...config, dataDir: resolve(config.dataDir) };
}

export const USAGE = `Usage: tumulte-server [options]

Options (each has an environment variable; flags win):
  --port <n>            PORT          HTTP and Socket.IO port (default 3000)
  --host <addr>         HOST          address to listen on (default 127.0.0.1; 0.0.0.0 for the LAN)
  --data-dir <path>     DATA_DIR      SQLite database and local state (default ./data)
  --database-url <url>  DATABASE_URL  use PostgreSQL instead of SQLite (postgres://user@host:5432/db)
  --redis-url <url>     REDIS_URL     fan Socket.IO events out across nodes through Redis
  --log-level <level>   LOG_LEVEL     fatal, error, warn, info (default), debug, trace, silent
  --trust-proxy         TRUST_PROXY   trust X-Forwarded-* headers (behind a reverse proxy)
  -h, --help            show this help
  -v, --version         show the version
`;

export type CliCommand =
  | { readonly kind: 'run'; readonly config: ServerConfig }
  | { readonly kind: 'help' | 'version' };

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

function parsePort(value: string | undefined, source: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new ConfigError(`${source} must be a port number (0-65535), got "${value}"`);
  return checkPort(Number(value), source);
}

function parseLogLevel(value: string | undefined, source: string): LogLevel | undefined {
  if (value === undefined) return undefined;
  const level = value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`${source} must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return level as LogLevel;
}

const truthy = (value: string | undefined) => value !== undefined && /^(1|true|yes|on)$/i.test(value);

/** Reads the command line and the environment (what `tumulte-server` / `npm start` does). */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  const flags = parsed.values;
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  const overrides: ConfigOverrides = {
    port: parsePort(nonEmpty(flags.port), '--port') ?? parsePort(nonEmpty(env.PORT), 'PORT'),
    host: nonEmpty(flags.host) ?? nonEmpty(env.HOST),
    dataDir: nonEmpty(flags['data-dir']) ?? nonEmpty(env.DATA_DIR),
    databaseUrl: nonEmpty(flags['database-url']) ?? nonEmpty(env.DATABASE_URL),
    redisUrl: nonEmpty(flags['redis-url']) ?? nonEmpty(env.REDIS_URL),
    logLevel:
      parseLogLevel(nonEmpty(flags['log-level']), '--log-level') ?? parseLogLevel(nonEmpty(env.LOG_LEVEL), 'LOG_LEVEL'),
    trustProxy: flags['trust-proxy'] === true || truthy(env.TRUST_PROXY) ? true : undefined,
  };
  return { kind: 'run', config: resolveConfig(overrides) };
}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'redis-url': { type: 'string' },
  'log-level': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;
