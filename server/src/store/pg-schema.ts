// The database schema for PostgreSQL (scale-out). Kept identical to sqlite-schema.ts by schema-parity.test.ts:
// same tables, columns, keys and indexes; only the column types differ by dialect.
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { JsonValue } from './json.js';
import type {
  AccountRole,
  ApiTokenKind,
  EventOutcome,
  PairingAlgorithm,
  PairingStatus,
  PollEndReason,
  PollStatus,
} from './store.js';

// Milliseconds since the epoch and counters need 64 bits; values stay below 2^53 so JS numbers hold them.
const int = (name: string) => bigint(name, { mode: 'number' });
const bool = (name: string) => boolean(name);
const json = (name: string) => jsonb(name).$type<JsonValue>();

/** Server-wide values that every node shares (the server signing key, the owner marker). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** A streamer. The first one (`owner`) is created at first start; passwords arrive with the dashboard login. */
export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  role: text('role').$type<AccountRole>().notNull(),
  passwordHash: text('password_hash'),
  pairingSecret: text('pairing_secret').notNull(),
  createdAt: int('created_at').notNull(),
});

/** Bearer tokens of the dashboard API (the owner token printed at first start) and one-time setup tokens. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    kind: text('kind').$type<ApiTokenKind>().notNull(),
    tokenHash: text('token_hash').notNull(),
    label: text('label').notNull(),
    createdAt: int('created_at').notNull(),
    lastUsedAt: int('last_used_at'),
    revokedAt: int('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_token_hash_key').on(t.tokenHash), index('api_tokens_account_idx').on(t.accountId)],
);

/** Dashboard login sessions (cookie value stored hashed). */
export const dashboardSessions = pgTable(
  'dashboard_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    createdAt: int('created_at').notNull(),
    expiresAt: int('expires_at').notNull(),
  },
  (t) => [index('dashboard_sessions_account_idx').on(t.accountId)],
);

/** A paired VTT world ("campaign"), owned by one account. */
export const vttConnections = pgTable(
  'vtt_connections',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    worldId: text('world_id').notNull(),
    worldName: text('world_name').notNull(),
    systemId: text('system_id'),
    systemVersion: text('system_version'),
    vttName: text('vtt_name'),
    vttVersion: text('vtt_version'),
    moduleVersion: text('module_version').notNull(),
    gmUserId: text('gm_user_id').notNull(),
    gmName: text('gm_name'),
    algorithm: text('algorithm').$type<PairingAlgorithm>().notNull(),
    keyThumbprint: text('key_thumbprint'),
    publicJwk: json('public_jwk'),
    createdAt: int('created_at').notNull(),
    revokedAt: int('revoked_at'),
    revokeReason: text('revoke_reason'),
    lastSeenAt: int('last_seen_at'),
    latencyMs: doublePrecision('latency_ms'),
    queuedEvents: int('queued_events'),
    lastSeq: int('last_seq').notNull().default(0),
  },
  (t) => [index('vtt_connections_account_idx').on(t.accountId)],
);

/** A pairing token that was confirmed by a streamer; its `jti` can never be used again. */
export const pairingRequests = pgTable('pairing_requests', {
  jti: text('jti').primaryKey(),
  accountId: text('account_id')
    .notNull()
    .references(() => accounts.id),
  connectionId: text('connection_id')
    .notNull()
    .references(() => vttConnections.id),
  algorithm: text('algorithm').$type<PairingAlgorithm>().notNull(),
  keyThumbprint: text('key_thumbprint'),
  status: text('status').$type<PairingStatus>().notNull(),
  expiresAt: int('expires_at').notNull(),
  createdAt: int('created_at').notNull(),
  deliveredAt: int('delivered_at'),
});

/** Refresh tokens (hashed). A used one stays, so that presenting it again is detected as reuse. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => vttConnections.id),
    createdAt: int('created_at').notNull(),
    usedAt: int('used_at'),
  },
  (t) => [index('refresh_tokens_connection_idx').on(t.connectionId)],
);

/** Every accepted module→server event, keyed by its eventId: the idempotency record (and an audit trail). */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => vttConnections.id),
    eventId: text('event_id').notNull(),
    eventName: text('event_name').notNull(),
    timestamp: int('timestamp').notNull(),
    receivedAt: int('received_at').notNull(),
    seq: int('seq'),
    outcome: text('outcome').$type<EventOutcome>().notNull(),
    payload: json('payload').notNull(),
  },
  (t) => [primaryKey({ name: 'inbound_events_pk', columns: [t.connectionId, t.eventId] })],
);

/** The latest known state of each character; `deletedTs` is a tombstone so an older update cannot resurrect it. */
export const characters = pgTable(
  'characters',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => vttConnections.id),
    vttCharacterId: text('vtt_character_id').notNull(),
    data: json('data'),
    characterTs: int('character_ts'),
    inventory: json('inventory'),
    inventoryTs: int('inventory_ts'),
    deletedTs: int('deleted_ts'),
  },
  (t) => [primaryKey({ name: 'characters_pk', columns: [t.connectionId, t.vttCharacterId] })],
);

/** The latest known state of each combat; `endedTs` set when it ended. */
export const combats = pgTable(
  'combats',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => vttConnections.id),
    combatId: text('combat_id').notNull(),
    state: json('state'),
    stateTs: int('state_ts'),
    endedTs: int('ended_ts'),
  },
  (t) => [primaryKey({ name: 'combats_pk', columns: [t.connectionId, t.combatId] })],
);

/** Dice rolls, append-only. */
export const diceRolls = pgTable(
  'dice_rolls',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => vttConnections.id),
    rollId: text('roll_id').notNull(),
    eventId: text('event_id').notNull(),
    messageId: text('message_id').notNull(),
    character: json('character'),
    result: json('result'),
    rollType: text('roll_type').notNull(),
    criticalKind: text('critical_kind').notNull(),
    criticalSource: text('critical_source'),
    criticalByServer: bool('critical_by_server').notNull(),
    visibility: text('visibility').notNull(),
    flavor: text('flavor'),
    timestamp: int('timestamp').notNull(),
    receivedAt: int('received_at').notNull(),
    seq: int('seq'),
  },
  (t) => [
    primaryKey({ name: 'dice_rolls_pk', columns: [t.connectionId, t.rollId] }),
    index('dice_rolls_recent_idx').on(t.connectionId, t.timestamp),
  ],
);

/** What overlays of a connection saw, in `seq` order (public projection only); overlays resume from it. */
export const overlayEvents = pgTable(
  'overlay_events',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => vttConnections.id),
    seq: int('seq').notNull(),
    event: text('event').notNull(),
    payload: json('payload'),
    createdAt: int('created_at').notNull(),
  },
  (t) => [primaryKey({ name: 'overlay_events_pk', columns: [t.connectionId, t.seq] })],
);

/** Read-only overlay URLs (OBS browser sources) of a connection; the token is stored hashed. */
export const overlayLinks = pgTable(
  'overlay_links',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    connectionId: text('connection_id')
      .notNull()
      .references(() => vttConnections.id),
    label: text('label').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: int('created_at').notNull(),
    revokedAt: int('revoked_at'),
  },
  (t) => [
    uniqueIndex('overlay_links_token_hash_key').on(t.tokenHash),
    index('overlay_links_account_idx').on(t.accountId),
  ],
);

/** Audience polls. `endsAt` is in the database so a running poll closes on time even across restarts. */
export const polls = pgTable(
  'polls',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    connectionId: text('connection_id')
      .notNull()
      .references(() => vttConnections.id),
    question: text('question').notNull(),
    options: json('options').notNull(),
    status: text('status').$type<PollStatus>().notNull(),
    durationSeconds: int('duration_seconds').notNull(),
    createdAt: int('created_at').notNull(),
    startedAt: int('started_at'),
    endsAt: int('ends_at'),
    endedAt: int('ended_at'),
    endReason: text('end_reason').$type<PollEndReason>(),
    winners: json('winners'),
  },
  (t) => [
    index('polls_account_idx').on(t.accountId, t.createdAt),
    index('polls_connection_idx').on(t.connectionId, t.createdAt),
    index('polls_running_idx').on(t.status, t.endsAt),
  ],
);

/** One vote per viewer (a random id in a cookie) per poll. */
export const pollVotes = pgTable(
  'poll_votes',
  {
    pollId: text('poll_id')
      .notNull()
      .references(() => polls.id),
    viewerId: text('viewer_id').notNull(),
    optionId: text('option_id').notNull(),
    createdAt: int('created_at').notNull(),
  },
  (t) => [primaryKey({ name: 'poll_votes_pk', columns: [t.pollId, t.viewerId] })],
);
