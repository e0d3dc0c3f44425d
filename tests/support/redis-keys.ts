// Deletes keys of the shared Redis (127.0.0.1:6379) that a test created under its own prefix. A few lines of
// RESP over a socket: the tests workspace has no Redis client, and never runs FLUSHALL.
import { createConnection } from 'node:net';

/** Sends one command and resolves with the raw reply line (`:1`, `+OK`, `-ERR …`). */
export function redisCommand(url: string, args: readonly string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    let reply = '';
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.split('\r\n')[0] ?? '');
      }
    });
    const encoded = args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('');
    socket.write(`*${args.length}\r\n${encoded}`);
  });
}

/** DEL the given keys; resolves with how many existed. */
export async function deleteRedisKeys(url: string, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const reply = await redisCommand(url, ['DEL', ...keys]);
  if (!reply.startsWith(':')) throw new Error(`DEL answered ${reply}`);
  return Number(reply.slice(1));
}
