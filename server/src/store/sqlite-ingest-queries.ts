// The queries every inbound event runs, built once as drizzle prepared queries: building SQL per event
// (drizzle's query builder) was half of the ingest path's CPU in the pipeline benchmark.
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as t from './sqlite-schema.js';
import type { DiceRollRow, InboundEventRow, OverlayEventRow } from './store.js';

type Db = BetterSQLite3Database<Record<string, never>>;

/**
 * `{column: placeholder(column)}` for every column, so one prepared INSERT takes a whole row. drizzle types
 * insert values as column values, not placeholders: callers cast the map.
 */
function allPlaceholders(table: SQLiteTable): Record<string, ReturnType<typeof sql.placeholder>> {
  return Object.fromEntries(Object.keys(getTableColumns(table)).map((key) => [key, sql.placeholder(key)]));
}

const columnKeys = new WeakMap<SQLiteTable, readonly string[]>();

/** A row with every column present (absent optional ones as null), as a prepared INSERT needs. */
function fullRow(table: SQLiteTable, row: object): Record<string, unknown> {
  let keys = columnKeys.get(table);
  if (!keys) {
    keys = Object.keys(getTableColumns(table));
    columnKeys.set(table, keys);
  }
  const values = row as Record<string, unknown>;
  const full: Record<string, unknown> = {};
  for (const key of keys) full[key] = values[key] ?? null;
  return full;
}

export function prepareIngestQueries(db: Db) {
  const connection = db
    .select()
    .from(t.vttConnections)
    .where(eq(t.vttConnections.id, sql.placeholder('id')))
    .prepare();
  const nextSeq = db
    .update(t.vttConnections)
    .set({ lastSeq: sql`${t.vttConnections.lastSeq} + 1` })
    .where(eq(t.vttConnections.id, sql.placeholder('id')))
    .returning({ lastSeq: t.vttConnections.lastSeq })
    .prepare();
  const inboundEvent = db
    .select()
    .from(t.inboundEvents)
    .where(
      and(
        eq(t.inboundEvents.connectionId, sql.placeholder('connectionId')),
        eq(t.inboundEvents.eventId, sql.placeholder('eventId')),
      ),
    )
    .prepare();
  const diceRoll = db
    .select()
    .from(t.diceRolls)
    .where(
      and(
        eq(t.diceRolls.connectionId, sql.placeholder('connectionId')),
        eq(t.diceRolls.rollId, sql.placeholder('rollId')),
      ),
    )
    .prepare();
  const insertInboundEvent = db
    .insert(t.inboundEvents)
    .values(allPlaceholders(t.inboundEvents) as never)
    .onConflictDoNothing()
    .prepare();
  const insertDiceRoll = db
    .insert(t.diceRolls)
    .values(allPlaceholders(t.diceRolls) as never)
    .onConflictDoNothing()
    .prepare();
  const insertOverlayEvent = db
    .insert(t.overlayEvents)
    .values(allPlaceholders(t.overlayEvents) as never)
    .prepare();

  return {
    connection: (id: string) => connection.get({ id }) ?? null,
    nextSeq: (id: string) => nextSeq.get({ id })?.lastSeq,
    inboundEvent: (connectionId: string, eventId: string) => inboundEvent.get({ connectionId, eventId }) ?? null,
    diceRoll: (connectionId: string, rollId: string) => diceRoll.get({ connectionId, rollId }) ?? null,
    insertInboundEvent: (row: InboundEventRow) => insertInboundEvent.run(fullRow(t.inboundEvents, row)).changes === 1,
    insertDiceRoll: (row: DiceRollRow) => insertDiceRoll.run(fullRow(t.diceRolls, row)).changes === 1,
    insertOverlayEvent: (row: OverlayEventRow) => {
      insertOverlayEvent.run(fullRow(t.overlayEvents, row));
    },
  };
}
