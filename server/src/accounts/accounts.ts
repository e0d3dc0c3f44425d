// Accounts (streamers) and their dashboard API tokens.
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { hashToken, randomToken, TOKEN_PREFIX } from '../auth/secrets.js';
import type { AccountRole, AccountRow, ApiTokenKind, StoreTx } from '../store/store.js';

/** An HS256 pairing secret: full entropy (RFC 8725 §3.5), never a password. */
export function newPairingSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface NewAccount {
  readonly username: string;
  readonly role: AccountRole;
  readonly passwordHash?: string | null;
}

export async function createAccount(tx: StoreTx, input: NewAccount, now = Date.now()): Promise<AccountRow> {
  const account: AccountRow = {
    id: ulid(now),
    username: input.username,
    role: input.role,
    passwordHash: input.passwordHash ?? null,
    pairingSecret: newPairingSecret(),
    createdAt: now,
  };
  await tx.insertAccount(account);
  return account;
}

/** Creates a bearer token for `accountId`; the clear token is returned once and only its hash is stored. */
export async function createApiToken(
  tx: StoreTx,
  accountId: string,
  kind: ApiTokenKind,
  label: string,
  now = Date.now(),
): Promise<string> {
  const token = randomToken(kind === 'api' ? TOKEN_PREFIX.api : TOKEN_PREFIX.setup);
  await tx.insertApiToken({
    id: ulid(now),
    accountId,
    kind,
    tokenHash: hashToken(token),
    label,
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
  });
  return token;
}
