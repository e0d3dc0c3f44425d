// Dashboard accounts: first-run setup of the owner (with the one-time setup token printed at first start),
// password login with a session cookie, logout. The cookie only holds a random id; its hash is stored.
import {
  type Account,
  type LoginRequest,
  type OwnerSetupRequest,
  ProtocolError,
  type SessionInfo,
} from '@tumulte/schemas';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { hashToken, randomToken } from '../auth/secrets.js';
import type { AccountRow, Store } from '../store/store.js';
import { ownerAccountId } from './owner-bootstrap.js';

export const SESSION_COOKIE = 'tumulte_session';
const SESSION_PREFIX = 'tsd_';

export function accountBody(row: AccountRow): Account {
  return { accountId: row.id, username: row.username, role: row.role, createdAt: row.createdAt };
}

export interface NewSession {
  readonly account: AccountRow;
  /** The cookie value (shown once; only its hash is stored). */
  readonly cookie: string;
  readonly expiresAt: number;
}

export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly sessionTtlSeconds: number,
  ) {}

  /** True until the owner has chosen a password. */
  async setupRequired(): Promise<boolean> {
    const ownerId = await ownerAccountId(this.store);
    if (!ownerId) return true;
    const owner = await this.store.transaction((tx) => tx.getAccount(ownerId));
    return owner?.passwordHash == null;
  }

  async sessionInfo(account: AccountRow | null): Promise<SessionInfo> {
    return { account: account ? accountBody(account) : null, setupRequired: await this.setupRequired() };
  }

  /** POST /api/setup: works once, with the setup token printed at first start. */
  async setup(request: OwnerSetupRequest, now = Date.now()): Promise<NewSession> {
    const passwordHash = await hashPassword(request.password);
    const account = await this.store.transaction(async (tx) => {
      const invalid = new ProtocolError('UNAUTHORIZED', 'This setup token is not valid (it works once).');
      const token = await tx.findApiTokenByHash(hashToken(request.setupToken));
      if (token?.kind !== 'setup') throw invalid;
      const owner = await tx.getAccount(token.accountId);
      if (!owner) throw invalid;
      if (owner.passwordHash !== null) throw new ProtocolError('CONFLICT', 'The owner account is already set up.');
      if (token.revokedAt !== null) throw invalid;
      const taken = await tx.getAccountByUsername(request.username);
      if (taken && taken.id !== owner.id) throw new ProtocolError('CONFLICT', 'This username is taken.');
      await tx.setAccountCredentials(owner.id, request.username, passwordHash);
      await tx.revokeApiToken(token.id, now);
      return { ...owner, username: request.username, passwordHash };
    });
    return this.openSession(account, now);
  }

  /** POST /api/login. The same answer for an unknown user and a wrong password. */
  async login(request: LoginRequest, now = Date.now()): Promise<NewSession> {
    const account = await this.store.transaction((tx) => tx.getAccountByUsername(request.username));
    const valid = await verifyPassword(request.password, account?.passwordHash ?? null);
    if (!account || !valid) throw new ProtocolError('UNAUTHORIZED', 'Wrong username or password.');
    return this.openSession(account, now);
  }

  async logout(cookie: string | undefined): Promise<void> {
    if (!cookie) return;
    await this.store.transaction((tx) => tx.deleteDashboardSession(hashToken(cookie)));
  }

  /** The account of a session cookie, or null (unknown or expired). */
  async fromCookie(cookie: string | undefined, now = Date.now()): Promise<AccountRow | null> {
    if (!cookie?.startsWith(SESSION_PREFIX)) return null;
    return this.store.transaction(async (tx) => {
      const session = await tx.getDashboardSession(hashToken(cookie));
      if (!session) return null;
      if (session.expiresAt <= now) {
        await tx.deleteDashboardSession(session.idHash);
        return null;
      }
      return tx.getAccount(session.accountId);
    });
  }

  private async openSession(account: AccountRow, now: number): Promise<NewSession> {
    const cookie = randomToken(SESSION_PREFIX);
    const expiresAt = now + this.sessionTtlSeconds * 1000;
    await this.store.transaction((tx) =>
      tx.insertDashboardSession({ idHash: hashToken(cookie), accountId: account.id, createdAt: now, expiresAt }),
    );
    return { account, cookie, expiresAt };
  }
}
