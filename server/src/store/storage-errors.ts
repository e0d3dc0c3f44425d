// Tells "the database is unreachable" (answer STORAGE_UNAVAILABLE, retry later) from bugs (INTERNAL).

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isStorageUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = codeOf(current);
    // PostgreSQL SQLSTATE class 08 (connection exception) and 57P0x (server shutting down).
    if (code && (UNREACHABLE_CODES.has(code) || code.startsWith('08') || /^57P0[1-3]$/.test(code))) return true;
    if (current instanceof Error) {
      // A transaction whose connection died fails on its ROLLBACK with pg's "… is not queryable", not the cause.
      if (
        /Connection terminated|not queryable|database is closed|The database connection is not open|Cannot use a pool after calling end/i.test(
          current.message,
        )
      ) {
        return true;
      }
      current = current.cause;
    } else {
      break;
    }
  }
  return false;
}
