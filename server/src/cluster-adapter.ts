// Socket.IO across several server nodes: with REDIS_URL the Redis streams adapter, else with DATABASE_URL the
// PostgreSQL adapter (LISTEN/NOTIFY), else the in-memory adapter of a single node. Any node can then revoke,
// list or reach any module, whichever node its socket is on.
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import pg from 'pg';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import type { Logger } from './logger.js';

export interface ClusterOptions {
  readonly redisUrl: string | undefined;
  readonly databaseUrl: string | undefined;
  /** Prefix of the Redis stream / PostgreSQL channel, so separate deployments (or test runs) do not mix. */
  readonly channelPrefix?: string;
}

export type ClusterMode = 'single-node' | 'redis-streams' | 'postgres';

export interface ClusterAdapter {
  readonly mode: ClusterMode;
  close(): Promise<void>;
}

export async function attachClusterAdapter(
  io: Server,
  options: ClusterOptions,
  logger: Logger,
): Promise<ClusterAdapter> {
  const prefix = options.channelPrefix ?? 'tumulte';
  if (options.redisUrl) {
    const client = createClient({ url: options.redisUrl });
    client.on('error', (error: unknown) => logger.warn({ err: error }, 'redis adapter error'));
    await client.connect();
    io.adapter(createRedisStreamsAdapter(client, { streamName: `${prefix}:socket.io` }));
    return {
      mode: 'redis-streams',
      async close() {
        await client.quit().catch(() => undefined);
      },
    };
  }
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 3 });
    pool.on('error', (error) => logger.warn({ err: error }, 'postgres adapter error'));
    // The adapter keeps one connection checked out for LISTEN and opens another when it ends, but it neither
    // listens for that connection's `error` (Node would crash the server when the database goes away) nor gives
    // the dead connection back (each database restart would leak one: the pool of 3 runs dry, cross-node traffic
    // stops and `close()` waits forever). Only the LISTEN connection has `notification` listeners.
    pool.on('connect', (client) => {
      notificationsInOrder(client);
      client.on('error', (error) => logger.warn({ err: error }, 'postgres adapter connection lost'));
      client.on('end', () => {
        if (client.listenerCount('notification') === 0) return;
        try {
          client.release();
        } catch {
          // Already given back (the adapter was closing).
        }
      });
    });
    const tableName = 'socket_io_attachments';
    await pool.query(
      `CREATE TABLE IF NOT EXISTS ${tableName} (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`,
    );
    const create = createPostgresAdapter(pool, {
      channelPrefix: prefix.replace(/[^a-z0-9_]/gi, '_'),
      tableName,
      errorHandler: (error) => logger.warn({ err: error }, 'postgres adapter error'),
    });
    io.adapter(function orderedPostgresAdapter(nsp: Parameters<typeof create>[0]) {
      return broadcastInOrder(create(nsp));
    } as typeof create);
    return {
      mode: 'postgres',
      async close() {
        await pool.end().catch(() => undefined);
      },
    };
  }
  return { mode: 'single-node', close: async () => undefined };
}

/**
 * The PostgreSQL adapter delivers a broadcast, even to this node's own sockets, only once its NOTIFY went out on
 * one of the pool's connections (a large one after an INSERT of its attachment too): broadcasts made one after the
 * other can overtake each other, and an overlay drops an event whose seq is not above the last one it saw. One
 * broadcast at a time per namespace keeps them in the order they were made.
 */
function broadcastInOrder<A extends { broadcast(packet: unknown, options: unknown): unknown }>(adapter: A): A {
  const broadcast = adapter.broadcast.bind(adapter);
  let previous: Promise<unknown> = Promise.resolve();
  adapter.broadcast = (packet, options) => {
    previous = previous.then(() => broadcast(packet, options)).catch(() => undefined);
    return previous;
  };
  return adapter;
}

/**
 * On the receiving node, the adapter fetches a large message from its attachments table before delivering it, but
 * delivers a small one at once: the small message that followed a large one overtook it. Its notification
 * handler runs here one notification after the other, in the order PostgreSQL sent them.
 */
function notificationsInOrder(client: pg.PoolClient): void {
  const on = client.on.bind(client) as (event: string, listener: (...args: unknown[]) => unknown) => pg.PoolClient;
  let previous: Promise<unknown> = Promise.resolve();
  client.on = ((event: string, listener: (...args: unknown[]) => unknown) => {
    if (event !== 'notification') return on(event, listener);
    return on(event, (...args: unknown[]) => {
      previous = previous.then(() => listener(...args)).catch(() => undefined);
    });
  }) as typeof client.on;
}
