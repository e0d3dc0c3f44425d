import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type {
  Character,
  ConnectErrorData,
  OverlayCombat,
  OverlayRoll,
  OverlayStatePayload,
  PublicPoll,
} from '@tumulte/schemas';
import { createOverlayEmitter, type OverlayNamespace } from '@tumulte/schemas/server';
import { Server } from 'socket.io';

/**
 * A stand-in for the server's `/overlay` namespace, for tests of the overlay page: it checks the handshake like
 * the contract says, sends `overlay:state` on connect and numbered live events (validated by the generated
 * emitter). Optionally serves the built app (SPA fallback) so a browser can open `/overlay/<token>`.
 */
export interface FakeOverlayServer {
  readonly origin: string;
  /** The `auth` of every handshake, in order. */
  readonly handshakes: Record<string, unknown>[];
  readonly state: OverlayStatePayload;
  /** While set, handshakes are refused with this `connect_error` data. */
  refuse: ConnectErrorData | null;
  readonly send: {
    diceRoll(roll: OverlayRoll): number;
    characterUpdate(character: Character): number;
    characterDelete(vttCharacterId: string): number;
    combatUpdate(combat: OverlayCombat): number;
    combatEnd(combatId: string): number;
    pollStart(poll: PublicPoll): number;
    pollUpdate(poll: PublicPoll): number;
    pollEnd(poll: PublicPoll): number;
    /** An event with an explicit (possibly stale) seq, to test that clients drop it. */
    staleCharacterUpdate(character: Character, seq: number): void;
  };
  connectedCount(): number;
  /** Server-side disconnect of every overlay (as a restart or a revoked link does). */
  disconnectAll(): void;
  close(): Promise<void>;
}

export interface FakeOverlayServerOptions {
  readonly token: string;
  /** The built app to serve (overlay/dist), if a browser will load pages from this server. */
  readonly staticDir?: string;
  readonly initial?: Partial<OverlayStatePayload>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function serveStatic(dir: string, request: IncomingMessage, response: ServerResponse): void {
  const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(
    /^(\.\.[/\\])+/,
    '',
  );
  const file = join(dir, path);
  const target = file.startsWith(dir) && existsSync(file) && statSync(file).isFile() ? file : join(dir, 'index.html');
  response.writeHead(200, { 'content-type': MIME[extname(target)] ?? 'application/octet-stream' });
  response.end(readFileSync(target));
}

export async function startFakeOverlayServer(options: FakeOverlayServerOptions): Promise<FakeOverlayServer> {
  const http = createServer((request, response) => {
    if (options.staticDir && !request.url?.startsWith('/socket.io')) {
      serveStatic(options.staticDir, request, response);
      return;
    }
    response.writeHead(404).end();
  });
  const io = new Server(http, { transports: ['websocket'] });
  const namespace = io.of('/overlay') as unknown as OverlayNamespace;
  const emitter = createOverlayEmitter(namespace);
  const state: OverlayStatePayload = {
    seq: 0,
    world: { name: 'Lost Mine of Phandelver', system: 'dnd5e', online: true },
    characters: [],
    combat: null,
    poll: null,
    recentRolls: [],
    ...options.initial,
  };
  const handshakes: Record<string, unknown>[] = [];

  const server: FakeOverlayServer = {
    origin: '',
    handshakes,
    state,
    refuse: null,
    send: {
      diceRoll: (roll) => {
        state.recentRolls = [...state.recentRolls, roll].slice(-50);
        emitter.emit.diceRoll({ seq: ++state.seq, roll });
        return state.seq;
      },
      characterUpdate: (character) => {
        const others = state.characters.filter((known) => known.vttCharacterId !== character.vttCharacterId);
        const index = state.characters.findIndex((known) => known.vttCharacterId === character.vttCharacterId);
        state.characters =
          index === -1
            ? [...others, character]
            : state.characters.map((known, at) => (at === index ? character : known));
        emitter.emit.characterUpdate({ seq: ++state.seq, character });
        return state.seq;
      },
      characterDelete: (vttCharacterId) => {
        state.characters = state.characters.filter((known) => known.vttCharacterId !== vttCharacterId);
        emitter.emit.characterDelete({ seq: ++state.seq, vttCharacterId });
        return state.seq;
      },
      combatUpdate: (combat) => {
        state.combat = combat;
        emitter.emit.combatUpdate({ seq: ++state.seq, combat });
        return state.seq;
      },
      combatEnd: (combatId) => {
        state.combat = null;
        emitter.emit.combatEnd({ seq: ++state.seq, combatId });
        return state.seq;
      },
      pollStart: (poll) => {
        state.poll = poll;
        emitter.emit.pollStart({ seq: ++state.seq, poll });
        return state.seq;
      },
      pollUpdate: (poll) => {
        state.poll = poll;
        emitter.emit.pollUpdate({ seq: ++state.seq, poll });
        return state.seq;
      },
      pollEnd: (poll) => {
        state.poll = poll;
        emitter.emit.pollEnd({ seq: ++state.seq, poll });
        return state.seq;
      },
      staleCharacterUpdate: (character, seq) => emitter.emit.characterUpdate({ seq, character }),
    },
    connectedCount: () => namespace.sockets.size,
    disconnectAll: () => {
      namespace.disconnectSockets(true);
    },
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }),
  };

  namespace.use((socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown>;
    handshakes.push({ ...auth });
    const refusal: ConnectErrorData | null =
      server.refuse ??
      (auth.token !== options.token ? { code: 'TOKEN_INVALID', message: 'Unknown overlay token' } : null);
    if (refusal) {
      next(Object.assign(new Error(refusal.message), { data: refusal }));
      return;
    }
    next();
  });
  namespace.on('connection', (socket) => {
    createOverlayEmitter(socket).emit.overlayState({ ...state });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  Object.assign(server, { origin: `http://127.0.0.1:${port}` });
  return server;
}
