import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, parseCommandLine, resolveConfig } from './config.js';

describe('configuration', () => {
  it('defaults to the embedded setup: SQLite in ./data, port 3000, no external service', () => {
    const command = parseCommandLine([], {});
    expect(command.kind).toBe('run');
    if (command.kind !== 'run') return;
    expect(command.config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
      heartbeat: { intervalMs: 30_000, timeoutMs: 60_000 },
      limits: { maxPayloadBytes: 65_536 },
    });
    expect(command.config.dataDir).toBe(resolveConfig({ dataDir: './data' }).dataDir);
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      PORT: '4000',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/tumulte-env',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tumulte',
      REDIS_URL: 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'debug',
    };
    const fromEnv = parseCommandLine([], env);
    expect(fromEnv).toMatchObject({
      kind: 'run',
      config: {
        port: 4000,
        host: '0.0.0.0',
        dataDir: '/tmp/tumulte-env',
        databaseUrl: env.DATABASE_URL,
        redisUrl: env.REDIS_URL,
        logLevel: 'debug',
      },
    });
    const fromFlags = parseCommandLine(
      [
        '--port',
        '5000',
        '--host=127.0.0.2',
        '--data-dir',
        '/tmp/tumulte-flag',
        '--database-url',
        'postgres://root@127.0.0.1/x',
        '--redis-url',
        'redis://localhost:6380',
        '--log-level',
        'WARN',
        '--trust-proxy',
      ],
      env,
    );
    expect(fromFlags).toMatchObject({
      kind: 'run',
      config: {
        port: 5000,
        host: '127.0.0.2',
        dataDir: '/tmp/tumulte-flag',
        databaseUrl: 'postgres://root@127.0.0.1/x',
        redisUrl: 'redis://localhost:6380',
        logLevel: 'warn',
        trustProxy: true,
      },
    });
  });

  it('treats empty variables as unset', () => {
    const command = parseCommandLine([], { DATABASE_URL: '', PORT: ' ' });
    expect(command).toMatchObject({ kind: 'run', config: { databaseUrl: undefined, port: 3000 } });
  });

  it('refuses bad values with a clear message', () => {
    expect(() => parseCommandLine(['--port', 'abc'], {})).toThrow(ConfigError);
    expect(() => parseCommandLine([], { PORT: '70000' })).toThrow(/PORT must be a port number/);
    expect(() => parseCommandLine(['--log-level', 'loud'], {})).toThrow(/--log-level must be one of/);
    expect(() => parseCommandLine(['--unknown'], {})).toThrow(ConfigError);
  });

  it('answers --help and --version', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-v'], {})).toEqual({ kind: 'version' });
  });

  it('merges nested overrides without losing defaults', () => {
    const config = resolveConfig({ heartbeat: { intervalMs: 50 }, rateLimits: { pairing: { max: 5 } } });
    expect(config.heartbeat).toEqual({ intervalMs: 50, timeoutMs: DEFAULT_CONFIG.heartbeat.timeoutMs });
    expect(config.rateLimits.pairing).toEqual({ max: 5, windowMs: 60_000 });
    expect(config.rateLimits.refresh).toEqual(DEFAULT_CONFIG.rateLimits.refresh);
  });
});
