// The server under fuzz (in-process, so the test can look for prototype pollution in its process) with one
// paired module socket that sends the cases and keeps the score: what was accepted, what was refused, and how.
import { Writable } from 'node:stream';
import { EventAckSchema, EventIdSchema, findEvent, PROTOCOL_VERSION } from '@tumulte/schemas';
import { buildServer, type ServerConfig, type TumulteServer } from '@tumulte/server';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import { type Expected, expectedAnswer, type InboundEvent, jsonSchemaAccepts } from './inbound-events.js';
import { connectModule, type Outcome, type PairedModule, pairModule, send } from './module-session.js';
import type { AcceptedEvent } from './store-audit.js';

export interface Tally {
  stored: number;
  duplicate: number;
  rejected: number;
}

export interface FuzzTargetOptions {
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly worldId: string;
  readonly limits?: Partial<ServerConfig['limits']>;
  readonly channelPrefix: string;
}

/** The ids a payload carries (for the store audit), when it is an object with a string `eventId`. */
function eventIdOf(payload: unknown): string | null {
  const eventId = (payload as { eventId?: unknown } | null)?.eventId;
  return typeof eventId === 'string' ? eventId : null;
}

export class FuzzTarget {
  readonly accepted: AcceptedEvent[] = [];
  readonly refusedEventIds: string[] = [];
  /** Per event name, as the server's metrics count them. */
  readonly tallies = new Map<string, Tally>();
  /** What the overlay watching this world received (checked against the contract at the end). */
  readonly overlayEvents: Array<{ event: string; payload: unknown }> = [];
  /** Payloads where the published JSON Schema and the generated validator disagree (they never should). */
  readonly disagreements: string[] = [];
  cases = 0;
  reconnections = 0;
  baseUrl = '';
  module: PairedModule | null = null;
  socket: Socket | null = null;
  overlay: Socket | null = null;
  overlayToken = '';

  private constructor(
    readonly server: TumulteServer,
    readonly options: FuzzTargetOptions,
    /** JSON lines the server logged (level warn and above). */
    readonly logs: string[],
  ) {}

  static async start(options: FuzzTargetOptions): Promise<FuzzTarget> {
    const logs: string[] = [];
    const server = await buildServer(
      {
        port: 0,
        host: '127.0.0.1',
        logLevel: 'warn',
        uiDir: null,
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.limits ? { limits: options.limits } : {}),
      },
      {
        logDestination: new Writable({
          write(chunk, _encoding, callback) {
            logs.push(String(chunk));
            callback();
          },
        }),
        clusterChannelPrefix: options.channelPrefix,
      },
    );
    const target = new FuzzTarget(server, options, logs);
    target.baseUrl = await server.listen();
    const ownerToken = server.firstRun?.ownerToken;
    if (!ownerToken) throw new Error('a fresh database should have created the owner');
    target.module = await pairModule(target.baseUrl, ownerToken, options.worldId);
    target.socket = await connectModule(target.baseUrl, target.module.sessionToken);
    await target.watchWithOverlay(ownerToken);
    return target;
  }

  get limits(): ServerConfig['limits'] {
    return this.server.config.limits;
  }

  get connectionId(): string {
    return this.module?.connectionId ?? '';
  }

  /** An overlay link for the paired world, and an overlay socket that records everything it is sent. */
  private async watchWithOverlay(ownerToken: string): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/overlays`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connectionId: this.connectionId, label: 'fuzz watcher' }),
    });
    const link = (await response.json()) as { url: string };
    this.overlayToken = link.url.split('/').at(-1) ?? '';
    this.overlay = await this.connectOverlay((event, payload) => this.overlayEvents.push({ event, payload }));
  }

  /** Connects an overlay; `onEvent` sees every event it receives, its first `overlay:state` included. */
  async connectOverlay(onEvent: (event: string, payload: unknown) => void): Promise<Socket> {
    const socket = io(`${this.baseUrl}/overlay`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: this.overlayToken, protocolVersion: PROTOCOL_VERSION },
    });
    socket.onAny(onEvent);
    await new Promise<void>((resolve, reject) => {
      socket.once('overlay:state', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  /** The module socket, connected again after the server closed it. */
  async connected(): Promise<Socket> {
    if (this.socket?.connected) return this.socket;
    this.socket?.close();
    this.reconnections += 1;
    this.socket = await connectModule(this.baseUrl, this.module?.sessionToken ?? '');
    return this.socket;
  }

  tally(event: string): Tally {
    let tally = this.tallies.get(event);
    if (!tally) {
      tally = { stored: 0, duplicate: 0, rejected: 0 };
      this.tallies.set(event, tally);
    }
    return tally;
  }

  /**
   * Sends one case and checks the answer: the acknowledgement matches the contract and says what the oracle
   * expects. Records accepted and refused events for the store audit.
   */
  async fuzz(event: InboundEvent, kind: string, args: unknown[], viaJson = true): Promise<Expected> {
    const { definition } = event;
    this.cases += 1;
    const expected = expectedAnswer(definition, args, this.limits, this.options.worldId);
    if (viaJson && args.length === 1 && expected !== 'PAYLOAD_TOO_LARGE') {
      const zod = definition.payload.safeParse(args[0]).success;
      if (jsonSchemaAccepts(definition, args[0]) !== zod) {
        this.disagreements.push(
          `${definition.name} (${kind}): zod ${zod}, JSON Schema ${!zod} — ${JSON.stringify(args[0])}`,
        );
      }
    }
    const outcome: Outcome = await send(await this.connected(), definition.name, args);
    const context = `${definition.name} (${kind}) ${JSON.stringify(args).slice(0, 400)}`;
    expect(outcome, `the connection was closed: ${context}`).toHaveProperty('reply');
    const reply = (outcome as { reply: unknown }).reply;
    expect(
      EventAckSchema.safeParse(reply).success,
      `the acknowledgement breaks the contract: ${JSON.stringify(reply)}`,
    ).toBe(true);
    const eventId = args.length === 1 ? eventIdOf(args[0]) : null;
    if (expected === 'ok') {
      expect(reply, context).toMatchObject({ ok: true });
      const { duplicate } = reply as { duplicate: boolean };
      this.tally(definition.name)[duplicate ? 'duplicate' : 'stored'] += 1;
      if (!duplicate && eventId) {
        this.accepted.push({ definition, eventId, stored: definition.payload.parse(args[0]) });
      }
    } else {
      expect(reply, context).toMatchObject({ ok: false, error: { code: expected } });
      this.tally(definition.name).rejected += 1;
      if (eventId && EventIdSchema.safeParse(eventId).success) this.refusedEventIds.push(eventId);
    }
    return expected;
  }

  /** Emits without an acknowledgement (refused by the server, which cannot answer): nothing may be stored. */
  emitWithoutAck(event: InboundEvent, payload: unknown): void {
    this.cases += 1;
    this.socket?.emit(event.definition.name, payload);
    this.tally(event.definition.name).rejected += 1;
    const eventId = eventIdOf(payload);
    if (eventId) this.refusedEventIds.push(eventId);
  }

  /** The server's own count of events (`tumulte_vtt_events_total`), by event and result. */
  async countedEvents(): Promise<Map<string, Tally>> {
    const text = await (await fetch(`${this.baseUrl}/metrics`)).text();
    const counts = new Map<string, Tally>();
    for (const line of text.split('\n')) {
      const match = /^tumulte_vtt_events_total\{([^}]*)\} (\d+)$/.exec(line);
      if (!match) continue;
      const labels = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const tally = counts.get(String(labels.event)) ?? { stored: 0, duplicate: 0, rejected: 0 };
      tally[labels.result as keyof Tally] = Number(match[2]);
      counts.set(String(labels.event), tally);
    }
    return counts;
  }

  /** Every overlay event received so far that does not match the contract. */
  invalidOverlayEvents(): string[] {
    return this.overlayEvents.flatMap(({ event, payload }) => {
      const definition = findEvent('overlay', event);
      if (!definition) return [`unknown overlay event ${event}`];
      const parsed = definition.payload.safeParse(payload);
      return parsed.success ? [] : [`${event}: ${JSON.stringify(parsed.error.issues).slice(0, 300)}`];
    });
  }

  /** Error-level lines the server logged (pino level 50 and above). */
  errorLogs(): string[] {
    return this.logs.filter((line) => {
      try {
        return (JSON.parse(line) as { level: number }).level >= 50;
      } catch {
        return true;
      }
    });
  }

  async close(): Promise<void> {
    this.socket?.close();
    this.overlay?.close();
    await this.server.close();
  }
}
