// The store on PostgreSQL (node-postgres), used when DATABASE_URL is set: several server nodes can share it.
import { fileURLToPath } from 'node:url';
import { and, asc, count, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { drizzle, type NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as t from './pg-schema.js';
import type {
  AccountRow,
  ApiTokenRow,
  CharacterRow,
  CombatRow,
  DashboardSessionRow,
  DiceRollRow,
  InboundEventRow,
  NewConnection,
  OverlayEventRow,
  OverlayLinkRow,
  PairingRequestRow,
  PollRow,
  PollVoteRow,
  RefreshTokenRow,
  Store,
  StoreTx,
  WorldUpdate,
} from './store.js';

const MIGRATIONS = fileURLToPath(new URL('../../drizzle/pg', import.meta.url));
/** Any constant: nodes starting together take turns to migrate. */
const MIGRATION_LOCK = 0x7475_6d75;

type Db = PgDatabase<NodePgQueryResultHKT, Record<string, never>>;

export interface PgStoreOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
  /** Called when an idle pooled connection fails (the pool replaces it). */
  readonly onPoolError?: (error: Error) => void;
}

function bind(db: Db): StoreTx {
  const tx: StoreTx = {
    async getSetting(key) {
      const [row] = await db.select().from(t.settings).where(eq(t.settings.key, key));
      return row?.value ?? null;
    },
    async insertSettingIfAbsent(key, value) {
      return (await db.insert(t.settings).values({ key, value }).onConflictDoNothing().returning()).length === 1;
    },

    async insertAccount(account: AccountRow) {
      await db.insert(t.accounts).values(account);
    },
    async getAccount(id) {
      const [row] = await db.select().from(t.accounts).where(eq(t.accounts.id, id));
      return row ?? null;
    },
    async getAccountByUsername(username) {
      const [row] = await db.select().from(t.accounts).where(eq(t.accounts.username, username));
      return row ?? null;
    },
    async listAccounts() {
      return db.select().from(t.accounts).orderBy(asc(t.accounts.createdAt), asc(t.accounts.id));
    },
    async setAccountCredentials(id, username, passwordHash) {
      await db.update(t.accounts).set({ username, passwordHash }).where(eq(t.accounts.id, id));
    },

    async setPairingSecret(id, pairingSecret) {
      await db.update(t.accounts).set({ pairingSecret }).where(eq(t.accounts.id, id));
    },

    async insertApiToken(token: ApiTokenRow) {
      await db.insert(t.apiTokens).values(token);
    },
    async findApiTokenByHash(tokenHash) {
      const [row] = await db.select().from(t.apiTokens).where(eq(t.apiTokens.tokenHash, tokenHash));
      return row ?? null;
    },
    async touchApiToken(id, at) {
      await db.update(t.apiTokens).set({ lastUsedAt: at }).where(eq(t.apiTokens.id, id));
    },
    async revokeApiToken(id, at) {
      await db
        .update(t.apiTokens)
        .set({ revokedAt: at })
        .where(and(eq(t.apiTokens.id, id), isNull(t.apiTokens.revokedAt)));
    },
    async insertDashboardSession(session: DashboardSessionRow) {
      await db.insert(t.dashboardSessions).values(session);
    },
    async getDashboardSession(idHash) {
      const [row] = await db.select().from(t.dashboardSessions).where(eq(t.dashboardSessions.idHash, idHash));
      return row ?? null;
    },
    async deleteDashboardSession(idHash) {
      await db.delete(t.dashboardSessions).where(eq(t.dashboardSessions.idHash, idHash));
    },

    async insertPairingRequest(request: PairingRequestRow) {
      return (await db.insert(t.pairingRequests).values(request).onConflictDoNothing().returning()).length === 1;
    },
    async getPairingRequest(jti) {
      const [row] = await db.select().from(t.pairingRequests).where(eq(t.pairingRequests.jti, jti));
      return row ?? null;
    },
    async markPairingDelivered(jti, at) {
      const rows = await db
        .update(t.pairingRequests)
        .set({ status: 'delivered', deliveredAt: at })
        .where(and(eq(t.pairingRequests.jti, jti), eq(t.pairingRequests.status, 'confirmed')))
        .returning();
      return rows.length === 1;
    },

    async insertConnection(connection: NewConnection) {
      await db.insert(t.vttConnections).values(connection);
    },
    async getConnection(id) {
      const [row] = await db.select().from(t.vttConnections).where(eq(t.vttConnections.id, id));
      return row ?? null;
    },
    async lockConnection(id) {
      const [row] = await db.select().from(t.vttConnections).where(eq(t.vttConnections.id, id)).for('update');
      return row ?? null;
    },
    async listConnections(accountId) {
      return db
        .select()
        .from(t.vttConnections)
        .where(eq(t.vttConnections.accountId, accountId))
        .orderBy(asc(t.vttConnections.createdAt), asc(t.vttConnections.id));
    },
    async revokeConnection(id, reason, at) {
      const rows = await db
        .update(t.vttConnections)
        .set({ revokedAt: at, revokeReason: reason })
        .where(and(eq(t.vttConnections.id, id), isNull(t.vttConnections.revokedAt)))
        .returning();
      return rows.length === 1;
    },
    async updateConnectionWorld(id, world: WorldUpdate) {
      await db.update(t.vttConnections).set(world).where(eq(t.vttConnections.id, id));
    },
    async recordHeartbeat(id, at, latencyMs, queuedEvents) {
      await db
        .update(t.vttConnections)
        .set({ lastSeenAt: at, latencyMs, queuedEvents })
        .where(eq(t.vttConnections.id, id));
    },
    async touchConnection(id, at) {
      await db.update(t.vttConnections).set({ lastSeenAt: at }).where(eq(t.vttConnections.id, id));
    },
    async nextSeq(id) {
      const [row] = await db
        .update(t.vttConnections)
        .set({ lastSeq: sql`${t.vttConnections.lastSeq} + 1` })
        .where(eq(t.vttConnections.id, id))
        .returning({ lastSeq: t.vttConnections.lastSeq });
      if (!row) throw new Error(`No connection ${id}`);
      return row.lastSeq;
    },

    async insertRefreshToken(token: RefreshTokenRow) {
      await db.insert(t.refreshTokens).values(token);
    },
    async getRefreshToken(tokenHash) {
      const [row] = await db.select().from(t.refreshTokens).where(eq(t.refreshTokens.tokenHash, tokenHash));
      return row ?? null;
    },
    async markRefreshTokenUsed(tokenHash, at) {
      const rows = await db
        .update(t.refreshTokens)
        .set({ usedAt: at })
        .where(and(eq(t.refreshTokens.tokenHash, tokenHash), isNull(t.refreshTokens.usedAt)))
        .returning();
      return rows.length === 1;
    },

    async getInboundEvent(connectionId, eventId) {
      const [row] = await db
        .select()
        .from(t.inboundEvents)
        .where(and(eq(t.inboundEvents.connectionId, connectionId), eq(t.inboundEvents.eventId, eventId)));
      return row ?? null;
    },
    async insertInboundEvent(event: InboundEventRow) {
      return (await db.insert(t.inboundEvents).values(event).onConflictDoNothing().returning()).length === 1;
    },

    async getCharacter(connectionId, vttCharacterId) {
      const [row] = await db
        .select()
        .from(t.characters)
        .where(and(eq(t.characters.connectionId, connectionId), eq(t.characters.vttCharacterId, vttCharacterId)));
      return row ?? null;
    },
    async putCharacter(row: CharacterRow) {
      const { connectionId, vttCharacterId, ...rest } = row;
      await db
        .insert(t.characters)
        .values(row)
        .onConflictDoUpdate({ target: [t.characters.connectionId, t.characters.vttCharacterId], set: rest });
    },
    async listCharacters(connectionId) {
      return db
        .select()
        .from(t.characters)
        .where(eq(t.characters.connectionId, connectionId))
        .orderBy(asc(t.characters.vttCharacterId));
    },
    async getCombat(connectionId, combatId) {
      const [row] = await db
        .select()
        .from(t.combats)
        .where(and(eq(t.combats.connectionId, connectionId), eq(t.combats.combatId, combatId)));
      return row ?? null;
    },
    async putCombat(row: CombatRow) {
      const { connectionId, combatId, ...rest } = row;
      await db
        .insert(t.combats)
        .values(row)
        .onConflictDoUpdate({ target: [t.combats.connectionId, t.combats.combatId], set: rest });
    },
    async listCombats(connectionId) {
      return db
        .select()
        .from(t.combats)
        .where(eq(t.combats.connectionId, connectionId))
        .orderBy(asc(t.combats.combatId));
    },
    async insertDiceRoll(row: DiceRollRow) {
      return (await db.insert(t.diceRolls).values(row).onConflictDoNothing().returning()).length === 1;
    },
    async getDiceRoll(connectionId, rollId) {
      const [row] = await db
        .select()
        .from(t.diceRolls)
        .where(and(eq(t.diceRolls.connectionId, connectionId), eq(t.diceRolls.rollId, rollId)));
      return row ?? null;
    },
    async listRecentDiceRolls(connectionId, limit, visibility) {
      const where = visibility
        ? and(eq(t.diceRolls.connectionId, connectionId), eq(t.diceRolls.visibility, visibility))
        : eq(t.diceRolls.connectionId, connectionId);
      return db
        .select()
        .from(t.diceRolls)
        .where(where)
        .orderBy(desc(t.diceRolls.timestamp), desc(t.diceRolls.receivedAt), desc(t.diceRolls.rollId))
        .limit(limit);
    },

    async appendOverlayEvent(row: OverlayEventRow) {
      await db.insert(t.overlayEvents).values(row);
    },
    async listOverlayEvents(connectionId, afterSeq, limit) {
      return db
        .select()
        .from(t.overlayEvents)
        .where(and(eq(t.overlayEvents.connectionId, connectionId), gt(t.overlayEvents.seq, afterSeq)))
        .orderBy(asc(t.overlayEvents.seq))
        .limit(limit);
    },

    async insertOverlayLink(link: OverlayLinkRow) {
      await db.insert(t.overlayLinks).values(link);
    },
    async getOverlayLink(id) {
      const [row] = await db.select().from(t.overlayLinks).where(eq(t.overlayLinks.id, id));
      return row ?? null;
    },
    async findOverlayLinkByHash(tokenHash) {
      const [row] = await db.select().from(t.overlayLinks).where(eq(t.overlayLinks.tokenHash, tokenHash));
      return row ?? null;
    },
    async listOverlayLinks(accountId) {
      return db
        .select()
        .from(t.overlayLinks)
        .where(eq(t.overlayLinks.accountId, accountId))
        .orderBy(desc(t.overlayLinks.createdAt), desc(t.overlayLinks.id));
    },
    async revokeOverlayLink(id, at) {
      const rows = await db
        .update(t.overlayLinks)
        .set({ revokedAt: at })
        .where(and(eq(t.overlayLinks.id, id), isNull(t.overlayLinks.revokedAt)))
        .returning();
      return rows.length === 1;
    },

    async insertPoll(poll: PollRow) {
      await db.insert(t.polls).values(poll);
    },
    async getPoll(id) {
      const [row] = await db.select().from(t.polls).where(eq(t.polls.id, id));
      return row ?? null;
    },
    async listPolls(accountId) {
      return db
        .select()
        .from(t.polls)
        .where(eq(t.polls.accountId, accountId))
        .orderBy(desc(t.polls.createdAt), desc(t.polls.id));
    },
    async latestShownPoll(connectionId) {
      const [running] = await db
        .select()
        .from(t.polls)
        .where(and(eq(t.polls.connectionId, connectionId), eq(t.polls.status, 'running')))
        .orderBy(desc(t.polls.startedAt))
        .limit(1);
      if (running) return running;
      const [closed] = await db
        .select()
        .from(t.polls)
        .where(and(eq(t.polls.connectionId, connectionId), eq(t.polls.status, 'closed')))
        .orderBy(desc(t.polls.endedAt), desc(t.polls.id))
        .limit(1);
      return closed ?? null;
    },
    async listRunningPolls() {
      return db.select().from(t.polls).where(eq(t.polls.status, 'running')).orderBy(asc(t.polls.endsAt));
    },
    async transitionPoll(id, from, change) {
      const rows = await db
        .update(t.polls)
        .set(change)
        .where(and(eq(t.polls.id, id), eq(t.polls.status, from)))
        .returning();
      return rows.length === 1;
    },
    async insertVote(vote: PollVoteRow) {
      return (await db.insert(t.pollVotes).values(vote).onConflictDoNothing().returning()).length === 1;
    },
    async getVote(pollId, viewerId) {
      const [row] = await db
        .select()
        .from(t.pollVotes)
        .where(and(eq(t.pollVotes.pollId, pollId), eq(t.pollVotes.viewerId, viewerId)));
      return row ?? null;
    },
    async countVotes(pollId) {
      const rows = await db
        .select({ optionId: t.pollVotes.optionId, votes: count() })
        .from(t.pollVotes)
        .where(eq(t.pollVotes.pollId, pollId))
        .groupBy(t.pollVotes.optionId);
      return Object.fromEntries(rows.map((row) => [row.optionId, row.votes]));
    },

    savepoint(fn) {
      // A nested drizzle transaction is a SAVEPOINT.
      return db.transaction((inner) => fn(bind(inner)));
    },
  };
  return tx;
}

export function openPgStore(options: PgStoreOptions): Store {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  pool.on('error', (error) => options.onPoolError?.(error));
  // A connection that dies while checked out (a transaction, a migration) emits `error` too. Its queries are
  // rejected (STORAGE_UNAVAILABLE), but Node would crash the whole server on an `error` event nobody listens to.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzle({ client: pool });

  return {
    dialect: 'postgres',
    async migrate() {
      // A dedicated connection holds the advisory lock for the whole migration.
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        try {
          await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        }
      } finally {
        client.release();
      }
    },
    transaction(fn) {
      return db.transaction((inner) => fn(bind(inner)));
    },
    async ping() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await pool.end();
    },
  };
}
