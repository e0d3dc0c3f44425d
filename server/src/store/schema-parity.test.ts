// The SQLite and PostgreSQL schemas describe the same database: same tables, columns, nullability, defaults,
// keys, foreign keys and indexes. Only the column types differ, and they must map one to one.
import { getTableName, is, Table } from 'drizzle-orm';
import { type PgTable, getTableConfig as pgConfig } from 'drizzle-orm/pg-core';
import { type SQLiteTable, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgSchema from './pg-schema.js';
import * as sqliteSchema from './sqlite-schema.js';

// SQLite column type → the PostgreSQL type that must stand in the same place.
const TYPE_PAIRS: Record<string, string> = {
  SQLiteText: 'PgText',
  SQLiteInteger: 'PgBigInt53',
  SQLiteBoolean: 'PgBoolean',
  SQLiteTextJson: 'PgJsonb',
  SQLiteReal: 'PgDoublePrecision',
};

interface Shape {
  name: string;
  columns: Record<string, { type: string; notNull: boolean; primary: boolean; hasDefault: boolean; unique: boolean }>;
  primaryKeys: string[][];
  foreignKeys: string[];
  indexes: string[];
}

function tables(schema: Record<string, unknown>): Table[] {
  return Object.values(schema).filter((value): value is Table => is(value, Table));
}

function shape(
  config: ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>,
  mapType: (t: string) => string,
): Shape {
  return {
    name: config.name,
    columns: Object.fromEntries(
      config.columns.map((column) => [
        column.name,
        {
          type: mapType(column.columnType),
          notNull: column.notNull,
          primary: column.primary,
          hasDefault: column.hasDefault,
          unique: column.isUnique,
        },
      ]),
    ),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        return `${ref.columns.map((c) => c.name).join(',')}->${getTableName(ref.foreignTable)}(${ref.foreignColumns.map((c) => c.name).join(',')})`;
      })
      .sort(),
    indexes: config.indexes
      .map((index) => {
        const cfg = index.config;
        const columns = cfg.columns.map((c) => ('name' in c ? c.name : '?')).join(',');
        return `${cfg.name}:${cfg.unique ? 'unique' : 'plain'}:${columns}`;
      })
      .sort(),
  };
}

describe('database schemas', () => {
  const sqlite = new Map(
    tables(sqliteSchema).map((table) => {
      const s = shape(sqliteConfig(table as SQLiteTable), (type) => TYPE_PAIRS[type] ?? `unmapped:${type}`);
      return [s.name, s];
    }),
  );
  const pg = new Map(
    tables(pgSchema).map((table) => {
      const s = shape(pgConfig(table as PgTable), (type) => type);
      return [s.name, s];
    }),
  );

  it('have the same tables', () => {
    expect([...sqlite.keys()].sort()).toEqual([...pg.keys()].sort());
    expect(sqlite.size).toBeGreaterThan(5);
  });

  it.each([...sqlite.keys()])('define table %s identically', (name) => {
    expect(sqlite.get(name)).toEqual(pg.get(name));
  });

  it('export the same names', () => {
    expect(Object.keys(sqliteSchema).sort()).toEqual(Object.keys(pgSchema).sort());
  });
});
