// The store on SQLite (better-sqlite3 12, WAL): the embedded default, a file in the data directory.
// better-sqlite3 is synchronous and its transactions cannot span an `await`, so this store serialises every
// transaction behind one lock and drives BEGIN/COMMIT itself; the services stay the same async code as on
// PostgreSQL.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { and, asc, count, desc, eq, gt, isNull } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { AsyncLock } from './async-lock.js';
import { prepareIngestQueries } from './sqlite-ingest-queries.js';
import * as t from './sqlite-schema.js';
import { cacheStatements } from './statement-cache.js';
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
import { BACKSTOP_CHECKPOINT_PAGES, startWalCheckpointer } from './wal-checkpointer.js';

const MIGRATIONS = fileURLToPath(new URL('../../drizzle/sqlite', import.meta.url));

type Db = BetterSQLite3Database<Record<string, never>>;

export interface SqliteStoreOptions {
  /** The database file, or `:memory:`. */
  readonly file: string;
  /** A failed background WAL checkpoint (the writer's own backstop checkpoint still runs). */
  readonly onBackgroundError?: (error: Error) => void;
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const client = new Database(options.file);
  client.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash (kill -9); only a power cut may lose the last commits.
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  // Checkpoints run in a worker thread (wal-checkpointer.ts); this connection only checkpoints past the backstop.
  const checkpointer =
    options.file === ':memory:'
      ? null
      : startWalCheckpointer(options.file, (message) =>
          options.onBackgroundError?.(new Error(`WAL checkpoint failed: ${message}`)),
        );
  if (checkpointer) client.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  cacheStatements(client);
  const db: Db = drizzle({ client });
  // Prepared lazily: the tables exist only once the migrations ran.
  let ingestQueries: ReturnType<typeof prepareIngestQueries> | null = null;
  const ingest = () => {
    ingestQueries ??= prepareIngestQueries(db);
    return ingestQueries;
  };
  const lock = new AsyncLock();
  let savepointDepth = 0;

  const tx: StoreTx = {
    async getSetting(key) {
      return db.select().from(t.settings).where(eq(t.settings.key, key)).get()?.value ?? null;
    },
    async insertSettingIfAbsent(key, value) {
      return db.insert(t.settings).values({ key, value }).onConflictDoNothing().returning().all().length === 1;
    },

    async insertAccount(account: AccountRow) {
      db.insert(t.accounts).values(account).run();
    },
    async getAccount(id) {
      return db.select().from(t.accounts).where(eq(t.accounts.id, id)).get() ?? null;
    },
    async getAccountByUsername(username) {
      return db.select().from(t.accounts).where(eq(t.accounts.username, username)).get() ?? null;
    },
    async listAccounts() {
      return db.select().from(t.accounts).orderBy(asc(t.accounts.createdAt), asc(t.accounts.id)).all();
    },
    async setAccountCredentials(id, username, passwordHash) {
      db.update(t.accounts).set({ username, passwordHash }).where(eq(t.accounts.id, id)).run();
    },

    async setPairingSecret(id, pairingSecret) {
      db.update(t.accounts).set({ pairingSecret }).where(eq(t.accounts.id, id)).run();
    },

    async insertApiToken(token: ApiTokenRow) {
      db.insert(t.apiTokens).values(token).run();
    },
    async findApiTokenByHash(tokenHash) {
      return db.select().from(t.apiTokens).where(eq(t.apiTokens.tokenHash, tokenHash)).get() ?? null;
    },
    async touchApiToken(id, at) {
      db.update(t.apiTokens).set({ lastUsedAt: at }).where(eq(t.apiTokens.id, id)).run();
    },
    async revokeApiToken(id, at) {
      db.update(t.apiTokens)
        .set({ revokedAt: at })
        .where(and(eq(t.apiTokens.id, id), isNull(t.apiTokens.revokedAt)))
        .run();
    },
    async insertDashboardSession(session: DashboardSessionRow) {
      db.insert(t.dashboardSessions).values(session).run();
    },
    async getDashboardSession(idHash) {
      return db.select().from(t.dashboardSessions).where(eq(t.dashboardSessions.idHash, idHash)).get() ?? null;
    },
    async deleteDashboardSession(idHash) {
      db.delete(t.dashboardSessions).where(eq(t.dashboardSessions.idHash, idHash)).run();
    },

    async insertPairingRequest(request: PairingRequestRow) {
      return db.insert(t.pairingRequests).values(request).onConflictDoNothing().returning().all().length === 1;
    },
    async getPairingRequest(jti) {
      return db.select().from(t.pairingRequests).where(eq(t.pairingRequests.jti, jti)).get() ?? null;
    },
    async markPairingDelivered(jti, at) {
      const rows = db
        .update(t.pairingRequests)
        .set({ status: 'delivered', deliveredAt: at })
        .where(and(eq(t.pairingRequests.jti, jti), eq(t.pairingRequests.status, 'confirmed')))
        .returning()
        .all();
      return rows.length === 1;
    },

    async insertConnection(connection: NewConnection) {
      db.insert(t.vttConnections).values(connection).run();
    },
    async getConnection(id) {
      return db.select().from(t.vttConnections).where(eq(t.vttConnections.id, id)).get() ?? null;
    },
    async lockConnection(id) {
      // Transactions are already serialised by the lock (and BEGIN IMMEDIATE).
      return ingest().connection(id);
    },
    async listConnections(accountId) {
      return db
        .select()
        .from(t.vttConnections)
        .where(eq(t.vttConnections.accountId, accountId))
        .orderBy(asc(t.vttConnections.createdAt), asc(t.vttConnections.id))
        .all();
    },
    async revokeConnection(id, reason, at) {
      const rows = db
        .update(t.vttConnections)
        .set({ revokedAt: at, revokeReason: reason })
        .where(and(eq(t.vttConnections.id, id), isNull(t.vttConnections.revokedAt)))
        .returning()
        .all();
      return rows.length === 1;
    },
    async updateConnectionWorld(id, world: WorldUpdate) {
      db.update(t.vttConnections).set(world).where(eq(t.vttConnections.id, id)).run();
    },
    async recordHeartbeat(id, at, latencyMs, queuedEvents) {
      db.update(t.vttConnections)
        .set({ lastSeenAt: at, latencyMs, queuedEvents })
        .where(eq(t.vttConnections.id, id))
        .run();
    },
    async touchConnection(id, at) {
      db.update(t.vttConnections).set({ lastSeenAt: at }).where(eq(t.vttConnections.id, id)).run();
    },
    async nextSeq(id) {
      const lastSeq = ingest().nextSeq(id);
      if (lastSeq === undefined) throw new Error(`No connection ${id}`);
      return lastSeq;
    },

    async insertRefreshToken(token: RefreshTokenRow) {
      db.insert(t.refreshTokens).values(token).run();
    },
    async getRefreshToken(tokenHash) {
      return db.select().from(t.refreshTokens).where(eq(t.refreshTokens.tokenHash, tokenHash)).get() ?? null;
    },
    async markRefreshTokenUsed(tokenHash, at) {
      const rows = db
        .update(t.refreshTokens)
        .set({ usedAt: at })
        .where(and(eq(t.refreshTokens.tokenHash, tokenHash), isNull(t.refreshTokens.usedAt)))
        .returning()
        .all();
      return rows.length === 1;
    },

    async getInboundEvent(connectionId, eventId) {
      return ingest().inboundEvent(connectionId, eventId);
    },
    async insertInboundEvent(event: InboundEventRow) {
      return ingest().insertInboundEvent(event);
    },

    async getCharacter(connectionId, vttCharacterId) {
      return (
        db
          .select()
          .from(t.characters)
          .where(and(eq(t.characters.connectionId, connectionId), eq(t.characters.vttCharacterId, vttCharacterId)))
          .get() ?? null
      );
    },
    async putCharacter(row: CharacterRow) {
      const { connectionId, vttCharacterId, ...rest } = row;
      db.insert(t.characters)
        .values(row)
        .onConflictDoUpdate({ target: [t.characters.connectionId, t.characters.vttCharacterId], set: rest })
        .run();
    },
    async listCharacters(connectionId) {
      return db
        .select()
        .from(t.characters)
        .where(eq(t.characters.connectionId, connectionId))
        .orderBy(asc(t.characters.vttCharacterId))
        .all();
    },
    async getCombat(connectionId, combatId) {
      return (
        db
          .select()
          .from(t.combats)
          .where(and(eq(t.combats.connectionId, connectionId), eq(t.combats.combatId, combatId)))
          .get() ?? null
      );
    },
    async putCombat(row: CombatRow) {
      const { connectionId, combatId, ...rest } = row;
      db.insert(t.combats)
        .values(row)
        .onConflictDoUpdate({ target: [t.combats.connectionId, t.combats.combatId], set: rest })
        .run();
    },
    async listCombats(connectionId) {
      return db
        .select()
        .from(t.combats)
        .where(eq(t.combats.connectionId, connectionId))
        .orderBy(asc(t.combats.combatId))
        .all();
    },
    async insertDiceRoll(row: DiceRollRow) {
      return ingest().insertDiceRoll(row);
    },
    async getDiceRoll(connectionId, rollId) {
      return ingest().diceRoll(connectionId, rollId);
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
        .limit(limit)
        .all();
    },

    async appendOverlayEvent(row: OverlayEventRow) {
      ingest().insertOverlayEvent(row);
    },
    async listOverlayEvents(connectionId, afterSeq, limit) {
      return db
        .select()
        .from(t.overlayEvents)
        .where(and(eq(t.overlayEvents.connectionId, connectionId), gt(t.overlayEvents.seq, afterSeq)))
        .orderBy(asc(t.overlayEvents.seq))
        .limit(limit)
        .all();
    },

    async insertOverlayLink(link: OverlayLinkRow) {
      db.insert(t.overlayLinks).values(link).run();
    },
    async getOverlayLink(id) {
      return db.select().from(t.overlayLinks).where(eq(t.overlayLinks.id, id)).get() ?? null;
    },
    async findOverlayLinkByHash(tokenHash) {
      return db.select().from(t.overlayLinks).where(eq(t.overlayLinks.tokenHash, tokenHash)).get() ?? null;
    },
    async listOverlayLinks(accountId) {
      return db
        .select()
        .from(t.overlayLinks)
        .where(eq(t.overlayLinks.accountId, accountId))
        .orderBy(desc(t.overlayLinks.createdAt), desc(t.overlayLinks.id))
        .all();
    },
    async revokeOverlayLink(id, at) {
      const rows = db
        .update(t.overlayLinks)
        .set({ revokedAt: at })
        .where(and(eq(t.overlayLinks.id, id), isNull(t.overlayLinks.revokedAt)))
        .returning()
        .all();
      return rows.length === 1;
    },

    async insertPoll(poll: PollRow) {
      db.insert(t.polls).values(poll).run();
    },
    async getPoll(id) {
      return db.select().from(t.polls).where(eq(t.polls.id, id)).get() ?? null;
    },
    async listPolls(accountId) {
      return db
        .select()
        .from(t.polls)
        .where(eq(t.polls.accountId, accountId))
        .orderBy(desc(t.polls.createdAt), desc(t.polls.id))
        .all();
    },
    async latestShownPoll(connectionId) {
      const running = db
        .select()
        .from(t.polls)
        .where(and(eq(t.polls.connectionId, connectionId), eq(t.polls.status, 'running')))
        .orderBy(desc(t.polls.startedAt))
        .limit(1)
        .get();
      if (running) return running;
      return (
        db
          .select()
          .from(t.polls)
          .where(and(eq(t.polls.connectionId, connectionId), eq(t.polls.status, 'closed')))
          .orderBy(desc(t.polls.endedAt), desc(t.polls.id))
          .limit(1)
          .get() ?? null
      );
    },
    async listRunningPolls() {
      return db.select().from(t.polls).where(eq(t.polls.status, 'running')).orderBy(asc(t.polls.endsAt)).all();
    },
    async transitionPoll(id, from, change) {
      const rows = db
        .update(t.polls)
        .set(change)
        .where(and(eq(t.polls.id, id), eq(t.polls.status, from)))
        .returning()
        .all();
      return rows.length === 1;
    },
    async insertVote(vote: PollVoteRow) {
      return db.insert(t.pollVotes).values(vote).onConflictDoNothing().returning().all().length === 1;
    },
    async getVote(pollId, viewerId) {
      return (
        db
          .select()
          .from(t.pollVotes)
          .where(and(eq(t.pollVotes.pollId, pollId), eq(t.pollVotes.viewerId, viewerId)))
          .get() ?? null
      );
    },
    async countVotes(pollId) {
      const rows = db
        .select({ optionId: t.pollVotes.optionId, votes: count() })
        .from(t.pollVotes)
        .where(eq(t.pollVotes.pollId, pollId))
        .groupBy(t.pollVotes.optionId)
        .all();
      return Object.fromEntries(rows.map((row) => [row.optionId, row.votes]));
    },

    async savepoint(fn) {
      // Named by depth, so the same few statements are reused (prepared once, see statement-cache.ts).
      const name = `sp_${++savepointDepth}`;
      const run = (statement: string) => client.prepare(statement).run();
      run(`SAVEPOINT ${name}`);
      try {
        const result = await fn(tx);
        run(`RELEASE ${name}`);
        return result;
      } catch (error) {
        run(`ROLLBACK TO ${name}`);
        run(`RELEASE ${name}`);
        throw error;
      } finally {
        savepointDepth -= 1;
      }
    },
  };

  return {
    dialect: 'sqlite',
    async migrate() {
      await lock.run(async () => migrate(db, { migrationsFolder: MIGRATIONS }));
    },
    transaction(fn) {
      return lock.run(async () => {
        client.prepare('BEGIN IMMEDIATE').run();
        try {
          const result = await fn(tx);
          client.prepare('COMMIT').run();
          return result;
        } catch (error) {
          if (client.inTransaction) client.exec('ROLLBACK');
          throw error;
        }
      });
    },
    async ping() {
      try {
        return client.prepare('SELECT 1 AS ok').get() !== undefined;
      } catch {
        return false;
      }
    },
    async close() {
      await checkpointer?.stop();
      await lock.run(async () => {
        if (client.open) client.close();
      });
    },
  };
}
