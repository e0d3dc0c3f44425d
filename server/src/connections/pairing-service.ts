// Pairing (DESIGN §4): the streamer previews then confirms a module's pairing token in the dashboard, which
// creates the VTT connection; the module, waiting on /vtt/pair/wait with the same token and the verifier of
// its wait_challenge, then receives its first session and refresh tokens, exactly once. A pairing token works
// once (its `jti` is kept).
import { EventEmitter } from 'node:events';
import type { PairingComplete, PairingConfirmed, PairingPreview, PairingWaitResult } from '@tumulte/schemas';
import { ProtocolError } from '@tumulte/schemas';
import { ulid } from 'ulid';
import { peekPairingToken, type VerifiedPairing, verifyPairingToken } from '../auth/pairing-tokens.js';
import { safeEqual, sha256Base64Url } from '../auth/secrets.js';
import { toJson } from '../store/json.js';
import type { AccountRow, Store } from '../store/store.js';
import type { TokenService } from './token-service.js';

export interface PairingServiceOptions {
  /** How long a wait request is held before answering `pending`. */
  readonly waitMs: number;
  /** How often a waiting request re-reads the database (confirmations made on another node). */
  readonly pollIntervalMs?: number;
}

/** Extra clock tolerance while waiting: a pairing confirmed just before expiry can still be collected. */
const WAIT_TOLERANCE_SECONDS = 120;

export class PairingService {
  private readonly confirmations = new EventEmitter();

  constructor(
    private readonly store: Store,
    private readonly tokens: TokenService,
    private readonly options: PairingServiceOptions,
  ) {
    this.confirmations.setMaxListeners(0);
  }

  private verifyFor(account: AccountRow, token: string): Promise<VerifiedPairing> {
    return verifyPairingToken(token, { hmacSecrets: [account.pairingSecret] });
  }

  /** POST /vtt/pair/preview: what the dashboard shows before the streamer confirms. */
  async preview(account: AccountRow, token: string): Promise<PairingPreview> {
    const verified = await this.verifyFor(account, token);
    const used = await this.store.transaction((tx) => tx.getPairingRequest(verified.claims.jti));
    if (used) throw new ProtocolError('PAIRING_USED', 'This pairing token was already used; generate a new one.');
    const { claims } = verified;
    return {
      worldId: claims.world_id,
      worldName: claims.world_name,
      gmUserId: claims.gm_user_id,
      gmName: claims.gm_name ?? null,
      moduleVersion: claims.module_version,
      pairingCode: claims.pairing_code,
      expiresAt: verified.expiresAt,
      algorithm: verified.algorithm,
    };
  }

  /** POST /vtt/pair: creates the connection for `account` and lets the waiting module collect its tokens. */
  async confirm(account: AccountRow, token: string, now = Date.now()): Promise<PairingConfirmed> {
    const verified = await this.verifyFor(account, token);
    const { claims } = verified;
    const connectionId = ulid(now);
    await this.store.transaction(async (tx) => {
      await tx.insertConnection({
        id: connectionId,
        accountId: account.id,
        worldId: claims.world_id,
        worldName: claims.world_name,
        systemId: null,
        systemVersion: null,
        vttName: null,
        vttVersion: null,
        moduleVersion: claims.module_version,
        gmUserId: claims.gm_user_id,
        gmName: claims.gm_name ?? null,
        algorithm: verified.algorithm,
        keyThumbprint: verified.keyThumbprint,
        publicJwk: verified.publicJwk ? toJson(verified.publicJwk) : null,
        createdAt: now,
      });
      const fresh = await tx.insertPairingRequest({
        jti: claims.jti,
        accountId: account.id,
        connectionId,
        algorithm: verified.algorithm,
        keyThumbprint: verified.keyThumbprint,
        status: 'confirmed',
        expiresAt: verified.expiresAt,
        createdAt: now,
        deliveredAt: null,
      });
      // Throwing undoes the connection created above.
      if (!fresh) throw new ProtocolError('PAIRING_USED', 'This pairing token was already used; generate a new one.');
    });
    this.confirmations.emit(claims.jti);
    return { connectionId, worldId: claims.world_id, worldName: claims.world_name };
  }

  /**
   * The module's long poll: `pending` after up to `waitMs`, or the tokens once the streamer confirmed.
   * `verifier` is the secret behind the token's `wait_challenge` (POST /vtt/pair/wait); `null` is the 1.0 wait
   * (GET), for tokens without a challenge only — the token itself is shown on stream.
   */
  async wait(token: string, verifier: string | null, signal?: AbortSignal): Promise<PairingWaitResult> {
    const verified = await this.verifyWaiting(token);
    checkWaitChallenge(verified.claims.wait_challenge, verifier);
    const jti = verified.claims.jti;
    const deadline = Date.now() + this.options.waitMs;
    const pollMs = this.options.pollIntervalMs ?? 1_000;
    for (;;) {
      const delivered = await this.tryDeliver(jti, verified);
      if (delivered) return delivered;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted) return { status: 'pending' };
      await this.sleepUntilConfirmed(jti, Math.min(remaining, pollMs), signal);
    }
  }

  private async verifyWaiting(token: string): Promise<VerifiedPairing> {
    const { algorithm, jti } = peekPairingToken(token);
    let secrets: string[] = [];
    if (algorithm === 'HS256') {
      // Before confirmation the server cannot know the account: any account's secret may have signed it.
      const request = jti ? await this.store.transaction((tx) => tx.getPairingRequest(jti)) : null;
      secrets = await this.store.transaction(async (tx) => {
        if (request) {
          const owner = await tx.getAccount(request.accountId);
          return owner ? [owner.pairingSecret] : [];
        }
        return (await tx.listAccounts()).map((account) => account.pairingSecret);
      });
    }
    return verifyPairingToken(token, { hmacSecrets: secrets, clockToleranceSeconds: WAIT_TOLERANCE_SECONDS });
  }

  private async tryDeliver(jti: string, verified: VerifiedPairing): Promise<PairingComplete | null> {
    return this.store.transaction(async (tx) => {
      const request = await tx.getPairingRequest(jti);
      if (!request) return null;
      // An ES256 token is self-signed: only the key that was confirmed may collect the tokens.
      if (request.algorithm !== verified.algorithm || request.keyThumbprint !== verified.keyThumbprint) {
        throw new ProtocolError('PAIRING_INVALID', 'This pairing token does not match the confirmed pairing.');
      }
      if (!(await tx.markPairingDelivered(jti, Date.now()))) {
        throw new ProtocolError('PAIRING_USED', 'The tokens of this pairing were already collected; pair again.');
      }
      const connection = await tx.getConnection(request.connectionId);
      if (!connection) throw new ProtocolError('NOT_FOUND', 'The paired connection no longer exists.');
      if (connection.revokedAt !== null) {
        throw new ProtocolError('CONNECTION_REVOKED', 'The streamer revoked this connection; pair again.');
      }
      const tokens = await this.tokens.issue(tx, connection);
      return { status: 'paired', ...tokens };
    });
  }

  private sleepUntilConfirmed(jti: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.confirmations.off(jti, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.confirmations.once(jti, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** Refuses a wait that does not prove it made the token (PKCE `S256`: base64url SHA-256 of the verifier). */
function checkWaitChallenge(challenge: string | undefined, verifier: string | null): void {
  if (challenge === undefined && verifier === null) return;
  if (challenge === undefined) {
    throw new ProtocolError(
      'PAIRING_INVALID',
      'This pairing token has no wait_challenge to check the verifier against; wait with GET /vtt/pair/wait.',
    );
  }
  if (verifier === null) {
    throw new ProtocolError(
      'PAIRING_INVALID',
      'This pairing token has a wait_challenge: wait with POST /vtt/pair/wait and its verifier.',
    );
  }
  if (!safeEqual(sha256Base64Url(verifier), challenge)) {
    throw new ProtocolError('PAIRING_INVALID', 'The verifier does not match the pairing token.');
  }
}
