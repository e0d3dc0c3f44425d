// First start: create the owner account and its one-time credentials. Exactly one node of a cluster does it
// (the `owner_account_id` setting is inserted first, race-free); the others see it already done.
import type { Store } from '../store/store.js';
import { createAccount, createApiToken } from './accounts.js';

const OWNER_SETTING = 'owner_account_id';
export const OWNER_USERNAME = 'owner';

export interface FirstRun {
  readonly accountId: string;
  /** Dashboard API bearer token of the owner. Shown once; only its hash is stored. */
  readonly ownerToken: string;
  /** One-time token for the first-run setup (choose the owner's username and password). */
  readonly setupToken: string;
}

/** Creates the owner on the very first start; null when the server was already set up. */
export async function ensureOwner(store: Store, now = Date.now()): Promise<FirstRun | null> {
  return store
    .transaction(async (tx) => {
      if ((await tx.getSetting(OWNER_SETTING)) !== null) return null;
      const account = await createAccount(tx, { username: OWNER_USERNAME, role: 'owner' }, now);
      if (!(await tx.insertSettingIfAbsent(OWNER_SETTING, account.id))) {
        // Another node won the race: undo this transaction's account.
        throw new OwnerExists();
      }
      const ownerToken = await createApiToken(tx, account.id, 'api', 'Owner token (first start)', now);
      const setupToken = await createApiToken(tx, account.id, 'setup', 'First-run setup', now);
      return { accountId: account.id, ownerToken, setupToken };
    })
    .catch((error: unknown) => {
      if (error instanceof OwnerExists) return null;
      throw error;
    });
}

class OwnerExists extends Error {}

/** The owner's account id, once set up. */
export async function ownerAccountId(store: Store): Promise<string | null> {
  return store.transaction((tx) => tx.getSetting(OWNER_SETTING));
}
