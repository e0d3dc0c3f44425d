// The one store interface. Two implementations (sqlite-store.ts, pg-store.ts) over two drizzle schemas; the
// services above never know which database they talk to. Every operation runs inside `transaction`, so a
// multi-step change is all-or-nothing on both databases.
import type { JsonValue } from './json.js';

export type Dialect = 'sqlite' | 'postgres';

export type AccountRole = 'owner' | 'streamer';

export interface AccountRow {
  id: string;
  username: string;
  role: AccountRole;
  passwordHash: string | null;
  /** Secret for HS256 pairing tokens (base64url of 32 random bytes). */
  pairingSecret: string;
  createdAt: number;
}

/** `api`: a dashboard API bearer token (the owner token printed at first start); `setup`: one-time first-run setup. */
export type ApiTokenKind = 'api' | 'setup';

export interface ApiTokenRow {
  id: string;
  accountId: string;
  kind: ApiTokenKind;
  tokenHash: string;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface DashboardSessionRow {
  idHash: string;
  accountId: string;
  createdAt: number;
  expiresAt: number;
}

export type PairingAlgorithm = 'ES256' | 'HS256';

export interface ConnectionRow {
  id: string;
  accountId: string;
  worldId: string;
  worldName: string;
  systemId: string | null;
  systemVersion: string | null;
  vttName: string | null;
  vttVersion: string | null;
  moduleVersion: string;
  gmUserId: string;
  gmName: string | null;
  algorithm: PairingAlgorithm;
  /** RFC 7638 thumbprint of the module's public key (ES256 pairing). */
  keyThumbprint: string | null;
  /** The module's public JWK (ES256 pairing), to check refresh proofs. */
  publicJwk: JsonValue | null;
  createdAt: number;
  revokedAt: number | null;
  revokeReason: string | null;
  lastSeenAt: number | null;
  latencyMs: number | null;
  queuedEvents: number | null;
  /** The last sequence number given to an event of this world. */
  lastSeq: number;
}

export type NewConnection = Omit<
  ConnectionRow,
  'revokedAt' | 'revokeReason' | 'lastSeenAt' | 'latencyMs' | 'queuedEvents' | 'lastSeq'
>;

export type WorldUpdate = Pick<
  ConnectionRow,
  'worldName' | 'systemId' | 'systemVersion' | 'vttName' | 'vttVersion' | 'moduleVersion'
>;

export type PairingStatus = 'confirmed' | 'delivered';

export interface PairingRequestRow {
  jti: string;
  accountId: string;
  connectionId: string;
  algorithm: PairingAlgorithm;
  keyThumbprint: string | null;
  status: PairingStatus;
  expiresAt: number;
  createdAt: number;
  deliveredAt: number | null;
}

export interface RefreshTokenRow {
  tokenHash: string;
  connectionId: string;
  createdAt: number;
  usedAt: number | null;
}

/** `applied` changed the stored state; `stale` was older than the stored state and changed nothing. */
export type EventOutcome = 'applied' | 'stale';

export interface InboundEventRow {
  connectionId: string;
  eventId: string;
  eventName: string;
  timestamp: number;
  receivedAt: number;
  seq: number | null;
  outcome: EventOutcome;
  payload: JsonValue;
}

export interface CharacterRow {
  connectionId: string;
  vttCharacterId: string;
  /** The character without its inventory (null while only an inventory is known). */
  data: JsonValue | null;
  characterTs: number | null;
  inventory: JsonValue | null;
  inventoryTs: number | null;
  /** When the character was deleted in the VTT (a tombstone), or null. */
  deletedTs: number | null;
}

export interface CombatRow {
  connectionId: string;
  combatId: string;
  state: JsonValue | null;
  stateTs: number | null;
  endedTs: number | null;
}

export interface DiceRollRow {
  connectionId: string;
  rollId: string;
  eventId: string;
  messageId: string;
  character: JsonValue | null;
  result: JsonValue | null;
  rollType: string;
  criticalKind: string;
  criticalSource: string | null;
  criticalByServer: boolean;
  visibility: string;
  flavor: string | null;
  timestamp: number;
  receivedAt: number;
  seq: number | null;
}

export interface OverlayEventRow {
  connectionId: string;
  seq: number;
  /** An /overlay event name; `overlay:state` marks a whole-state change (a campaign sync). */
  event: string;
  payload: JsonValue | null;
  createdAt: number;
}

export interface OverlayLinkRow {
  id: string;
  accountId: string;
  connectionId: string;
  label: string;
  tokenHash: string;
  createdAt: number;
  revokedAt: number | null;
}

export type PollStatus = 'draft' | 'running' | 'closed';
export type PollEndReason = 'timer' | 'manual';

export interface PollRow {
  id: string;
  accountId: string;
  connectionId: string;
  question: string;
  /** `[{id, label}]`. */
  options: JsonValue;
  status: PollStatus;
  durationSeconds: number;
  createdAt: number;
  startedAt: number | null;
  endsAt: number | null;
  endedAt: number | null;
  endReason: PollEndReason | null;
  /** Winning option ids once closed. */
  winners: JsonValue | null;
}

export interface PollVoteRow {
  pollId: string;
  viewerId: string;
  optionId: string;
  createdAt: number;
}

/** Everything a service can do with the database, inside one transaction. */
export interface StoreTx {
  // settings
  getSetting(key: string): Promise<string | null>;
  /** Inserts unless the key exists; true when this call inserted it (race-free across nodes). */
  insertSettingIfAbsent(key: string, value: string): Promise<boolean>;

  // accounts
  insertAccount(account: AccountRow): Promise<void>;
  getAccount(id: string): Promise<AccountRow | null>;
  getAccountByUsername(username: string): Promise<AccountRow | null>;
  listAccounts(): Promise<AccountRow[]>;
  setAccountCredentials(id: string, username: string, passwordHash: string): Promise<void>;
  setPairingSecret(id: string, pairingSecret: string): Promise<void>;

  // dashboard credentials
  insertApiToken(token: ApiTokenRow): Promise<void>;
  findApiTokenByHash(tokenHash: string): Promise<ApiTokenRow | null>;
  touchApiToken(id: string, at: number): Promise<void>;
  revokeApiToken(id: string, at: number): Promise<void>;
  insertDashboardSession(session: DashboardSessionRow): Promise<void>;
  getDashboardSession(idHash: string): Promise<DashboardSessionRow | null>;
  deleteDashboardSession(idHash: string): Promise<void>;

  // pairing
  /** False when the jti is already known (the pairing token was used). */
  insertPairingRequest(request: PairingRequestRow): Promise<boolean>;
  getPairingRequest(jti: string): Promise<PairingRequestRow | null>;
  /** Moves a confirmed request to delivered; false when another caller already did. */
  markPairingDelivered(jti: string, at: number): Promise<boolean>;

  // connections
  insertConnection(connection: NewConnection): Promise<void>;
  getConnection(id: string): Promise<ConnectionRow | null>;
  /** Reads the connection and, on PostgreSQL, locks its row until the transaction ends (serialises its events). */
  lockConnection(id: string): Promise<ConnectionRow | null>;
  listConnections(accountId: string): Promise<ConnectionRow[]>;
  /** Revokes unless already revoked; true when this call revoked it. */
  revokeConnection(id: string, reason: string, at: number): Promise<boolean>;
  updateConnectionWorld(id: string, world: WorldUpdate): Promise<void>;
  recordHeartbeat(id: string, at: number, latencyMs: number | null, queuedEvents: number | null): Promise<void>;
  touchConnection(id: string, at: number): Promise<void>;
  /** The next sequence number of the connection's world. */
  nextSeq(id: string): Promise<number>;

  // refresh tokens
  insertRefreshToken(token: RefreshTokenRow): Promise<void>;
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRow | null>;
  /** Marks an unused token used; false when it was already used (reuse). */
  markRefreshTokenUsed(tokenHash: string, at: number): Promise<boolean>;

  // inbound events (idempotency)
  getInboundEvent(connectionId: string, eventId: string): Promise<InboundEventRow | null>;
  /** False when the event id was already stored for this connection. */
  insertInboundEvent(event: InboundEventRow): Promise<boolean>;

  // game state
  getCharacter(connectionId: string, vttCharacterId: string): Promise<CharacterRow | null>;
  putCharacter(row: CharacterRow): Promise<void>;
  listCharacters(connectionId: string): Promise<CharacterRow[]>;
  getCombat(connectionId: string, combatId: string): Promise<CombatRow | null>;
  putCombat(row: CombatRow): Promise<void>;
  listCombats(connectionId: string): Promise<CombatRow[]>;
  /** False when the roll id is already stored for this connection. */
  insertDiceRoll(row: DiceRollRow): Promise<boolean>;
  getDiceRoll(connectionId: string, rollId: string): Promise<DiceRollRow | null>;
  /** The latest rolls, newest first. */
  listRecentDiceRolls(connectionId: string, limit: number, visibility?: string): Promise<DiceRollRow[]>;

  // overlay log
  appendOverlayEvent(row: OverlayEventRow): Promise<void>;
  /** Events after `afterSeq`, oldest first. */
  listOverlayEvents(connectionId: string, afterSeq: number, limit: number): Promise<OverlayEventRow[]>;

  // overlay links
  insertOverlayLink(link: OverlayLinkRow): Promise<void>;
  getOverlayLink(id: string): Promise<OverlayLinkRow | null>;
  findOverlayLinkByHash(tokenHash: string): Promise<OverlayLinkRow | null>;
  listOverlayLinks(accountId: string): Promise<OverlayLinkRow[]>;
  /** True when this call revoked it. */
  revokeOverlayLink(id: string, at: number): Promise<boolean>;

  // polls
  insertPoll(poll: PollRow): Promise<void>;
  getPoll(id: string): Promise<PollRow | null>;
  /** Newest first. */
  listPolls(accountId: string): Promise<PollRow[]>;
  /** The connection's newest poll that is running or closed (what overlays show), or null. */
  latestShownPoll(connectionId: string): Promise<PollRow | null>;
  listRunningPolls(): Promise<PollRow[]>;
  /** Applies `change` only if the poll is still in status `from`; true when it did (race-free transitions). */
  transitionPoll(id: string, from: PollStatus, change: Partial<Omit<PollRow, 'id'>>): Promise<boolean>;
  /** False when this viewer already voted in this poll. */
  insertVote(vote: PollVoteRow): Promise<boolean>;
  getVote(pollId: string, viewerId: string): Promise<PollVoteRow | null>;
  /** Votes per option id. */
  countVotes(pollId: string): Promise<Record<string, number>>;

  /** Runs `fn` in a savepoint: if it throws, only its changes are undone, then the error is rethrown. */
  savepoint<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
}

export interface Store {
  readonly dialect: Dialect;
  /** Applies the committed drizzle-kit migrations (idempotent; safe with several nodes starting at once). */
  migrate(): Promise<void>;
  /** Runs `fn` in one transaction; everything it did is undone if it throws. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
