// Structured logs (pino). Secrets never reach a log line: known secret fields are redacted wherever they
// appear, and HTTP requests are logged by route pattern (never the raw URL, which may carry an overlay token).
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'token',
  'pairingToken',
  'sessionToken',
  'refreshToken',
  'proof',
  'password',
  'passwordHash',
  'secret',
  'pairingSecret',
  'ownerToken',
  'setupToken',
  'privateJwk',
  'd',
];

/** Paths pino redacts: each secret key at the top level and up to two levels deep, plus request headers. */
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((key) => [`["${key}"]`, `*["${key}"]`, `*.*["${key}"]`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tumulte-server' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
