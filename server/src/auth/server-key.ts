// The server's signing key (ES256) for session tokens. Generated at first start and kept in the database
// (the SQLite file in the data directory, or PostgreSQL), so a restart keeps sessions valid and every node
// of a cluster signs and verifies with the same key.
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Store } from '../store/store.js';

const SETTING_KEY = 'server_signing_key';

export interface ServerKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

interface StoredKey {
  readonly kid: string;
  readonly privateJwk: JWK;
}

async function generate(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const { d: _private, ...publicJwk } = privateJwk;
  return { kid: await calculateJwkThumbprint(publicJwk, 'sha256'), privateJwk };
}

/** Loads the key, creating it once (the first node to start wins; the others read it back). */
export async function loadOrCreateServerKey(store: Store): Promise<ServerKey> {
  let stored = await store.transaction((tx) => tx.getSetting(SETTING_KEY));
  if (stored === null) {
    const fresh = await generate();
    stored = await store.transaction(async (tx) => {
      await tx.insertSettingIfAbsent(SETTING_KEY, JSON.stringify(fresh));
      return tx.getSetting(SETTING_KEY);
    });
  }
  if (stored === null) throw new Error('The server key could not be stored');
  const { kid, privateJwk } = JSON.parse(stored) as StoredKey;
  const { d: _private, ...publicJwk } = privateJwk;
  return {
    kid,
    privateKey: (await importJWK(privateJwk, 'ES256')) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
  };
}
