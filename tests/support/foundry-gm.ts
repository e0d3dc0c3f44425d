// The real Foundry module (`tumulte-integration`, its source) running in sdk-foundry's simulated Foundry
// runtime, driven like a GM would: a dnd5e world with three player characters and a goblin, a combat, public
// rolls in the chat, hit-point changes. Everything the module emits over its socket and every acknowledgement it
// gets is recorded (the socket factory of the browser environment is wrapped), and so is every event it queues.
import type { CampaignSyncPayload, EventAck } from '@tumulte/schemas';
import { io } from 'socket.io-client';
import type { IoFactory } from 'tumulte-integration/src/env.js';
import type { ConnectionOptions } from 'tumulte-integration/src/lib/connection.js';
import type { TumulteModule } from 'tumulte-integration/src/module.js';
import { chatMessage, dnd5eActor } from 'tumulte-integration/test/sim/fixtures.js';
import { addActor } from 'tumulte-integration/test/sim/harness.js';
import {
  BrowserProfile,
  type Client,
  type FakeActor,
  type FakeCombat,
  standardWorld,
  type World,
} from 'tumulte-integration/test/sim/runtime.js';
import { expect, vi } from 'vitest';
import { expectRoute } from './dashboard-api.js';

export const MODULE_ID = 'tumulte-integration';

/** Waits for a condition (a generous bound for slow CI machines; never an assertion about time). */
export const until = <T>(check: () => T | Promise<T>, timeout = 60_000) => vi.waitFor(check, { timeout, interval: 25 });

/** One emit of a queued event and what came back: the acknowledgement, or the error (timeout, disconnect). */
export interface WireSend {
  readonly eventId: string;
  readonly event: string;
  ack: EventAck | null;
  error: string | null;
  /** When it was emitted and answered (ms since epoch), for diagnostics. */
  readonly sentAt: number;
  answeredAt: number | null;
}

/** What the module queued (its outbox entries), in order. */
export interface QueuedEvent {
  readonly eventId: string;
  readonly event: string;
  readonly supersedes: string | null;
}

export interface GmOptions {
  /** Module connection options (fast backoff by default, so reconnections do not wait seconds). */
  readonly connection?: ConnectionOptions;
  /** The outbox bound (the module's default, 1000, drops the oldest beyond it: not what these tests are about). */
  readonly outboxMax?: number;
}

/** The module's console lines (`tumulte-integration | …`), kept here instead of flooding the test output. */
export const moduleLog: string[] = [];
let consoleFiltered = false;

function keepModuleLogsQuiet(): void {
  if (consoleFiltered) return;
  consoleFiltered = true;
  for (const level of ['debug', 'info', 'warn'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith(`${MODULE_ID} |`)) {
        moduleLog.push(
          `${level} ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`,
        );
        if (moduleLog.length > 5_000) moduleLog.splice(0, 1_000);
        return;
      }
      original(...args);
    };
  }
}

const ROLL_EPOCH = Date.UTC(2026, 0, 1);
const FAST_BACKOFF = { initialMs: 25, maxMs: 250 } as const;

export class FoundryGm {
  readonly world: World;
  readonly browser = new BrowserProfile();
  readonly tab: Client;
  module!: TumulteModule;
  readonly sends: WireSend[] = [];
  readonly queued: QueuedEvent[] = [];
  /** Why each of the module's sockets closed (`io server disconnect`, `transport close`, …), in order. */
  readonly disconnects: string[] = [];
  /** The ids of the public rolls made in the chat, in order (`<message id>.0`). */
  readonly rollIds: string[] = [];
  readonly pcs: FakeActor[] = [];
  combat: FakeCombat | null = null;
  private rolls = 0;
  private hpFlip = 0;

  private constructor() {
    const { world, gm } = standardWorld();
    this.world = world;
    this.tab = world.connect(gm, this.browser);
  }

  /** Opens the GM's tab with the module started and pointed at `serverUrl` (not paired yet). */
  static async open(serverUrl: string, options: GmOptions = {}): Promise<FoundryGm> {
    keepModuleLogsQuiet();
    const gm = new FoundryGm();
    gm.module = await gm.tab.start(
      {
        coalesceMs: 5,
        connection: { backoff: FAST_BACKOFF, ...options.connection },
        outbox: { maxEvents: options.outboxMax ?? 20_000 },
      },
      { io: gm.recordingIo() },
    );
    await gm.tab.game.settings.set(MODULE_ID, 'serverUrl', serverUrl);
    gm.watchOutbox();
    for (const name of ['randal-human-fighter', 'beiro-half-elf-bard', 'zanna-gnome-wizard'] as const) {
      gm.pcs.push(addActor(gm.world, dnd5eActor(name), { playerOwned: true }));
    }
    addActor(gm.world, dnd5eActor('goblin'));
    return gm;
  }

  /** The socket factory of the GM's browser, recording every acknowledged emit. */
  private recordingIo(): IoFactory {
    return (url, options) => {
      const socket = io(url, options);
      socket.on('disconnect', (reason) => this.disconnects.push(reason));
      const timeout = socket.timeout.bind(socket);
      const sends = this.sends;
      // The generated client stub sends every event with `socket.timeout(ms).emitWithAck(event, payload)`.
      (socket as unknown as { timeout: unknown }).timeout = (ms: number) => {
        const timed = timeout(ms) as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> };
        return {
          async emitWithAck(event: string, payload: unknown) {
            const record: WireSend = {
              eventId: String((payload as { eventId?: unknown } | null)?.eventId ?? ''),
              event,
              ack: null,
              error: null,
              sentAt: Date.now(),
              answeredAt: null,
            };
            sends.push(record);
            try {
              const ack = await timed.emitWithAck(event, payload);
              record.ack = ack as EventAck;
              record.answeredAt = Date.now();
              return ack;
            } catch (error) {
              record.error = error instanceof Error ? error.message : String(error);
              record.answeredAt = Date.now();
              throw error;
            }
          },
        };
      };
      return socket;
    };
  }

  /** Records every event the module queues in its outbox. */
  private watchOutbox(): void {
    const outbox = this.module.outbox;
    if (!outbox) throw new Error('the module is not the sender');
    const enqueue = outbox.enqueue.bind(outbox);
    outbox.enqueue = ((...args: Parameters<typeof enqueue>) => {
      const entry = enqueue(...args);
      if (entry) {
        this.queued.push({ eventId: entry.eventId, event: entry.event, supersedes: entry.supersedes ?? null });
      }
      return entry;
    }) as typeof outbox.enqueue;
  }

  /**
   * Pairs the world: opens the pairing dialog, previews and confirms its link in the dashboard (`dashboardUrl`,
   * owner token), waits until the module is connected. Returns the connection id.
   */
  async pair(dashboardUrl: string, ownerToken: string): Promise<string> {
    const { module } = this;
    module.openPairingDialog();
    await until(() => expect(module.pairingSession()?.current.status).toBe('waiting'));
    const ticket = module.pairingSession()?.current.ticket;
    if (!ticket) throw new Error('no pairing ticket');
    const preview = await expectRoute(200, dashboardUrl, ownerToken, 'POST /vtt/pair/preview', {
      body: { pairingToken: ticket.url },
    });
    expect(preview).toMatchObject({ pairingCode: ticket.code, worldName: 'Lost Mine of Phandelver' });
    const confirmed = await expectRoute(201, dashboardUrl, ownerToken, 'POST /vtt/pair', {
      body: { pairingToken: ticket.url },
    });
    await until(() => expect(module.connection?.status.state).toBe('connected'));
    return confirmed.connectionId;
  }

  get state(): string | undefined {
    return this.module.connection?.status.state;
  }

  get outboxSize(): number {
    return this.module.outbox?.size ?? 0;
  }

  /** A public attack roll in the chat; returns its roll id. */
  roll(): string {
    this.rolls += 1;
    const messageId = `r${String(this.rolls).padStart(6, '0')}${Math.random().toString(36).slice(2, 11).padEnd(9, '0')}`;
    this.world.createChatMessage({
      ...chatMessage('dnd5e-d20roll-attack-guiding-bolt'),
      _id: messageId,
      // Distinct, increasing chat timestamps: the server orders recent rolls by them.
      timestamp: ROLL_EPOCH + this.rolls,
    });
    const rollId = `${messageId}.0`;
    this.rollIds.push(rollId);
    return rollId;
  }

  /** Changes a player character's hit points (always to a new value). */
  hurt(index: number): void {
    const actor = this.pcs[index % this.pcs.length];
    if (!actor) throw new Error('no such character');
    this.hpFlip += 1;
    this.world.updateActor(actor, { 'system.attributes.hp.value': 1 + (this.hpFlip % 9) }, this.tab);
  }

  /** Gives a player character `count` trinkets, so that its `character:update` weighs over 8 KB. */
  giveTrinkets(index: number, count: number): void {
    const actor = this.pcs[index % this.pcs.length];
    if (!actor) throw new Error('no such character');
    for (let n = 0; n < count; n += 1) {
      this.world.createItem(actor, {
        _id: `trinket${String(n).padStart(9, '0')}`,
        name: `Trinket number ${n}, a curious thing found in the Phandelver mines`,
        type: 'loot',
        system: { quantity: 1 + n },
      });
    }
  }

  /** Starts a combat of the three characters and the goblin. */
  startCombat(): FakeCombat {
    const combat = this.world.createCombat({ _id: 'combat0000000001' }, this.tab);
    const [randal, beiro, zanna] = this.pcs;
    this.world.addCombatants(
      combat,
      [
        { _id: 'cbtRandal0000001', actorId: randal?.id, initiative: 18 },
        { _id: 'cbtBeiro00000001', actorId: beiro?.id, initiative: 15 },
        { _id: 'cbtZanna00000001', actorId: zanna?.id, initiative: 12 },
        { _id: 'cbtGoblin0000001', actorId: 'TjWQOgI3A4UAl7lC', initiative: 9 },
      ],
      this.tab,
    );
    this.world.startCombat(combat, this.tab);
    this.combat = combat;
    return combat;
  }

  nextTurn(): void {
    if (!this.combat) throw new Error('no combat');
    this.world.nextTurn(this.combat, this.tab);
  }

  /** Lets the coalesced document updates become events (the module does it after `coalesceMs`). */
  settle(): void {
    this.module.coalescer.flush();
  }

  /** The module's view of the world: what its `campaign:sync` would say now. */
  moduleState(): Pick<CampaignSyncPayload, 'characters' | 'combat'> {
    const { characters, combat } = this.module.campaignSync();
    return { characters, combat };
  }

  /** What the module posted in the Foundry chat (poll cards), as HTML. */
  get chat(): string[] {
    return this.tab.chat.map((message) => String(message.content));
  }

  /** Closes the tab (the module stops; its storage stays in the browser profile). */
  close(): void {
    this.tab.unload();
  }
}
