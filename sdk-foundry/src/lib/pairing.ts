import { HTTP_ROUTES, type PairingComplete, ProtocolError, tolerant } from '@tumulte/schemas';
import type { BrowserEnv } from '../env.js';
import { Backoff } from './backoff.js';
import { requestJson, serverUrlFor } from './http.js';
import type { KeyStore, ModuleKeyPair } from './key-store.js';
import { log } from './log.js';
import {
  createPairingTicket,
  hasWebCrypto,
  type PairingIdentity,
  type PairingSigner,
  type PairingTicket,
} from './pairing-token.js';

/** `secret`: no WebCrypto here, the GM must enter the account's pairing secret (HS256) first. */
export type PairingStatus = 'creating' | 'secret' | 'waiting' | 'paired' | 'expired' | 'used' | 'failed';

/** The account's HS256 pairing secret, kept in this browser's localStorage (never in world settings). */
export class SecretStore {
  constructor(
    private readonly storage: Storage,
    private readonly key: string,
  ) {}
  load(): string | null {
    const value = this.storage.getItem(this.key);
    return value && value.length >= 32 ? value : null;
  }
  save(secret: string): void {
    this.storage.setItem(this.key, secret);
  }
  clear(): void {
    this.storage.removeItem(this.key);
  }
}

export interface PairingState {
  readonly status: PairingStatus;
  readonly ticket: PairingTicket | null;
  readonly error: string | null;
}

/**
 * One pairing attempt, the module side of DESIGN §4: a fresh key pair and a signed pairing token shown as URL,
 * QR code and short code; meanwhile a long poll on `POST /vtt/pair/wait` (Bearer <pairing token>, with the
 * verifier of its `wait_challenge`) until the streamer confirms in the dashboard. It keeps waiting when the
 * dialog closes (the tokens are given once) and stops at expiry, on `regenerate()`, `changeSecret()` or
 * `dispose()`.
 */
export class PairingSession {
  private state: PairingState = { status: 'creating', ticket: null, error: null };
  private abort: AbortController | null = null;
  private readonly listeners = new Set<(state: PairingState) => void>();
  private generation = 0;

  constructor(
    private readonly browser: BrowserEnv,
    private readonly keys: KeyStore,
    private readonly serverUrl: () => string,
    private readonly identity: () => PairingIdentity,
    private readonly onPaired: (
      result: PairingComplete,
      keyPair: ModuleKeyPair | null,
      serverUrl: string,
    ) => Promise<void>,
    private readonly secrets: SecretStore,
    /** Whether ES256 is possible (WebCrypto); false makes the session use the HS256 pairing secret. */
    private readonly webCrypto: () => boolean = hasWebCrypto,
  ) {}

  /** Stores the account's pairing secret (HS256, where WebCrypto is missing) and starts pairing with it. */
  async useSecret(secret: string): Promise<PairingTicket | null> {
    const trimmed = secret.trim();
    if (trimmed.length < 32) {
      this.set({ status: 'secret', ticket: null, error: 'short' });
      return null;
    }
    this.secrets.save(trimmed);
    return this.regenerate();
  }

  /**
   * Forgets the saved pairing secret and stops the current attempt, back to asking for the secret: after the
   * streamer rotates it in the dashboard, every link signed with the old one is refused. Only for HS256 pairing
   * (with WebCrypto the secret is not used, so only the saved copy is dropped).
   */
  changeSecret(): void {
    this.secrets.clear();
    if (this.webCrypto()) return;
    this.generation += 1;
    this.abort?.abort();
    this.abort = null;
    this.set({ status: 'secret', ticket: null, error: null });
  }

  get current(): PairingState {
    return this.state;
  }

  onChange(listener: (state: PairingState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts (or restarts) pairing with a new key pair and token. */
  async regenerate(): Promise<PairingTicket | null> {
    this.abort?.abort();
    const generation = ++this.generation;
    const abort = new AbortController();
    this.abort = abort;
    this.set({ status: 'creating', ticket: null, error: null });
    const serverUrl = this.serverUrl();
    try {
      let signer: PairingSigner;
      if (this.webCrypto()) {
        signer = { kind: 'ES256', keyPair: await this.keys.generate() };
      } else {
        const secret = this.secrets.load();
        if (!secret) {
          this.set({ status: 'secret', ticket: null, error: null });
          return null;
        }
        signer = { kind: 'HS256', secret };
      }
      const ticket = await createPairingTicket(serverUrl, this.identity(), signer, this.browser.now());
      if (generation !== this.generation) return null;
      this.set({ status: 'waiting', ticket, error: null });
      void this.wait(ticket, serverUrl, abort.signal, generation);
      return ticket;
    } catch (error) {
      if (generation !== this.generation) return null;
      log.error('could not create a pairing token', error);
      this.set({ status: 'failed', ticket: null, error: String(error) });
      return null;
    }
  }

  dispose(): void {
    this.generation += 1;
    this.abort?.abort();
    this.abort = null;
    this.listeners.clear();
  }

  private async wait(ticket: PairingTicket, serverUrl: string, signal: AbortSignal, generation: number): Promise<void> {
    const backoff = new Backoff(this.browser.random, { initialMs: 1_000, maxMs: 10_000 });
    const route = HTTP_ROUTES['POST /vtt/pair/wait'];
    while (!signal.aborted && generation === this.generation) {
      if (this.browser.now() >= ticket.expiresAt) {
        this.set({ status: 'expired', ticket, error: null });
        return;
      }
      const startedAt = this.browser.now();
      try {
        const result = await requestJson(
          this.browser.fetch,
          serverUrlFor(serverUrl, route.path),
          {
            method: route.method,
            headers: { authorization: `Bearer ${ticket.token}` },
            body: { verifier: ticket.waitVerifier },
            signal,
          },
          tolerant.PairingWaitResultSchema,
        );
        if (generation !== this.generation) return;
        if (result.status === 'paired') {
          await this.onPaired(result as PairingComplete, ticket.keyPair, serverUrl);
          this.set({ status: 'paired', ticket, error: null });
          return;
        }
        backoff.reset();
        // A long poll that answers at once (a proxy that does not hold requests) must not become a busy loop.
        if (this.browser.now() - startedAt < 1_000) await this.sleep(1_000, signal);
      } catch (error) {
        if (signal.aborted || generation !== this.generation) return;
        if (error instanceof ProtocolError) {
          if (error.code === 'PAIRING_EXPIRED') return this.set({ status: 'expired', ticket, error: null });
          if (error.code === 'PAIRING_USED') return this.set({ status: 'used', ticket, error: null });
          if (error.code !== 'RATE_LIMITED' && error.code !== 'INTERNAL' && error.code !== 'STORAGE_UNAVAILABLE') {
            return this.set({ status: 'failed', ticket, error: error.message });
          }
        }
        // Server unreachable or busy: try again a little later, until the token expires.
        await this.sleep(backoff.next(), signal);
      }
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.browser.timers.setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        this.browser.timers.clearTimeout(handle);
        resolve();
      });
    });
  }

  private set(state: PairingState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
