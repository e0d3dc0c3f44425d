import { generateKeyPair } from 'jose';
import { log } from './log.js';

/** The module's ES256 key pair: the server binds the connection to the public key's RFC 7638 thumbprint. */
export interface ModuleKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

export interface KeyStore {
  /** `indexeddb`: the private key is non-extractable and stored as a CryptoKey; `localstorage`: the fallback. */
  readonly kind: 'indexeddb' | 'localstorage';
  generate(): Promise<ModuleKeyPair>;
  load(): Promise<ModuleKeyPair | null>;
  save(pair: ModuleKeyPair): Promise<void>;
  delete(): Promise<void>;
}

const DB_NAME = 'tumulte-integration';
const STORE = 'keys';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** A non-extractable private key stored as a CryptoKey in IndexedDB (structured clone keeps it usable). */
export class IndexedDbKeyStore implements KeyStore {
  readonly kind = 'indexeddb';

  private constructor(
    private readonly db: IDBDatabase,
    private readonly id: string,
  ) {}

  static async open(factory: IDBFactory, id: string): Promise<IndexedDbKeyStore> {
    const open = factory.open(DB_NAME, 1);
    open.onupgradeneeded = () => {
      if (!open.result.objectStoreNames.contains(STORE)) open.result.createObjectStore(STORE);
    };
    return new IndexedDbKeyStore(await request(open), id);
  }

  generate(): Promise<ModuleKeyPair> {
    return generateKeyPair('ES256', { extractable: false });
  }

  async load(): Promise<ModuleKeyPair | null> {
    const value: unknown = await request(this.db.transaction(STORE, 'readonly').objectStore(STORE).get(this.id));
    if (typeof value !== 'object' || value === null) return null;
    const pair = value as Partial<ModuleKeyPair>;
    return pair.privateKey && pair.publicKey ? { privateKey: pair.privateKey, publicKey: pair.publicKey } : null;
  }

  async save(pair: ModuleKeyPair): Promise<void> {
    await request(
      this.db
        .transaction(STORE, 'readwrite')
        .objectStore(STORE)
        .put({ privateKey: pair.privateKey, publicKey: pair.publicKey }, this.id),
    );
  }

  async delete(): Promise<void> {
    await request(this.db.transaction(STORE, 'readwrite').objectStore(STORE).delete(this.id));
  }
}

/**
 * Fallback when IndexedDB is unavailable (private windows of some browsers): the key pair is generated
 * extractable and kept as JWKs in localStorage, next to the refresh token — the same exposure as that token.
 */
export class LocalStorageKeyStore implements KeyStore {
  readonly kind = 'localstorage';

  constructor(
    private readonly storage: Storage,
    private readonly key: string,
  ) {}

  generate(): Promise<ModuleKeyPair> {
    return generateKeyPair('ES256', { extractable: true });
  }

  async load(): Promise<ModuleKeyPair | null> {
    try {
      const value = JSON.parse(this.storage.getItem(this.key) ?? 'null') as {
        privateKey?: JsonWebKey;
        publicKey?: JsonWebKey;
      } | null;
      if (!value?.privateKey || !value.publicKey) return null;
      const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
      return {
        privateKey: await crypto.subtle.importKey('jwk', value.privateKey, algorithm, true, ['sign']),
        publicKey: await crypto.subtle.importKey('jwk', value.publicKey, algorithm, true, ['verify']),
      };
    } catch (error) {
      log.warn('could not read the stored key pair', error);
      return null;
    }
  }

  async save(pair: ModuleKeyPair): Promise<void> {
    const privateKey = await crypto.subtle.exportKey('jwk', pair.privateKey);
    const publicKey = await crypto.subtle.exportKey('jwk', pair.publicKey);
    this.storage.setItem(this.key, JSON.stringify({ privateKey, publicKey }));
  }

  async delete(): Promise<void> {
    this.storage.removeItem(this.key);
  }
}

/** IndexedDB when it opens, else the documented localStorage fallback. */
export async function openKeyStore(factory: IDBFactory | undefined, storage: Storage, id: string): Promise<KeyStore> {
  if (factory) {
    try {
      return await IndexedDbKeyStore.open(factory, id);
    } catch (error) {
      log.warn('IndexedDB is unavailable; keeping the key pair in localStorage instead', error);
    }
  }
  return new LocalStorageKeyStore(storage, `${id}.keypair`);
}
