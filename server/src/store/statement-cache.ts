// better-sqlite3 compiles SQL on every prepare(), and drizzle prepares each query it runs: on the ingest path
// that compilation was the largest single cost (bench: ~20% of the server's CPU). Keeping the compiled
// statement per SQL text makes the same query cheap the next time.
import type { Database, Statement } from 'better-sqlite3';

const MAX_STATEMENTS = 500;

export function cacheStatements(client: Database): void {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, Statement>();
  const cached = (source: string): Statement => {
    const known = cache.get(source);
    if (known) {
      // drizzle switches a statement to raw rows for some reads; a reused one starts from the default mode.
      if (known.reader) known.raw(false);
      return known;
    }
    const statement = prepare(source);
    if (cache.size >= MAX_STATEMENTS) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(source, statement);
    return statement;
  };
  client.prepare = cached as typeof client.prepare;
}
