import type { ErrorCode } from '@tumulte/schemas';
import { ERROR_CODES } from '@tumulte/schemas';
import { type FetchLike, setFetch } from '../src/shared/api';

export interface Call {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly credentials: RequestCredentials | undefined;
}

type Reply = { status: number; body: unknown } | (() => { status: number; body: unknown });

/** A fake server for `fetch`: replies by `METHOD /path`, in order when several are queued; records calls. */
export function fakeApi() {
  const replies = new Map<string, Reply[]>();
  const calls: Call[] = [];
  const fetchLike: FetchLike = async (input, init) => {
    const method = init.method ?? 'GET';
    const key = `${method} ${input}`;
    calls.push({
      method,
      path: input,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init.credentials,
    });
    const queue = replies.get(key);
    const next = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    if (!next) return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: key } }), { status: 404 });
    const { status, body } = typeof next === 'function' ? next() : next;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  setFetch(fetchLike);
  return {
    calls,
    on(key: string, status: number, body: unknown) {
      replies.set(key, [...(replies.get(key) ?? []), { status, body }]);
      return this;
    },
    fail(key: string, code: ErrorCode) {
      return this.on(key, ERROR_CODES[code].status, { error: { code, message: `${code} from the test` } });
    },
    reset(key: string) {
      replies.delete(key);
      return this;
    },
  };
}

/** Lets pending promises and Vue updates run. */
export async function settle(rounds = 5): Promise<void> {
  for (let round = 0; round < rounds; round += 1) await new Promise((resolve) => setTimeout(resolve, 0));
}
