// Pairing tokens and refresh proofs (DESIGN §4): ES256 with a WebCrypto key pair whose private half never leaves
// IndexedDB, the public JWK in the header, the contract's PairingTokenClaims.
import { createHash } from 'node:crypto';
import { PairingTokenClaimsSchema } from '@tumulte/schemas';
import { IDBFactory } from 'fake-indexeddb';
import { base64url, calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, exportJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { IndexedDbKeyStore, LocalStorageKeyStore, openKeyStore } from '../src/lib/key-store.js';
import {
  createPairingTicket,
  createRefreshProof,
  type PairingTicket,
  pairingUrl,
  refreshTokenHash,
} from '../src/lib/pairing-token.js';
import { MemoryStorage } from './sim/runtime.js';

const identity = {
  worldId: 'lost-mine',
  worldName: 'Lost Mine of Phandelver',
  gmUserId: 'GMaaaaaaaaaaaaa1',
  gmName: 'Gamemaster',
  moduleVersion: '1.0.0',
};

/** The token commits to a verifier it does not reveal: the link shown on stream cannot collect the tokens. */
function expectWaitChallenge(ticket: PairingTicket): void {
  expect(ticket.waitVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(ticket.claims.wait_challenge).toBe(createHash('sha256').update(ticket.waitVerifier).digest('base64url'));
  const payload = JSON.parse(Buffer.from(ticket.token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  expect(payload.wait_challenge).toBe(ticket.claims.wait_challenge);
  expect(ticket.token).not.toContain(ticket.waitVerifier);
  expect(ticket.url).not.toContain(ticket.waitVerifier);
}

describe('pairing token', () => {
  it('is an ES256 JWT with the contract claims, typ and the public JWK in its header', async () => {
    const store = await IndexedDbKeyStore.open(new IDBFactory() as unknown as globalThis.IDBFactory, 'w');
    const keys = await store.generate();
    expect(keys.privateKey.extractable).toBe(false);
    const now = Date.now();
    const ticket = await createPairingTicket('http://127.0.0.1:3000/', identity, { kind: 'ES256', keyPair: keys }, now);
    const header = decodeProtectedHeader(ticket.token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'tumulte-pairing+jwt', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(header.jwk).not.toHaveProperty('d');
    const { payload } = await jwtVerify(ticket.token, EmbeddedJWK, {
      algorithms: ['ES256'],
      typ: 'tumulte-pairing+jwt',
      audience: 'tumulte:api',
      issuer: 'foundry-module:tumulte',
      subject: 'vtt:foundry',
    });
    expect(PairingTokenClaimsSchema.safeParse(payload).success).toBe(true);
    expect(payload).toMatchObject({
      world_id: identity.worldId,
      world_name: identity.worldName,
      gm_user_id: identity.gmUserId,
      gm_name: identity.gmName,
      module_version: '1.0.0',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(ticket.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(ticket.code).toBe(payload.pairing_code);
    expect(ticket.expiresAt).toBe((payload.exp ?? 0) * 1000);
    expect(ticket.thumbprint).toBe(await calculateJwkThumbprint(await exportJWK(keys.publicKey)));
    // The URL the dashboard accepts: the token in the fragment.
    expect(ticket.url).toBe(`http://127.0.0.1:3000/pair#${ticket.token}`);
    expect(pairingUrl('https://tumulte.app', 'x.y.z')).toBe('https://tumulte.app/pair#x.y.z');
    expectWaitChallenge(ticket);
  });

  it('two tickets differ in code, nonce and jti', async () => {
    const store = new LocalStorageKeyStore(new MemoryStorage(), 'k');
    const keys = await store.generate();
    const a = await createPairingTicket('http://x', identity, { kind: 'ES256', keyPair: keys }, Date.now());
    const b = await createPairingTicket('http://x', identity, { kind: 'ES256', keyPair: keys }, Date.now());
    expect(a.claims.jti).not.toBe(b.claims.jti);
    expect(a.claims.nonce).not.toBe(b.claims.nonce);
  });
});

describe('HS256 pairing token (no WebCrypto)', () => {
  it('is signed with the pairing secret in plain JS and verifies as HS256 with the same claims', async () => {
    const secret = `${'k'.repeat(20)}sEcReT-0123456789`;
    const ticket = await createPairingTicket(
      'http://192.168.1.20:3000',
      identity,
      { kind: 'HS256', secret },
      Date.now(),
    );
    const header = decodeProtectedHeader(ticket.token);
    expect(header).toEqual({ alg: 'HS256', typ: 'tumulte-pairing+jwt' });
    const { payload } = await jwtVerify(ticket.token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      typ: 'tumulte-pairing+jwt',
      audience: 'tumulte:api',
      issuer: 'foundry-module:tumulte',
    });
    expect(PairingTokenClaimsSchema.safeParse(payload).success).toBe(true);
    expect(ticket).toMatchObject({ algorithm: 'HS256', keyPair: null, thumbprint: null });
    expect(ticket.url).toBe(`http://192.168.1.20:3000/pair#${ticket.token}`);
    expectWaitChallenge(ticket);
  });
});

describe('refresh proof', () => {
  it('names the connection, the audience, lives 60 s and hashes the refresh token', async () => {
    const keys = await new LocalStorageKeyStore(new MemoryStorage(), 'k').generate();
    const proof = await createRefreshProof('conn-1', 'refresh-secret', keys.privateKey, Date.now());
    const { payload, protectedHeader } = await jwtVerify(proof, keys.publicKey, {
      algorithms: ['ES256'],
      typ: 'tumulte-refresh-proof+jwt',
      audience: 'tumulte:refresh',
      subject: 'conn-1',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
    expect(typeof payload.jti).toBe('string');
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('refresh-secret')));
    expect(payload.rth).toBe(base64url.encode(digest));
    expect(await refreshTokenHash('refresh-secret')).toBe(payload.rth);
  });
});

describe('key stores', () => {
  it('IndexedDB keeps a non-extractable key usable across a reload', async () => {
    const factory = new IDBFactory() as unknown as globalThis.IDBFactory;
    const first = await openKeyStore(factory, new MemoryStorage(), 'tumulte-integration.w');
    expect(first.kind).toBe('indexeddb');
    const keys = await first.generate();
    await first.save(keys);
    const second = await openKeyStore(factory, new MemoryStorage(), 'tumulte-integration.w');
    const loaded = await second.load();
    expect(loaded?.privateKey.extractable).toBe(false);
    const proof = await createRefreshProof('c', 'r', loaded?.privateKey as CryptoKey, Date.now());
    await expect(jwtVerify(proof, keys.publicKey)).resolves.toBeDefined();
    await second.delete();
    expect(await (await openKeyStore(factory, new MemoryStorage(), 'tumulte-integration.w')).load()).toBeNull();
  });

  it('falls back to localStorage (extractable JWKs) without IndexedDB', async () => {
    const storage = new MemoryStorage();
    const store = await openKeyStore(undefined, storage, 'tumulte-integration.w');
    expect(store.kind).toBe('localstorage');
    const keys = await store.generate();
    await store.save(keys);
    const loaded = await (await openKeyStore(undefined, storage, 'tumulte-integration.w')).load();
    const proof = await createRefreshProof('c', 'r', loaded?.privateKey as CryptoKey, Date.now());
    await expect(jwtVerify(proof, keys.publicKey)).resolves.toBeDefined();
  });
});
