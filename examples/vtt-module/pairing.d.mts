// Types of pairing.mjs, for TypeScript users of the example.
import type { CryptoKey } from 'jose';

export interface PairingWorld {
  id: string;
  name: string;
  gmUserId: string;
  gmName: string;
}

export function createPairing(options: {
  world: PairingWorld;
  moduleVersion: string;
}): Promise<{ token: string; code: string; privateKey: CryptoKey; verifier: string }>;
export function waitForTokens(
  serverUrl: string,
  pairing: { token: string; verifier: string },
  options?: { signal?: AbortSignal },
): Promise<{
  status: 'paired';
  connectionId: string;
  sessionToken: string;
  sessionExpiresAt: number;
  refreshToken: string;
}>;
export function refreshSession(
  serverUrl: string,
  credentials: { connectionId: string; refreshToken: string; privateKey: CryptoKey },
): Promise<{ connectionId: string; sessionToken: string; sessionExpiresAt: number; refreshToken: string }>;
