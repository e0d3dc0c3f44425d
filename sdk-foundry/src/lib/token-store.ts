/** The session of a paired world, kept in the GM browser's localStorage (never in world settings). */
export interface StoredSession {
  readonly serverUrl: string;
  readonly connectionId: string;
  readonly sessionToken: string;
  readonly sessionExpiresAt: number;
  readonly refreshToken: string;
}

function isSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.serverUrl === 'string' &&
    typeof v.connectionId === 'string' &&
    typeof v.sessionToken === 'string' &&
    typeof v.sessionExpiresAt === 'number' &&
    typeof v.refreshToken === 'string'
  );
}

export class TokenStore {
  constructor(
    private readonly storage: Storage,
    private readonly key: string,
  ) {}

  load(): StoredSession | null {
    try {
      const value: unknown = JSON.parse(this.storage.getItem(this.key) ?? 'null');
      return isSession(value) ? value : null;
    } catch {
      return null;
    }
  }

  save(session: StoredSession): void {
    this.storage.setItem(this.key, JSON.stringify(session));
  }

  clear(): void {
    this.storage.removeItem(this.key);
  }
}
