// The whole pairing flow as the dashboard and the module run it, over HTTP (fastify.inject).
import type { PairingComplete, PairingConfirmed } from '@tumulte/schemas';
import type { TumulteServer } from '../app.js';
import {
  es256PairingToken,
  generateModuleKey,
  hs256PairingToken,
  type ModuleKey,
  pairingClaims,
  WAIT_VERIFIER,
} from './module-keys.js';
import type { TestServer } from './test-server.js';

export interface PairedModule {
  readonly connectionId: string;
  readonly sessionToken: string;
  readonly refreshToken: string;
  /** The module's key (ES256 pairing), for refresh proofs. */
  readonly key: ModuleKey | null;
}

export async function pairingSecretOf(server: TumulteServer, accountId: string): Promise<string> {
  const account = await server.store.transaction((tx) => tx.getAccount(accountId));
  if (!account) throw new Error(`no account ${accountId}`);
  return account.pairingSecret;
}

/** Signs a pairing token as a module would, for `accountId` (HS256 needs that account's secret). */
export async function modulePairingToken(
  server: TumulteServer,
  accountId: string,
  algorithm: 'ES256' | 'HS256',
  claims = pairingClaims(),
): Promise<{ token: string; key: ModuleKey | null }> {
  if (algorithm === 'ES256') {
    const key = await generateModuleKey();
    return { token: await es256PairingToken(key, claims), key };
  }
  return { token: await hs256PairingToken(await pairingSecretOf(server, accountId), claims), key: null };
}

export async function confirmPairing(server: TumulteServer, dashboardToken: string, pairingToken: string) {
  return server.app.inject({
    method: 'POST',
    url: '/vtt/pair',
    headers: { authorization: `Bearer ${dashboardToken}` },
    payload: { pairingToken },
  });
}

/** The module's wait with the verifier of its token's `wait_challenge`; `null` waits as a 1.0 module (GET). */
export async function waitForTokens(
  server: TumulteServer,
  pairingToken: string,
  verifier: string | null = WAIT_VERIFIER,
) {
  const authorization = `Bearer ${pairingToken}`;
  return verifier === null
    ? server.app.inject({ method: 'GET', url: '/vtt/pair/wait', headers: { authorization } })
    : server.app.inject({ method: 'POST', url: '/vtt/pair/wait', headers: { authorization }, payload: { verifier } });
}

/** Pairs a new module with the account of `dashboardToken`: confirm in the dashboard, collect in the module. */
export async function pair(
  server: TumulteServer,
  dashboardToken: string,
  accountId: string,
  algorithm: 'ES256' | 'HS256',
): Promise<PairedModule> {
  const { token, key } = await modulePairingToken(server, accountId, algorithm);
  const confirmed = await confirmPairing(server, dashboardToken, token);
  if (confirmed.statusCode !== 201) throw new Error(`pairing refused: ${confirmed.body}`);
  const { connectionId } = confirmed.json<PairingConfirmed>();
  const waited = await waitForTokens(server, token);
  const complete = waited.json<PairingComplete>();
  if (complete.status !== 'paired') throw new Error(`no tokens: ${waited.body}`);
  return { connectionId, sessionToken: complete.sessionToken, refreshToken: complete.refreshToken, key };
}

/** Pairs a new module with the owner account a test server created at its first start. */
export function pairWithOwner(server: TestServer, algorithm: 'ES256' | 'HS256' = 'HS256'): Promise<PairedModule> {
  return pair(server.server, server.ownerToken ?? '', server.server.firstRun?.accountId ?? '', algorithm);
}
