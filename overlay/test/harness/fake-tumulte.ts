import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Account,
  type ConnectionStatus,
  ERROR_CODES,
  type ErrorCode,
  HTTP_ROUTES,
  type HttpRouteKey,
  type OverlayLink,
  type PairingPreview,
  type Poll,
  type PublicPoll,
} from '@tumulte/schemas';
import type { OverlayNamespace } from '@tumulte/schemas/server';
import { Server } from 'socket.io';
import { createOverlayWorld, type OverlayWorld } from './overlay-world';
import { serveStatic } from './static';

/**
 * A stand-in for the Tumulte server's HTTP API and `/overlay` namespace, for browser tests of the UI while the
 * real server is not there: every request body is checked with the contract's strict validators and every
 * answer with the route's response validator (`problems` lists what did not match), using `HTTP_ROUTES`.
 */
export interface FakeTumulte {
  readonly origin: string;
  readonly setupToken: string;
  /** Contract violations seen (requests the UI sent wrong, or answers this fake built wrong). */
  readonly problems: string[];
  /** A pairing token the module would have shown; `expired` makes it refused with PAIRING_EXPIRED. */
  addPairing(token: string, preview?: Partial<PairingPreview>, expired?: boolean): void;
  /** The public state of a paired world, to send game events to its overlays. */
  world(connectionId: string): OverlayWorld;
  readonly connections: ConnectionStatus[];
  /** The account's current HS256 pairing secret (`POST /vtt/pairing-secret/rotate` replaces it). */
  readonly pairingSecret: string;
  /** How many times `GET /vtt/pairing-secret` was asked (the dashboard asks only when the streamer reveals it). */
  readonly pairingSecretReads: number;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown; cookies?: string[] };
type Context = {
  params: Record<string, string>;
  body: unknown;
  account: Account | null;
  cookies: Record<string, string>;
};

const error = (code: ErrorCode, message = code): Reply => ({
  status: ERROR_CODES[code].status,
  body: { error: { code, message } },
});

function cookiesOf(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    (request.headers.cookie ?? '')
      .split(';')
      .map((part) => part.trim().split('='))
      .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== ''),
  );
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

const ROUTES = (Object.keys(HTTP_ROUTES) as HttpRouteKey[]).map((key) => {
  const route = HTTP_ROUTES[key];
  const names: string[] = [];
  const pattern = new RegExp(
    `^${route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return { key, route, pattern, names };
});

export async function startFakeTumulte(options: { staticDir?: string } = {}): Promise<FakeTumulte> {
  const setupToken = `setup-${randomUUID()}`;
  let owner: (Account & { password: string }) | null = null;
  const sessions = new Map<string, Account>();
  const pairings = new Map<string, { preview: PairingPreview; used: boolean; expired: boolean }>();
  const connections: ConnectionStatus[] = [];
  const links = new Map<string, OverlayLink & { token: string }>();
  const polls: Poll[] = [];
  const votes = new Map<string, Map<string, string>>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const worlds = new Map<string, OverlayWorld>();
  const problems: string[] = [];
  // Like the server's: full entropy, base64url.
  const newSecret = () => randomBytes(32).toString('base64url');
  let pairingSecret = newSecret();
  let pairingSecretReads = 0;

  const http = createServer((request, response) => {
    void handle(request, response).catch((caught: unknown) => {
      problems.push(`crash: ${String(caught)}`);
      response.writeHead(500).end();
    });
  });
  const io = new Server(http, { transports: ['websocket'] });
  const namespace = io.of('/overlay') as unknown as OverlayNamespace;

  const world = (connectionId: string): OverlayWorld => {
    let known = worlds.get(connectionId);
    if (!known) {
      known = createOverlayWorld(namespace.to(`connection:${connectionId}`));
      worlds.set(connectionId, known);
    }
    return known;
  };

  const publicPoll = (poll: Poll): PublicPoll => ({
    pollId: poll.pollId,
    question: poll.question,
    options: poll.options,
    status: poll.status,
    startedAt: poll.startedAt,
    endsAt: poll.endsAt,
    totalVotes: poll.totalVotes,
    winners: poll.winners,
  });

  const close = (poll: Poll) => {
    if (poll.status !== 'running') return;
    const top = Math.max(...poll.options.map((option) => option.votes));
    poll.status = 'closed';
    poll.endedAt = Date.now();
    poll.winners = top > 0 ? poll.options.filter((option) => option.votes === top).map((option) => option.id) : [];
    world(poll.connectionId).send.pollEnd(publicPoll(poll));
  };

  const owned = (account: Account | null, connectionId: string) =>
    connections.find((connection) => connection.connectionId === connectionId && account !== null);

  const handlers: Partial<Record<HttpRouteKey, (context: Context) => Reply>> = {
    'GET /api/session': ({ account }) => ({ status: 200, body: { account, setupRequired: owner === null } }),
    'POST /api/setup': ({ body }) => {
      const request = body as { setupToken: string; username: string; password: string };
      if (owner) return error('CONFLICT');
      if (request.setupToken !== setupToken) return error('TOKEN_INVALID');
      owner = {
        accountId: 'acc-1',
        username: request.username,
        role: 'owner',
        createdAt: Date.now(),
        password: request.password,
      };
      const sid = randomUUID();
      const { password: _, ...account } = owner;
      sessions.set(sid, account);
      return { status: 201, body: account, cookies: [`sid=${sid}; Path=/; HttpOnly; SameSite=Lax`] };
    },
    'POST /api/login': ({ body }) => {
      const request = body as { username: string; password: string };
      if (!owner || owner.username !== request.username || owner.password !== request.password)
        return error('UNAUTHORIZED');
      const sid = randomUUID();
      const { password: _, ...account } = owner;
      sessions.set(sid, account);
      return { status: 200, body: account, cookies: [`sid=${sid}; Path=/; HttpOnly; SameSite=Lax`] };
    },
    'POST /api/logout': ({ cookies }) => {
      sessions.delete(cookies.sid ?? '');
      return { status: 200, body: { loggedOut: true }, cookies: ['sid=; Path=/; Max-Age=0'] };
    },
    'POST /vtt/pair/preview': ({ body }) => {
      const pairing = pairings.get((body as { pairingToken: string }).pairingToken);
      if (!pairing) return error('PAIRING_INVALID');
      if (pairing.used) return error('PAIRING_USED');
      if (pairing.expired) return error('PAIRING_EXPIRED');
      return { status: 200, body: pairing.preview };
    },
    'POST /vtt/pair': ({ body }) => {
      const pairing = pairings.get((body as { pairingToken: string }).pairingToken);
      if (!pairing) return error('PAIRING_INVALID');
      if (pairing.used) return error('PAIRING_USED');
      if (pairing.expired) return error('PAIRING_EXPIRED');
      pairing.used = true;
      const connectionId = `conn-${connections.length + 1}`;
      // The module picks its tokens up and connects right away.
      connections.push({
        connectionId,
        online: true,
        lastSeenAt: Date.now(),
        latencyMs: 18,
        moduleVersion: pairing.preview.moduleVersion,
        world: { id: pairing.preview.worldId, name: pairing.preview.worldName, system: 'dnd5e' },
        revoked: false,
        createdAt: Date.now(),
      });
      return {
        status: 201,
        body: { connectionId, worldId: pairing.preview.worldId, worldName: pairing.preview.worldName },
      };
    },
    'GET /vtt/pairing-secret': () => {
      pairingSecretReads += 1;
      return { status: 200, body: { secret: pairingSecret, algorithm: 'HS256' } };
    },
    'POST /vtt/pairing-secret/rotate': () => {
      pairingSecret = newSecret();
      return { status: 200, body: { secret: pairingSecret, algorithm: 'HS256' } };
    },
    'GET /vtt/connections': () => ({ status: 200, body: { connections } }),
    'GET /vtt/connections/:id/status': ({ params, account }) => {
      const connection = owned(account, params.id ?? '');
      return connection ? { status: 200, body: connection } : error('NOT_FOUND');
    },
    'POST /vtt/connections/:id/revoke': ({ params, account }) => {
      const connection = owned(account, params.id ?? '');
      if (!connection) return error('NOT_FOUND');
      connection.revoked = true;
      connection.online = false;
      return { status: 200, body: { connectionId: connection.connectionId, revoked: true } };
    },
    'GET /api/overlays': () => ({
      status: 200,
      body: { overlays: [...links.values()].map(({ token: _, ...link }) => ({ ...link, url: null })) },
    }),
    'POST /api/overlays': ({ body, account }) => {
      const request = body as { connectionId: string; label: string };
      if (!owned(account, request.connectionId)) return error('NOT_FOUND');
      const token = `ovl_${randomUUID().replaceAll('-', '')}`;
      const link = {
        overlayId: `ov-${links.size + 1}`,
        connectionId: request.connectionId,
        label: request.label,
        createdAt: Date.now(),
        revoked: false,
      };
      links.set(link.overlayId, { ...link, url: null, token });
      return { status: 201, body: { ...link, url: `/overlay/${token}` } };
    },
    'POST /api/overlays/:id/revoke': ({ params }) => {
      const link = links.get(params.id ?? '');
      if (!link) return error('NOT_FOUND');
      link.revoked = true;
      for (const socket of namespace.sockets.values()) {
        if ((socket.handshake.auth as { token?: string }).token === link.token) socket.disconnect(true);
      }
      const { token: _, ...rest } = link;
      return { status: 200, body: { ...rest, url: null } };
    },
    'GET /api/polls': () => ({ status: 200, body: { polls: [...polls].reverse() } }),
    'POST /api/polls': ({ body, account }) => {
      const request = body as { connectionId: string; question: string; options: string[]; durationSeconds: number };
      if (!owned(account, request.connectionId)) return error('NOT_FOUND');
      const poll: Poll = {
        pollId: `poll-${polls.length + 1}`,
        connectionId: request.connectionId,
        question: request.question,
        options: request.options.map((label, index) => ({ id: String.fromCharCode(97 + index), label, votes: 0 })),
        status: 'draft',
        durationSeconds: request.durationSeconds,
        createdAt: Date.now(),
        startedAt: null,
        endsAt: null,
        endedAt: null,
        totalVotes: 0,
        winners: [],
      };
      polls.push(poll);
      votes.set(poll.pollId, new Map());
      return { status: 201, body: poll };
    },
    'POST /api/polls/:id/start': ({ params }) => {
      const poll = polls.find((known) => known.pollId === params.id);
      if (!poll) return error('NOT_FOUND');
      if (poll.status !== 'draft') return error('CONFLICT');
      poll.status = 'running';
      poll.startedAt = Date.now();
      poll.endsAt = poll.startedAt + poll.durationSeconds * 1000;
      const timer = setTimeout(() => close(poll), poll.durationSeconds * 1000);
      timers.add(timer);
      world(poll.connectionId).send.pollStart(publicPoll(poll));
      return { status: 200, body: poll };
    },
    'POST /api/polls/:id/end': ({ params }) => {
      const poll = polls.find((known) => known.pollId === params.id);
      if (!poll) return error('NOT_FOUND');
      if (poll.status !== 'running') return error('POLL_CLOSED');
      close(poll);
      return { status: 200, body: poll };
    },
    'GET /api/public/polls/:id': ({ params, cookies }) => {
      const poll = polls.find((known) => known.pollId === params.id);
      if (!poll) return error('NOT_FOUND');
      const viewer = cookies.viewer ?? randomUUID();
      return {
        status: 200,
        body: { poll: publicPoll(poll), votedOptionId: votes.get(poll.pollId)?.get(viewer) ?? null },
        cookies: cookies.viewer ? [] : [`viewer=${viewer}; Path=/; HttpOnly; SameSite=Lax`],
      };
    },
    'POST /api/public/polls/:id/votes': ({ params, body, cookies }) => {
      const poll = polls.find((known) => known.pollId === params.id);
      if (!poll) return error('NOT_FOUND');
      if (poll.status !== 'running') return error('POLL_CLOSED');
      const viewer = cookies.viewer;
      if (!viewer) return error('FORBIDDEN');
      const ballots = votes.get(poll.pollId) ?? new Map<string, string>();
      if (ballots.has(viewer)) return error('ALREADY_VOTED');
      const option = poll.options.find((known) => known.id === (body as { optionId: string }).optionId);
      if (!option) return error('VALIDATION');
      ballots.set(viewer, option.id);
      option.votes += 1;
      poll.totalVotes += 1;
      world(poll.connectionId).send.pollUpdate(publicPoll(poll));
      return { status: 201, body: { poll: publicPoll(poll), votedOptionId: option.id } };
    },
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://x');
    const match = ROUTES.map((entry) => ({
      entry,
      found: entry.route.method === request.method && entry.pattern.exec(url.pathname),
    })).find(({ found }) => found);
    const handler = match && handlers[match.entry.key];
    if (!match?.found || !handler) {
      if (options.staticDir && request.method === 'GET') serveStatic(options.staticDir, request, response);
      else response.writeHead(404).end();
      return;
    }
    const { entry, found } = match;
    const cookies = cookiesOf(request);
    const body = await readBody(request);
    const params = Object.fromEntries(
      entry.names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]),
    );
    let reply: Reply;
    if (entry.route.request && !entry.route.request.safeParse(body).success) {
      problems.push(`${entry.key}: invalid request ${JSON.stringify(body)}`);
      reply = error('VALIDATION');
    } else if (!entry.route.request && body !== undefined) {
      problems.push(`${entry.key}: takes no body, got ${JSON.stringify(body)}`);
      reply = error('VALIDATION');
    } else {
      const account = sessions.get(cookies.sid ?? '') ?? null;
      reply =
        entry.route.auth === 'dashboard' && !account
          ? error('UNAUTHORIZED')
          : handler({ params, body, account, cookies });
    }
    const validator = (entry.route.responses as Record<number, { safeParse(value: unknown): { success: boolean } }>)[
      reply.status
    ];
    if (reply.status < 400 && !validator?.safeParse(reply.body).success) problems.push(`${entry.key}: invalid answer`);
    const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
    if (reply.cookies?.length) headers['set-cookie'] = reply.cookies;
    response.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
  }

  namespace.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const link = [...links.values()].find((known) => known.token === token);
    if (!link || link.revoked) {
      next(
        Object.assign(new Error('Unknown overlay token'), {
          data: { code: 'TOKEN_INVALID', message: 'Unknown overlay token' },
        }),
      );
      return;
    }
    socket.data = { connectionId: link.connectionId };
    next();
  });
  namespace.on('connection', (socket) => {
    const connectionId = (socket.data as { connectionId: string }).connectionId;
    void socket.join(`connection:${connectionId}`);
    world(connectionId).snapshotTo(socket);
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    setupToken,
    problems,
    connections,
    get pairingSecret() {
      return pairingSecret;
    },
    get pairingSecretReads() {
      return pairingSecretReads;
    },
    world,
    addPairing: (token, preview = {}, expired = false) => {
      pairings.set(token, {
        used: false,
        expired,
        preview: {
          worldId: 'lost-mine',
          worldName: 'Lost Mine of Phandelver',
          gmUserId: 'gmUser00000000001',
          gmName: 'Gamemaster',
          moduleVersion: '1.0.0',
          pairingCode: 'K7QX-4P2M',
          expiresAt: Date.now() + 300_000,
          algorithm: 'ES256',
          ...preview,
        },
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        io.close(() => resolve());
      }),
  };
}
