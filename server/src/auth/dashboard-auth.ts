// Who is calling the dashboard API: a bearer API token (the owner token printed at first start, or any token
// created for an account). Cookie sessions (dashboard login) plug in here as a second way to the same account.
import { ProtocolError } from '@tumulte/schemas';
import type { AccountRow, Store } from '../store/store.js';
import { hashToken, TOKEN_PREFIX } from './secrets.js';

export interface DashboardRequest {
  readonly method: string;
  readonly headers: {
    readonly authorization?: string | undefined;
    readonly origin?: string | undefined;
    readonly host?: string | undefined;
  };
  readonly cookies?: Readonly<Record<string, string | undefined>>;
}

/**
 * A cookie-authenticated request that changes something must come from the dashboard's own origin: SameSite=Lax
 * does not stop other ports of the same host (a VTT on localhost:30000, say) from posting with the cookie.
 */
export function isSameOrigin(request: DashboardRequest): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return true;
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export type SessionResolver = (request: DashboardRequest) => Promise<AccountRow | null>;

export function bearerToken(request: {
  readonly headers: { readonly authorization?: string | undefined };
}): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

export class DashboardAuth {
  private readonly resolvers: SessionResolver[] = [];

  constructor(private readonly store: Store) {}

  /** Adds another way to authenticate (tried after the bearer token). */
  addResolver(resolver: SessionResolver): void {
    this.resolvers.push(resolver);
  }

  async authenticate(request: DashboardRequest): Promise<AccountRow> {
    const token = bearerToken(request);
    if (token?.startsWith(TOKEN_PREFIX.api)) {
      const account = await this.fromApiToken(token);
      if (account) return account;
      throw new ProtocolError('UNAUTHORIZED', 'This API token is not valid.');
    }
    for (const resolve of this.resolvers) {
      const account = await resolve(request);
      if (account) return account;
    }
    throw new ProtocolError('UNAUTHORIZED', 'Log in to the dashboard or send an API token (Authorization: Bearer).');
  }

  private fromApiToken(token: string): Promise<AccountRow | null> {
    return this.store.transaction(async (tx) => {
      const row = await tx.findApiTokenByHash(hashToken(token));
      if (row?.kind !== 'api' || row.revokedAt !== null) return null;
      await tx.touchApiToken(row.id, Date.now());
      return tx.getAccount(row.accountId);
    });
  }
}
