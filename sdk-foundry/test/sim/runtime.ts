// A simulated Foundry VTT runtime for running the real module code: hooks with real dispatch, a world shared by
// several clients (each with its own `game`, `Hooks`, notifications and browser storage), and documents built
// from the real fixtures. Writes go through `World`, which — like Foundry's server — applies them and then fires
// the document hooks on every client, and the initiating-client-only hooks (`combatTurn`, `combatRound`,
// `preUpdate*`) on the client that made the change only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { io } from 'socket.io-client';
import type { BrowserEnv, FoundryEnv, IoFactory } from '../../src/env.js';
import { type ModuleOptions, TumulteModule } from '../../src/module.js';
import type { Source } from './fixtures.js';

// ----- hooks -------------------------------------------------------------------------------------------------

type Fn = (...args: unknown[]) => unknown;

export class FakeHooks implements Foundry.Hooks {
  private readonly handlers = new Map<string, Array<{ id: number; fn: Fn; once: boolean }>>();
  private nextId = 1;
  /** Every hook called on this client, in order (for assertions). */
  readonly calls: string[] = [];

  on(hook: string, fn: Foundry.HookCallback): number {
    return this.add(hook, fn as unknown as Fn, false);
  }

  once(hook: string, fn: Foundry.HookCallback): number {
    return this.add(hook, fn as unknown as Fn, true);
  }

  off(hook: string, fn: number | Foundry.HookCallback): void {
    const list = this.handlers.get(hook) ?? [];
    this.handlers.set(
      hook,
      list.filter((entry) => (typeof fn === 'number' ? entry.id !== fn : entry.fn !== (fn as unknown))),
    );
  }

  callAll(hook: string, ...args: unknown[]): boolean {
    this.calls.push(hook);
    for (const entry of [...(this.handlers.get(hook) ?? [])]) {
      if (entry.once) this.off(hook, entry.id);
      entry.fn(...args);
    }
    return true;
  }

  count(hook: string): number {
    return this.handlers.get(hook)?.length ?? 0;
  }

  private add(hook: string, fn: Fn, once: boolean): number {
    const id = this.nextId++;
    const list = this.handlers.get(hook) ?? [];
    list.push({ id, fn, once });
    this.handlers.set(hook, list);
    return id;
  }
}

// ----- collections and documents ---------------------------------------------------------------------------

/** Foundry's Collection: a Map keyed by id that iterates its documents. */
export class Collection<T extends { id: string }> implements Foundry.Collection<T> {
  private readonly map = new Map<string, T>();

  [Symbol.iterator](): IterableIterator<T> {
    return this.map.values();
  }

  get(id: string): T | undefined {
    return this.map.get(id);
  }

  get size(): number {
    return this.map.size;
  }

  values(): IterableIterator<T> {
    return this.map.values();
  }

  add(doc: T): T {
    this.map.set(doc.id, doc);
    return doc;
  }

  delete(id: string): boolean {
    return this.map.delete(id);
  }

  get contents(): T[] {
    return [...this.map.values()];
  }
}

let idCounter = 0;
/** A Foundry-style 16-character id. */
export function randomId(): string {
  idCounter += 1;
  return `sim${String(idCounter).padStart(13, '0')}`;
}

const clone = <T>(value: T): T => structuredClone(value);

export class FakeUser implements Foundry.User {
  active = true;
  constructor(
    readonly id: string,
    readonly name: string,
    readonly role: number,
    private readonly selfId: () => string | null = () => null,
  ) {}
  get isGM(): boolean {
    return this.role >= 3;
  }
  get isSelf(): boolean {
    return this.selfId() === this.id;
  }
}

export class FakeItem implements Foundry.Item {
  readonly id: string;
  name: string;
  readonly type: string;
  img: string | null;
  system: Record<string, unknown>;
  readonly effects: Foundry.ActiveEffect[];
  constructor(
    source: Source,
    readonly parent: FakeActor | null,
  ) {
    this.id = String(source._id ?? randomId());
    this.name = String(source.name ?? '');
    this.type = String(source.type ?? 'item');
    this.img = (source.img as string | null | undefined) ?? null;
    this.system = clone((source.system as Record<string, unknown>) ?? {});
    this.effects = clone((source.effects as Foundry.ActiveEffect[] | undefined) ?? []);
  }
}

export class FakeActor implements Foundry.Actor {
  readonly id: string;
  name: string;
  readonly type: string;
  img: string | null;
  system: Record<string, unknown>;
  readonly items = new Collection<FakeItem>();
  readonly effects: Foundry.ActiveEffect[];
  readonly prototypeToken: { texture?: { src?: string | null } };
  /** Player ownership (Foundry derives it from `ownership`; pack sources have none). */
  hasPlayerOwner = false;
  constructor(source: Source) {
    this.id = String(source._id ?? randomId());
    this.name = String(source.name ?? '');
    this.type = String(source.type ?? 'character');
    this.img = (source.img as string | null | undefined) ?? null;
    this.system = clone((source.system as Record<string, unknown>) ?? {});
    this.effects = clone((source.effects as Foundry.ActiveEffect[] | undefined) ?? []);
    this.prototypeToken = clone((source.prototypeToken as { texture?: { src?: string | null } }) ?? {});
    for (const item of (source.items as Source[] | undefined) ?? []) this.items.add(new FakeItem(item, this));
  }
}

export class FakeCombatant implements Foundry.Combatant {
  readonly id: string;
  private readonly sourceName: string;
  img: string | null;
  initiative: number | null;
  defeated: boolean;
  hidden: boolean;
  actorId: string | null;
  constructor(
    source: Source,
    readonly parent: FakeCombat,
    private readonly world: World,
  ) {
    this.id = String(source._id ?? randomId());
    this.sourceName = String(source.name ?? '');
    this.img = (source.img as string | null | undefined) ?? null;
    this.initiative = typeof source.initiative === 'number' ? source.initiative : null;
    this.defeated = source.defeated === true;
    this.hidden = source.hidden === true;
    this.actorId = (source.actorId as string | null | undefined) ?? null;
  }
  /** Like Foundry: the stored name, else the actor's. */
  get name(): string {
    return this.sourceName || this.actor?.name || '';
  }
  get actor(): FakeActor | null {
    return this.actorId ? (this.world.actors.get(this.actorId) ?? null) : null;
  }
  get isNPC(): boolean {
    return !this.actor?.hasPlayerOwner;
  }
  get isDefeated(): boolean {
    return this.defeated;
  }
}

export class FakeCombat implements Foundry.Combat {
  readonly id: string;
  round: number;
  turn: number | null;
  active: boolean;
  readonly combatants = new Collection<FakeCombatant>();
  constructor(source: Source, world: World) {
    this.id = String(source._id ?? randomId());
    this.round = Number(source.round ?? 0);
    this.turn = typeof source.turn === 'number' ? source.turn : null;
    this.active = source.active !== false;
    for (const c of (source.combatants as Source[] | undefined) ?? [])
      this.combatants.add(new FakeCombatant(c, this, world));
  }
  get started(): boolean {
    return this.round > 0;
  }
  /** Turn order: initiative descending (unrolled last), then name, like Foundry's default `_sortCombatants`. */
  get turns(): FakeCombatant[] {
    return [...this.combatants.values()].sort((a, b) => {
      const ia = a.initiative ?? Number.NEGATIVE_INFINITY;
      const ib = b.initiative ?? Number.NEGATIVE_INFINITY;
      if (ia !== ib) return ib - ia;
      return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
    });
  }
}

/** A chat message in the v10/v11 source layout (`user`, `type`, rolls as JSON strings) as the fixtures are. */
export class FakeChatMessage implements Foundry.ChatMessage {
  readonly id: string;
  readonly user?: string;
  readonly author?: FakeUser | string;
  readonly whisper: string[];
  readonly blind: boolean;
  readonly rolls: unknown[];
  readonly flavor: string | null;
  readonly speaker: Foundry.ChatSpeaker;
  readonly flags: Record<string, unknown>;
  readonly timestamp: number;
  readonly content: string;
  constructor(source: Source, world: World) {
    this.id = String(source._id ?? randomId());
    // v12+ sources store `author`; live documents resolve it to a User.
    if (typeof source.author === 'string') this.author = world.users.get(source.author) ?? source.author;
    if (typeof source.user === 'string') this.user = source.user;
    this.whisper = clone((source.whisper as string[] | undefined) ?? []);
    this.blind = source.blind === true;
    // Not cloned: a live Roll instance keeps its class (and the getters systems define on it).
    this.rolls = [...((source.rolls as unknown[] | undefined) ?? [])];
    this.flavor = (source.flavor as string | null | undefined) ?? null;
    this.speaker = clone((source.speaker as Foundry.ChatSpeaker | undefined) ?? {});
    this.flags = clone((source.flags as Record<string, unknown> | undefined) ?? {});
    this.timestamp = Number(source.timestamp ?? Date.now());
    this.content = String(source.content ?? '');
  }
  get isRoll(): boolean {
    return this.rolls.length > 0;
  }
}

// ----- settings, i18n, browser -------------------------------------------------------------------------------

export class WorldSettings {
  readonly configs = new Map<string, Foundry.SettingConfig>();
  readonly menus = new Map<string, Foundry.SettingMenuConfig>();
  readonly values = new Map<string, unknown>();
}

class FakeSettings implements Foundry.Settings {
  constructor(private readonly store: WorldSettings) {}
  register(namespace: string, key: string, config: Foundry.SettingConfig): void {
    this.store.configs.set(`${namespace}.${key}`, config);
  }
  registerMenu(namespace: string, key: string, config: Foundry.SettingMenuConfig): void {
    this.store.menus.set(`${namespace}.${key}`, config);
  }
  get(namespace: string, key: string): unknown {
    const id = `${namespace}.${key}`;
    const config = this.store.configs.get(id);
    if (!config) throw new Error(`setting ${id} is not registered`);
    return this.store.values.has(id) ? this.store.values.get(id) : config.default;
  }
  async set(namespace: string, key: string, value: unknown): Promise<unknown> {
    const id = `${namespace}.${key}`;
    this.store.values.set(id, value);
    this.store.configs.get(id)?.onChange?.(value);
    return value;
  }
}

export const LANG_DIR = `${join(import.meta.dirname, '..', '..', 'lang')}/`;

export function flattenLang(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (typeof value === 'string') out[prefix] = value;
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) flattenLang(child, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

export function loadLang(lang: 'en' | 'fr'): Record<string, string> {
  return flattenLang(JSON.parse(readFileSync(`${LANG_DIR}${lang}.json`, 'utf8')));
}

class FakeI18n implements Foundry.I18n {
  /** Keys asked for that the lang file does not have (a test fails on any). */
  readonly missing = new Set<string>();
  constructor(private readonly strings: Record<string, string>) {}
  localize(key: string): string {
    const value = this.strings[key];
    if (value === undefined) this.missing.add(key);
    return value ?? key;
  }
  format(key: string, data: Record<string, string | number>): string {
    return this.localize(key).replace(/\{(\w+)\}/g, (match, name: string) =>
      name in data ? String(data[name]) : match,
    );
  }
}

/** Web Storage in memory: one per browser profile, shared by that profile's tabs, kept across "reloads". */
export class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  /** When set, setItem throws past this many characters (QuotaExceededError). */
  quota: number | null = null;
  get length(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
  setItem(key: string, value: string): void {
    if (this.quota !== null) {
      const used = [...this.map.entries()].reduce((n, [k, v]) => (k === key ? n : n + k.length + v.length), 0);
      if (used + key.length + value.length > this.quota) throw new DOMException('quota', 'QuotaExceededError');
    }
    this.map.set(key, String(value));
  }
  [name: string]: unknown;
}

/** Web Locks for one browser profile: one holder per name, the next request waits until it is released. */
export class FakeLockManager {
  private readonly held = new Map<string, Promise<void>>();
  async request(name: string, callback: (lock: { name: string }) => Promise<unknown>): Promise<unknown> {
    for (;;) {
      const current = this.held.get(name);
      if (!current) break;
      await current;
    }
    let release: () => void = () => undefined;
    this.held.set(
      name,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    try {
      return await callback({ name });
    } finally {
      this.held.delete(name);
      release();
    }
  }
  query(): Promise<LockManagerSnapshot> {
    return Promise.resolve({ held: [], pending: [] });
  }
}

/** One browser profile: storage, IndexedDB and locks shared by its tabs. */
export class BrowserProfile {
  readonly storage = new MemoryStorage();
  readonly indexedDB = new IDBFactory();
  readonly locks = new FakeLockManager();
  readonly opened: string[] = [];
  readonly clipboard: string[] = [];

  env(overrides: Partial<BrowserEnv> = {}): BrowserEnv {
    return {
      storage: this.storage,
      indexedDB: this.indexedDB as unknown as IDBFactory,
      fetch: globalThis.fetch.bind(globalThis),
      io: io as unknown as IoFactory,
      locks: this.locks as unknown as LockManager,
      timers: {
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      },
      now: () => Date.now(),
      random: () => Math.random(),
      open: (url) => this.opened.push(url),
      clipboard: {
        writeText: async (text) => {
          this.clipboard.push(text);
        },
      },
      ...overrides,
    };
  }
}

// ----- ApplicationV2 -------------------------------------------------------------------------------------------

/** Enough of ApplicationV2 for the pairing dialog: render() prepares the context and records it. */
export class FakeApplicationV2 implements Foundry.ApplicationV2Instance {
  static instances: FakeApplicationV2[] = [];
  element: HTMLElement | null = null;
  rendered = false;
  renders = 0;
  lastContext: unknown = null;
  closed = false;
  constructor(readonly options: Record<string, unknown> = {}) {
    FakeApplicationV2.instances.push(this);
  }
  render(): unknown {
    const self = this as unknown as { _prepareContext?: () => Promise<unknown>; _onRender?: () => void };
    this.renders += 1;
    const done = (async () => {
      this.lastContext = (await self._prepareContext?.()) ?? null;
      this.rendered = true;
      self._onRender?.();
      return this;
    })();
    this.lastRender = done;
    return done;
  }
  lastRender: Promise<unknown> = Promise.resolve();
  async close(): Promise<unknown> {
    const self = this as unknown as { _onClose?: () => void };
    self._onClose?.();
    this.rendered = false;
    this.closed = true;
    return this;
  }
}

export const fakeApplications: Foundry.ApplicationsApi = {
  ApplicationV2: FakeApplicationV2 as unknown as Foundry.ApplicationV2Class,
  HandlebarsApplicationMixin: (base) =>
    class extends (base as unknown as typeof FakeApplicationV2) {} as unknown as Foundry.ApplicationV2Class,
};

// ----- clients and the world ----------------------------------------------------------------------------------

export interface Notification {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

/** One browser tab logged in as one user. */
export class Client {
  readonly Hooks = new FakeHooks();
  readonly notifications: Notification[] = [];
  readonly i18n: FakeI18n;
  readonly game: Foundry.Game;
  readonly chat: Array<Record<string, unknown>> = [];
  readonly moduleRecord: Foundry.Module = { id: 'tumulte-integration', version: '1.0.0' };
  module: TumulteModule | null = null;

  constructor(
    readonly world: World,
    readonly user: FakeUser,
    readonly browser: BrowserProfile,
    lang: 'en' | 'fr' = 'en',
  ) {
    this.i18n = new FakeI18n(loadLang(lang));
    const client = this;
    const users = world.users as Collection<FakeUser> & { activeGM?: FakeUser | null };
    this.game = {
      get user() {
        return client.user;
      },
      users: new Proxy(users, {
        get(target, property) {
          if (property === 'activeGM') return world.activeGM();
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as unknown as Foundry.Users,
      actors: world.actors,
      combats: world.combatsView,
      system: world.system,
      world: world.info,
      version: world.release.version,
      release: world.release,
      settings: new FakeSettings(world.settings),
      i18n: this.i18n,
      modules: { get: (id: string) => (id === 'tumulte-integration' ? client.moduleRecord : undefined) },
    };
  }

  get env(): FoundryEnv {
    const notify = (level: Notification['level']) => (message: string) => {
      this.notifications.push({ level, message });
    };
    return {
      game: this.game,
      Hooks: this.Hooks,
      notifications: { info: notify('info'), warn: notify('warn'), error: notify('error') },
      ChatMessage: {
        create: async (data) => {
          this.chat.push(data);
          return this.world.createChatMessage({ ...data, author: this.user.id }, this);
        },
      },
      applications: fakeApplications,
    };
  }

  /** Loads the module as Foundry would: `init`, then `ready`; resolves once it decided whether to send. */
  async start(options: ModuleOptions = {}, browser: Partial<BrowserEnv> = {}): Promise<TumulteModule> {
    const module = new TumulteModule(this.env, this.browser.env(browser), options);
    this.module = module;
    module.init();
    this.Hooks.callAll('init');
    this.Hooks.callAll('setup');
    this.Hooks.callAll('ready');
    await module.evaluateLeadership();
    return module;
  }

  /** A page reload: the module stops (its timers die with the page); storage stays. */
  unload(): void {
    this.module?.resign();
    this.module = null;
    this.world.clients.delete(this);
  }
}

export class World {
  readonly users = new Collection<FakeUser>();
  readonly actors = new Collection<FakeActor>();
  readonly combats = new Collection<FakeCombat>();
  readonly messages = new Collection<FakeChatMessage>();
  readonly settings = new WorldSettings();
  readonly clients = new Set<Client>();
  readonly info = { id: 'lost-mine', title: 'Lost Mine of Phandelver' };
  readonly release: { generation: number; version: string };
  readonly system: { id: string; version: string };

  constructor(options: { system?: string; systemVersion?: string; generation?: number } = {}) {
    this.system = { id: options.system ?? 'dnd5e', version: options.systemVersion ?? '5.3.3' };
    const generation = options.generation ?? 13;
    this.release = { generation, version: generation === 12 ? '12.331' : '13.348' };
  }

  get combatsView(): Collection<FakeCombat> & { active: FakeCombat | null } {
    const combats = this.combats;
    return new Proxy(combats, {
      get(target, property) {
        if (property === 'active') return [...target.values()].find((c) => c.active) ?? null;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Collection<FakeCombat> & { active: FakeCombat | null };
  }

  addUser(id: string, name: string, role: number): FakeUser {
    return this.users.add(new FakeUser(id, name, role));
  }

  /** Foundry's rule: the active full GM with the lowest id. */
  activeGM(): FakeUser | null {
    return (
      [...this.users.values()].filter((u) => u.active && u.role >= 4).sort((a, b) => a.id.localeCompare(b.id))[0] ??
      null
    );
  }

  /** Opens a tab for `user` in `browser`. */
  connect(user: FakeUser, browser = new BrowserProfile(), lang: 'en' | 'fr' = 'en'): Client {
    const client = new Client(this, user, browser, lang);
    user.active = true;
    this.clients.add(client);
    for (const other of this.clients) other.Hooks.callAll('userConnected', user, true);
    return client;
  }

  disconnect(client: Client): void {
    client.unload();
    client.user.active = [...this.clients].some((c) => c.user === client.user);
    for (const other of this.clients) other.Hooks.callAll('userConnected', client.user, false);
  }

  private all(hook: string, ...args: unknown[]): void {
    for (const client of this.clients) client.Hooks.callAll(hook, ...args);
  }

  // Actors and items ---------------------------------------------------------------------------------------

  createActor(source: Source, by?: Client): FakeActor {
    const actor = this.actors.add(new FakeActor(source));
    this.all('createActor', actor, {}, by?.user.id ?? null);
    return actor;
  }

  updateActor(actor: FakeActor, changes: Record<string, unknown>, by?: Client): void {
    for (const [path, value] of Object.entries(changes))
      setPath(actor as unknown as Record<string, unknown>, path, value);
    by?.Hooks.callAll('preUpdateActor', actor, changes, {}, by.user.id);
    this.all('updateActor', actor, expand(changes), {}, by?.user.id ?? null);
  }

  deleteActor(actor: FakeActor, by?: Client): void {
    this.actors.delete(actor.id);
    this.all('deleteActor', actor, {}, by?.user.id ?? null);
  }

  createItem(actor: FakeActor, source: Source, by?: Client): FakeItem {
    const item = actor.items.add(new FakeItem(source, actor));
    this.all('createItem', item, {}, by?.user.id ?? null);
    return item;
  }

  updateItem(item: FakeItem, changes: Record<string, unknown>, by?: Client): void {
    by?.Hooks.callAll('preUpdateItem', item, changes, {}, by.user.id);
    for (const [path, value] of Object.entries(changes))
      setPath(item as unknown as Record<string, unknown>, path, value);
    this.all('updateItem', item, expand(changes), {}, by?.user.id ?? null);
  }

  deleteItem(item: FakeItem, by?: Client): void {
    item.parent?.items.delete(item.id);
    this.all('deleteItem', item, {}, by?.user.id ?? null);
  }

  // Combat ----------------------------------------------------------------------------------------------------

  createCombat(source: Source = {}, by?: Client): FakeCombat {
    const combat = this.combats.add(new FakeCombat({ round: 0, turn: null, ...source, combatants: [] }, this));
    this.all('createCombat', combat, {}, by?.user.id ?? null);
    return combat;
  }

  addCombatants(combat: FakeCombat, sources: Source[], by?: Client): FakeCombatant[] {
    const created = sources.map((source) => combat.combatants.add(new FakeCombatant(source, combat, this)));
    for (const combatant of created) this.all('createCombatant', combatant, {}, by?.user.id ?? null);
    return created;
  }

  updateCombatant(combatant: FakeCombatant, changes: Record<string, unknown>, by?: Client): void {
    for (const [path, value] of Object.entries(changes))
      setPath(combatant as unknown as Record<string, unknown>, path, value);
    this.all('updateCombatant', combatant, expand(changes), {}, by?.user.id ?? null);
  }

  /** `combat.startCombat()`: round 1, turn 0. */
  startCombat(combat: FakeCombat, by: Client): void {
    by.Hooks.callAll('combatStart', combat, { round: 1, turn: 0 });
    this.moveCombat(combat, { round: 1, turn: 0 }, by);
  }

  /** `combat.nextTurn()`: the next turn, or the next round after the last combatant. */
  nextTurn(combat: FakeCombat, by: Client): void {
    const last = combat.turns.length - 1;
    if ((combat.turn ?? 0) >= last) {
      this.nextRound(combat, by);
      return;
    }
    const next = { round: combat.round, turn: (combat.turn ?? 0) + 1 };
    by.Hooks.callAll('combatTurn', combat, next, { advanceTime: 0, direction: 1 });
    this.moveCombat(combat, next, by);
  }

  nextRound(combat: FakeCombat, by: Client): void {
    const next = { round: combat.round + 1, turn: 0 };
    by.Hooks.callAll('combatRound', combat, next, { advanceTime: 0, direction: 1 });
    this.moveCombat(combat, next, by);
  }

  private moveCombat(combat: FakeCombat, next: { round: number; turn: number }, by: Client): void {
    const prior = { round: combat.round, turn: combat.turn, combatantId: combat.turns[combat.turn ?? 0]?.id ?? null };
    const changed: Record<string, unknown> = {};
    if (next.round !== combat.round) changed.round = next.round;
    if (next.turn !== combat.turn) changed.turn = next.turn;
    combat.round = next.round;
    combat.turn = next.turn;
    this.all('updateCombat', combat, changed, { direction: 1 }, by.user.id);
    const current = { round: combat.round, turn: combat.turn, combatantId: combat.turns[combat.turn]?.id ?? null };
    this.all('combatTurnChange', combat, prior, current);
  }

  deleteCombat(combat: FakeCombat, by?: Client): void {
    this.combats.delete(combat.id);
    this.all('deleteCombat', combat, {}, by?.user.id ?? null);
  }

  // Chat ------------------------------------------------------------------------------------------------------

  createChatMessage(source: Source, by?: Client): FakeChatMessage {
    const message = this.messages.add(new FakeChatMessage(source, this));
    this.all('createChatMessage', message, {}, by?.user.id ?? (source.author as string | undefined) ?? null);
    return message;
  }
}

// ----- helpers ----------------------------------------------------------------------------------------------

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

/** `{"system.attributes.hp.value": 3}` → `{system: {attributes: {hp: {value: 3}}}}` (the `changed` diff shape). */
export function expand(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(flat)) setPath(out, path, value);
  return out;
}

/** A standard table: GM "Gamemaster" (id gm-1), a second GM, two players. */
export function standardWorld(options: ConstructorParameters<typeof World>[0] = {}) {
  const world = new World(options);
  const gm = world.addUser('GMaaaaaaaaaaaaa1', 'Gamemaster', 4);
  const gm2 = world.addUser('GMzzzzzzzzzzzzz2', 'Co-GM', 4);
  const player = world.addUser('PLaaaaaaaaaaaaa1', 'Alice', 1);
  for (const user of [gm, gm2, player]) user.active = false;
  return { world, gm, gm2, player };
}
