// Overlay links: read-only URLs (`/overlay/<token>`) for OBS browser sources, one per scene, revocable. The
// token is shown once, when the link is created; only its hash is kept.
import { type OverlayLink, type OverlayLinkCreateRequest, type OverlayLinkList, ProtocolError } from '@tumulte/schemas';
import { ulid } from 'ulid';
import { hashToken, randomToken, TOKEN_PREFIX } from '../auth/secrets.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { AccountRow, OverlayLinkRow, Store } from '../store/store.js';

export const OVERLAY_PAGE_PREFIX = '/overlay/';

export function overlayLinkBody(row: OverlayLinkRow, url: string | null = null): OverlayLink {
  return {
    overlayId: row.id,
    connectionId: row.connectionId,
    label: row.label,
    url,
    createdAt: row.createdAt,
    revoked: row.revokedAt !== null,
  };
}

export class OverlayLinkService {
  constructor(
    private readonly store: Store,
    private readonly connections: ConnectionService,
    private readonly onRevoked: (overlayId: string) => void,
  ) {}

  async create(account: AccountRow, request: OverlayLinkCreateRequest, now = Date.now()): Promise<OverlayLink> {
    const connection = await this.connections.owned(account, request.connectionId);
    if (connection.revokedAt !== null) {
      throw new ProtocolError('CONFLICT', 'This VTT connection was revoked; pair the world again first.');
    }
    const token = randomToken(TOKEN_PREFIX.overlay);
    const row: OverlayLinkRow = {
      id: ulid(now),
      accountId: account.id,
      connectionId: connection.id,
      label: request.label,
      tokenHash: hashToken(token),
      createdAt: now,
      revokedAt: null,
    };
    await this.store.transaction((tx) => tx.insertOverlayLink(row));
    return overlayLinkBody(row, `${OVERLAY_PAGE_PREFIX}${token}`);
  }

  async list(account: AccountRow): Promise<OverlayLinkList> {
    const rows = await this.store.transaction((tx) => tx.listOverlayLinks(account.id));
    return { overlays: rows.map((row) => overlayLinkBody(row)) };
  }

  async revoke(account: AccountRow, overlayId: string, now = Date.now()): Promise<OverlayLink> {
    const row = await this.store.transaction(async (tx) => {
      const link = await tx.getOverlayLink(overlayId);
      if (!link || link.accountId !== account.id) throw new ProtocolError('NOT_FOUND', 'No such overlay link.');
      await tx.revokeOverlayLink(overlayId, now);
      return tx.getOverlayLink(overlayId);
    });
    if (!row) throw new ProtocolError('NOT_FOUND', 'No such overlay link.');
    this.onRevoked(overlayId);
    return overlayLinkBody(row);
  }
}
