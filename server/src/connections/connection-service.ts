// The dashboard's view of an account's VTT connections: list, status, refresh characters, revoke. Nothing
// crosses accounts: a connection of another account is NOT_FOUND, exactly like one that does not exist.
import {
  type Character,
  type CharacterRefreshResult,
  type ConnectionList,
  type ConnectionStatus,
  ProtocolError,
  type RevokeResult,
} from '@tumulte/schemas';
import type { AccountRow, ConnectionRow, Store } from '../store/store.js';
import type { RevocationListener } from './token-service.js';

export interface Presence {
  /** Ids of the connections that have a module socket right now (on any node). */
  onlineConnectionIds(): Promise<ReadonlySet<string>>;
}

export interface CharacterQuery {
  /**
   * Asks the connection's module (on any node) for its characters with `query:characters`, stores them and
   * returns them; CONFLICT when no module is connected or none answers in time.
   */
  queryCharacters(connectionId: string): Promise<{ characters: Character[]; requestedAt: number }>;
}

export function connectionStatus(row: ConnectionRow, online: boolean): ConnectionStatus {
  return {
    connectionId: row.id,
    online: online && row.revokedAt === null,
    lastSeenAt: row.lastSeenAt,
    latencyMs: row.latencyMs,
    moduleVersion: row.moduleVersion,
    world: { id: row.worldId, name: row.worldName, system: row.systemId },
    revoked: row.revokedAt !== null,
    createdAt: row.createdAt,
  };
}

export class ConnectionService {
  constructor(
    private readonly store: Store,
    private readonly modules: Presence & CharacterQuery,
    private readonly onRevoked: RevocationListener,
  ) {}

  /** The connection if `account` owns it; NOT_FOUND otherwise. */
  async owned(account: AccountRow, connectionId: string): Promise<ConnectionRow> {
    const row = await this.store.transaction((tx) => tx.getConnection(connectionId));
    if (!row || row.accountId !== account.id) throw new ProtocolError('NOT_FOUND', 'No such VTT connection.');
    return row;
  }

  async list(account: AccountRow): Promise<ConnectionList> {
    const rows = await this.store.transaction((tx) => tx.listConnections(account.id));
    const online = await this.modules.onlineConnectionIds();
    return { connections: rows.map((row) => connectionStatus(row, online.has(row.id))) };
  }

  async status(account: AccountRow, connectionId: string): Promise<ConnectionStatus> {
    const row = await this.owned(account, connectionId);
    const online = await this.modules.onlineConnectionIds();
    return connectionStatus(row, online.has(row.id));
  }

  /** Re-reads the party from the VTT, for when the overlays no longer match it. */
  async refreshCharacters(account: AccountRow, connectionId: string): Promise<CharacterRefreshResult> {
    await this.owned(account, connectionId);
    const { characters, requestedAt } = await this.modules.queryCharacters(connectionId);
    return { connectionId, characterCount: characters.length, refreshedAt: requestedAt };
  }

  /** Revokes (idempotent): the module is told and disconnected, its tokens never work again. */
  async revoke(account: AccountRow, connectionId: string): Promise<RevokeResult> {
    await this.owned(account, connectionId);
    await this.store.transaction((tx) => tx.revokeConnection(connectionId, 'revoked_by_user', Date.now()));
    // Also when it was already revoked: a socket that slipped through is disconnected again.
    this.onRevoked(connectionId, 'revoked_by_user');
    return { connectionId, revoked: true };
  }
}
