import { ulid } from 'ulid';
import { createAccount } from '../accounts/accounts.js';
import type { AccountRow, ConnectionRow, Store } from '../store/store.js';
import { WORLD_ID } from './fixtures.js';

/** An account and a connection paired with the fixtures' world, straight in the store. */
export async function seedConnection(
  store: Store,
  username = `streamer_${ulid().slice(-8).toLowerCase()}`,
): Promise<{ account: AccountRow; connection: ConnectionRow }> {
  return store.transaction(async (tx) => {
    const account = await createAccount(tx, { username, role: 'streamer' });
    const id = ulid();
    await tx.insertConnection({
      id,
      accountId: account.id,
      worldId: WORLD_ID,
      worldName: 'Lost Mine of Phandelver',
      systemId: null,
      systemVersion: null,
      vttName: null,
      vttVersion: null,
      moduleVersion: '1.0.0',
      gmUserId: 'gmUser0000000001',
      gmName: 'Gamemaster',
      algorithm: 'HS256',
      keyThumbprint: null,
      publicJwk: null,
      createdAt: Date.now(),
    });
    const connection = await tx.getConnection(id);
    if (!connection) throw new Error('seed failed');
    return { account, connection };
  });
}
