import type { CampaignSyncPayload, QueryCharactersReply, VttInboundEventName } from '@tumulte/schemas';
import { AdapterRegistry } from './adapters/registry.js';
import type { SystemAdapter } from './adapters/types.js';
import { CharactersCollector } from './collectors/characters.js';
import { CharacterBook } from './collectors/characters-book.js';
import { CombatCollector } from './collectors/combat.js';
import type { Collector, CollectorContext } from './collectors/context.js';
import { DiceCollector } from './collectors/dice.js';
import { InventoryCollector } from './collectors/inventory.js';
import { MODULE_ID, MODULE_VERSION } from './constants.js';
import type { BrowserEnv, FoundryEnv } from './env.js';
import { Coalescer } from './lib/coalescer.js';
import { Connection, type ConnectionOptions, type ConnectionStatus } from './lib/connection.js';
import { clip } from './lib/data.js';
import { type KeyStore, openKeyStore } from './lib/key-store.js';
import { isActiveGM, TabLock } from './lib/leadership.js';
import { log } from './lib/log.js';
import { type EventBody, Outbox, type OutboxOptions } from './lib/outbox.js';
import { PairingSession, SecretStore } from './lib/pairing.js';
import { hasWebCrypto } from './lib/pairing-token.js';
import { jsonBytes } from './lib/rate.js';
import { TokenStore } from './lib/token-store.js';
import { pollEndCard, pollStartCard } from './ui/chat-cards.js';
import { definePairingDialog } from './ui/pairing-dialog.js';
import { type CollectorName, type ModuleSettings, readSettings, registerSettings } from './ui/settings.js';
import { indicatorState, StatusIndicator } from './ui/status-indicator.js';

export interface ModuleOptions {
  /** Quiet period before a burst of document updates becomes one event. */
  readonly coalesceMs?: number;
  readonly connection?: ConnectionOptions;
  readonly outbox?: Pick<OutboxOptions, 'maxEvents'>;
}

/** What `game.modules.get('tumulte-integration').api` exposes. */
export interface TumulteApi {
  registerAdapter(adapter: SystemAdapter): void;
  openPairingDialog(): void;
  status(): ConnectionStatus | null;
}

/**
 * The module: wires settings, the status indicator and, on the one client that should send (the active GM, one
 * tab), the outbox, the connection and the collectors. Everything Foundry- or browser-specific comes in through
 * `FoundryEnv` and `BrowserEnv`, so tests run this exact code in a simulated Foundry.
 */
export class TumulteModule {
  readonly registry = new AdapterRegistry();
  readonly settings: ModuleSettings;
  readonly indicator: StatusIndicator;
  private readonly lock: TabLock;
  private leader: Promise<void> | null = null;
  private dialogClass: Foundry.ApplicationV2Class | null = null;
  private dialog: Foundry.ApplicationV2Instance | null = null;
  private pairing: PairingSession | null = null;
  private warnedDrop = false;

  // Present while this client is the sender.
  adapter: SystemAdapter | null = null;
  outbox: Outbox | null = null;
  connection: Connection | null = null;
  book: CharacterBook | null = null;
  keys: KeyStore | null = null;
  tokens: TokenStore | null = null;
  readonly coalescer: Coalescer;
  private collectors = new Map<CollectorName, Collector>();
  private charactersCollector: CharactersCollector | null = null;
  private lastServerUrl: string | null = null;

  constructor(
    readonly env: FoundryEnv,
    readonly browser: BrowserEnv,
    private readonly options: ModuleOptions = {},
  ) {
    this.settings = readSettings(env.game.settings);
    this.coalescer = new Coalescer(browser.timers, options.coalesceMs ?? 250);
    this.indicator = new StatusIndicator(this.t, () => this.openPairingDialog());
    this.lock = new TabLock(browser.locks, `${MODULE_ID}:${env.game.world.id}`);
  }

  readonly t = (key: string, data?: Record<string, string | number>): string =>
    data ? this.env.game.i18n.format(key, data) : this.env.game.i18n.localize(key);

  get isLeader(): boolean {
    return this.outbox !== null;
  }

  // ----- lifecycle ---------------------------------------------------------------------------------------

  /** `init`: settings, the API and the hooks that are not about documents. */
  init(): void {
    const { Hooks, game } = this.env;
    if (this.env.applications) this.dialogClass = definePairingDialog(this.env.applications, this.pairingController());
    registerSettings(game.settings, () => this.reconfigure(), this.dialogClass);
    const api: TumulteApi = {
      registerAdapter: (adapter) => this.registry.register(adapter),
      openPairingDialog: () => this.openPairingDialog(),
      status: () => this.connection?.status ?? null,
    };
    const module = game.modules.get(MODULE_ID);
    if (module) module.api = api;
    Hooks.once('ready', () => void this.ready());
    // The status line lives in the players list: v12 `renderPlayerList` (jQuery), v13 `renderPlayers` (HTMLElement).
    Hooks.on('renderPlayerList', (_app: unknown, html: unknown) => this.attachIndicator(html));
    Hooks.on('renderPlayers', (_app: unknown, html: unknown) => this.attachIndicator(html));
    Hooks.on('userConnected', () => void this.evaluateLeadership());
  }

  /** `ready`: decide whether this client sends. */
  async ready(): Promise<void> {
    if (!this.env.game.user?.isGM) return;
    this.refreshIndicator();
    await this.evaluateLeadership();
  }

  /** Becomes the sender when this client is the active GM (and its tab holds the lock), or stops being it. */
  async evaluateLeadership(): Promise<void> {
    if (!this.env.game.user?.isGM) return;
    if (isActiveGM(this.env.game)) {
      // Without Web Locks the callback runs at once; with them, when no other tab of this browser holds the lock.
      this.lock.acquire(() => {
        this.leader = this.lead().finally(() => this.refreshIndicator());
      });
      if (this.leader) await this.leader;
    } else {
      this.resign();
    }
    this.refreshIndicator();
  }

  private async lead(): Promise<void> {
    const { game } = this.env;
    const worldId = game.world.id;
    const prefix = `${MODULE_ID}.${worldId}`;
    this.adapter = this.registry.for(game.system.id);
    this.keys = await openKeyStore(this.browser.indexedDB, this.browser.storage, prefix);
    this.tokens = new TokenStore(this.browser.storage, `${prefix}.session`);
    this.outbox = new Outbox(this.browser.storage, `${prefix}.outbox.`, worldId, this.browser.now, {
      ...this.options.outbox,
      onDrop: (count, reason) => this.onDrop(count, reason),
      onChange: () => this.refreshIndicator(),
    });
    this.book = new CharacterBook(
      this.env,
      this.adapter,
      () => this.settings.npcVisibility(),
      () => this.settings.enabled('inventory'),
    );
    this.connection = new Connection(
      this.browser,
      this.tokens,
      this.keys,
      this.outbox,
      () => this.settings.serverUrl(),
      {
        pollStart: (poll) => void this.postChat(pollStartCard(poll, this.t)),
        pollEnd: (poll) => void this.postChat(pollEndCard(poll, this.t)),
        queryCharacters: () => this.queryCharacters(),
        onConnected: () => this.queueSync(),
        onRevoked: (reason) => {
          // Stop collecting too: nothing is sent until the GM pairs again.
          this.coalescer.clear();
          this.stopCollectors();
          this.env.notifications.error(
            this.t(reason === 'revoked' ? 'TUMULTE.Notify.Revoked' : 'TUMULTE.Notify.TokenInvalid'),
            {
              permanent: true,
            },
          );
          this.refreshIndicator();
        },
        onUnsupported: () => this.env.notifications.error(this.t('TUMULTE.Notify.Unsupported'), { permanent: true }),
      },
      this.options.connection,
    );
    this.connection.onStatus(() => this.refreshIndicator());
    this.lastServerUrl = this.settings.serverUrl();
    this.startCollectors();
    this.connection.start();
    log.info(`sending for world ${worldId} (${game.system.id} adapter: ${this.adapter.systems[0] ?? 'generic'})`);
  }

  /** Stops sending (another GM became the active one, or the module is torn down). Queued events stay stored. */
  resign(): void {
    if (!this.outbox) {
      this.lock.releaseLock();
      return;
    }
    this.coalescer.flush();
    this.stopCollectors();
    this.connection?.stop();
    this.pairing?.dispose();
    this.pairing = null;
    this.connection = null;
    this.outbox = null;
    this.book = null;
    this.leader = null;
    this.lock.releaseLock();
    this.refreshIndicator();
  }

  /** A setting changed: restart what depends on it. */
  reconfigure(): void {
    if (!this.isLeader) return;
    this.coalescer.flush();
    this.stopCollectors();
    this.startCollectors();
    const url = this.settings.serverUrl();
    if (url !== this.lastServerUrl) {
      this.lastServerUrl = url;
      this.connection?.stop();
      this.connection?.start();
    }
    if (this.settings.enabled('characters')) this.charactersCollector?.refreshSharing();
  }

  private startCollectors(): void {
    const ctx = this.collectorContext();
    if (!ctx) return;
    const characters = new CharactersCollector(ctx);
    this.charactersCollector = characters;
    const all: Record<CollectorName, Collector> = {
      dice: new DiceCollector(ctx),
      characters,
      combat: new CombatCollector(ctx, () => {
        if (this.settings.npcVisibility() === 'combat' && this.settings.enabled('characters'))
          characters.refreshSharing();
      }),
      inventory: new InventoryCollector(ctx),
    };
    for (const [name, collector] of Object.entries(all) as Array<[CollectorName, Collector]>) {
      if (!this.settings.enabled(name)) continue;
      collector.start();
      this.collectors.set(name, collector);
    }
  }

  private stopCollectors(): void {
    for (const collector of this.collectors.values()) collector.stop();
    this.collectors.clear();
    this.charactersCollector = null;
  }

  private collectorContext(): CollectorContext | null {
    const { adapter, book } = this;
    if (!adapter || !book) return null;
    return {
      env: this.env,
      adapter,
      coalescer: this.coalescer,
      book,
      privacy: () => this.settings.privacy(),
      queue: (event, body, options) => this.queue(event, body, options),
    };
  }

  /** Queues an event in the outbox and tells the connection. */
  queue<E extends VttInboundEventName>(
    event: E,
    body: EventBody<E>,
    options?: { supersedes?: string; timestamp?: number },
  ): void {
    if (!this.outbox) return;
    if (event === 'character:update') {
      const { character } = body as EventBody<'character:update'>;
      if (character.inventory.length > 0 && jsonBytes(body) > this.payloadBudget()) {
        // Too large for the server: the stats without the inventory, the inventory on its own.
        this.outbox.enqueue('character:update', { character: { ...character, inventory: [] } }, options);
        this.outbox.enqueue(
          'inventory:update',
          { vttCharacterId: character.vttCharacterId, items: character.inventory },
          { supersedes: `inventory:${character.vttCharacterId}` },
        );
        this.connection?.kick();
        return;
      }
    }
    this.outbox.enqueue(event, body, options);
    this.connection?.kick();
  }

  // ----- campaign sync and server requests -------------------------------------------------------------------

  /** The body of `campaign:sync`: world, shared characters, active combat. */
  campaignSync(): EventBody<'campaign:sync'> {
    const { game } = this.env;
    const characters = this.settings.enabled('characters') && this.book ? this.book.characters() : [];
    const active = game.combats.active;
    const combatCollector = this.collectors.get('combat') as CombatCollector | undefined;
    const combat: CampaignSyncPayload['combat'] = active && combatCollector ? combatCollector.state(active) : null;
    return {
      world: {
        name: clip(game.world.title ?? game.world.id, 200),
        system: { id: clip(game.system.id, 64), version: clip(game.system.version ?? '', 64) },
        vtt: { name: 'foundry', version: clip(game.release?.version ?? game.version ?? '', 64) },
        moduleVersion: MODULE_VERSION,
      },
      characters,
      combat,
    };
  }

  /** Bytes an event may take: the server's limit less room for the envelope. */
  private payloadBudget(): number {
    return (this.connection?.payloadLimit ?? 65_536) - 1_024;
  }

  /** Queues the `campaign:sync` of a new connection (split when too large for one event). */
  queueSync(): void {
    this.coalescer.flush();
    const body = this.campaignSync();
    this.book?.resetTo(body.characters);
    const limit = this.payloadBudget();
    if (jsonBytes(body) <= limit || !this.settings.enabled('inventory')) {
      this.queue('campaign:sync', body, { supersedes: 'campaign:sync' });
      return;
    }
    // Too large for one event: the sync without inventories, then one inventory:update per character.
    this.queue(
      'campaign:sync',
      { ...body, characters: body.characters.map((c) => ({ ...c, inventory: [] })) },
      {
        supersedes: 'campaign:sync',
      },
    );
    for (const character of body.characters) {
      if (character.inventory.length === 0) continue;
      this.queue(
        'inventory:update',
        { vttCharacterId: character.vttCharacterId, items: character.inventory },
        { supersedes: `inventory:${character.vttCharacterId}` },
      );
    }
  }

  private queryCharacters(): QueryCharactersReply {
    if (!this.book) return { ok: false, error: { code: 'INTERNAL', message: 'The world is not ready yet.' } };
    return { ok: true, characters: this.settings.enabled('characters') ? this.book.characters() : [] };
  }

  private async postChat(content: string): Promise<void> {
    try {
      await this.env.ChatMessage.create({ content, speaker: { alias: 'Tumulte' } });
    } catch (error) {
      log.error('could not post the poll in the chat', error);
    }
  }

  private onDrop(count: number, reason: 'full' | 'quota' | 'invalid'): void {
    if (reason === 'invalid' || this.warnedDrop) return;
    // Once per session: the outbox keeps the newest events and the console has the details.
    this.warnedDrop = true;
    this.env.notifications.warn(this.t('TUMULTE.Notify.OutboxFull', { count }));
  }

  // ----- pairing and status ------------------------------------------------------------------------------------

  pairingSession(): PairingSession | null {
    if (!this.keys || !this.tokens) return null;
    if (!this.pairing) {
      const keys = this.keys;
      const tokens = this.tokens;
      const { game } = this.env;
      this.pairing = new PairingSession(
        this.browser,
        keys,
        () => this.settings.serverUrl(),
        () => ({
          worldId: game.world.id,
          worldName: game.world.title ?? game.world.id,
          gmUserId: game.user?.id ?? 'unknown',
          gmName: game.user?.name ?? '',
          moduleVersion: MODULE_VERSION,
        }),
        async (result, keyPair, serverUrl) => {
          // Events from before this pairing belong to no connection (or a revoked one): the campaign sync that
          // follows the connection carries the current state instead.
          this.outbox?.clear();
          // HS256 connections need no refresh proof: forget any key pair of an earlier pairing.
          if (keyPair) await keys.save(keyPair);
          else await keys.delete();
          tokens.save({
            serverUrl,
            connectionId: result.connectionId,
            sessionToken: result.sessionToken,
            sessionExpiresAt: result.sessionExpiresAt,
            refreshToken: result.refreshToken,
          });
          this.env.notifications.info(this.t('TUMULTE.Notify.Paired'));
          if (this.collectors.size === 0) this.startCollectors();
          this.connection?.stop();
          this.connection?.start();
          void this.dialog?.close();
        },
        new SecretStore(this.browser.storage, `${MODULE_ID}.${game.world.id}.pairingSecret`),
        () => this.browser.webCrypto ?? hasWebCrypto(),
      );
      void this.pairing.regenerate();
    }
    return this.pairing;
  }

  openPairingDialog(): void {
    if (!this.env.game.user?.isGM) return;
    if (!this.isLeader || !this.dialogClass) {
      this.env.notifications.warn(this.t('TUMULTE.Notify.NotActiveGM'));
      return;
    }
    const state = this.pairing?.current.status;
    if (state && state !== 'waiting' && state !== 'creating') void this.pairing?.regenerate();
    this.dialog ??= new this.dialogClass();
    this.dialog.render({ force: true });
  }

  private pairingController() {
    return {
      session: () => this.pairingSession(),
      useSecret: async (secret: string) => {
        await this.pairingSession()?.useSecret(secret);
      },
      t: this.t,
      now: () => this.browser.now(),
      copy: async (text: string) => {
        if (!this.browser.clipboard) return false;
        try {
          await this.browser.clipboard.writeText(text);
          return true;
        } catch (error) {
          log.warn('could not copy to the clipboard', error);
          return false;
        }
      },
      open: (url: string) => this.browser.open?.(url),
      notify: (message: string) => this.env.notifications.info(message),
    };
  }

  private attachIndicator(html: unknown): void {
    if (!this.env.game.user?.isGM) return;
    this.indicator.attach(html);
    this.refreshIndicator();
  }

  private refreshIndicator(): void {
    const status = this.connection?.status;
    this.indicator.update({
      // A GM that is not the sender (another GM is active, or another tab sends) is on standby.
      state: indicatorState(status ? status.state : 'standby'),
      latencyMs: status?.latencyMs ?? null,
      queued: this.outbox?.size ?? 0,
    });
  }
}
