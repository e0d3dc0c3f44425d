// Minimal ambient types for the parts of Foundry VTT (v12–v14) this module touches. Hand-written from
// ../shared/reference/foundry-api.md; deliberately narrow: system data (`actor.system`, `item.system`, `flags`)
// is `Record<string, unknown>` and is read through checked accessors, because every game system shapes it
// differently and packs hold only source data.

declare namespace Foundry {
  type HookCallback = (...args: never[]) => unknown;

  interface Hooks {
    on(hook: string, fn: HookCallback): number;
    once(hook: string, fn: HookCallback): number;
    off(hook: string, fn: number | HookCallback): void;
    callAll(hook: string, ...args: unknown[]): boolean;
  }

  /** Foundry's `Collection` (a Map with helpers); we only iterate and look up by id. */
  interface Collection<T> extends Iterable<T> {
    get(id: string): T | undefined;
    readonly size: number;
  }

  interface User {
    readonly id: string;
    readonly name: string;
    readonly isGM: boolean;
    readonly active: boolean;
    /** v12+. */
    readonly isSelf?: boolean;
    /** CONST.USER_ROLES: 4 = GAMEMASTER, 3 = ASSISTANT. */
    readonly role?: number;
  }

  interface Users extends Collection<User> {
    /** v11+: the one active GM that should act when only one client must (lowest id among active full GMs). */
    readonly activeGM?: User | null;
  }

  interface ActiveEffectChange {
    readonly key: string;
    readonly value: string | number;
    readonly mode: number;
  }

  interface ActiveEffect {
    readonly disabled?: boolean;
    readonly transfer?: boolean;
    readonly changes?: readonly ActiveEffectChange[];
  }

  interface Item {
    readonly id: string;
    readonly name: string;
    readonly type: string;
    readonly img?: string | null;
    readonly system: Record<string, unknown>;
    readonly parent?: Actor | null;
    readonly effects?: Iterable<ActiveEffect>;
  }

  interface Actor {
    readonly id: string;
    readonly name: string;
    readonly type: string;
    readonly img?: string | null;
    readonly system: Record<string, unknown>;
    readonly items: Collection<Item>;
    readonly effects?: Iterable<ActiveEffect>;
    readonly hasPlayerOwner?: boolean;
    readonly prototypeToken?: { readonly texture?: { readonly src?: string | null } };
  }

  interface Combatant {
    readonly id: string;
    readonly name?: string | null;
    readonly img?: string | null;
    readonly initiative?: number | null;
    readonly defeated?: boolean;
    /** Getter in v11+: defeated flag or the actor's defeated status. */
    readonly isDefeated?: boolean;
    readonly hidden?: boolean;
    /** Getter: no actor, or an actor without a player owner. */
    readonly isNPC?: boolean;
    readonly actorId?: string | null;
    readonly actor?: Actor | null;
    readonly token?: { readonly name?: string; readonly texture?: { readonly src?: string | null } } | null;
  }

  interface Combat {
    readonly id: string;
    readonly round: number;
    readonly turn: number | null;
    readonly started?: boolean;
    readonly active?: boolean;
    /** Combatants in turn order (sorted by initiative). */
    readonly turns: readonly Combatant[];
    readonly combatants: Collection<Combatant>;
  }

  interface CombatHistoryData {
    readonly round: number;
    readonly turn: number | null;
    readonly combatantId?: string | null;
  }

  interface ChatSpeaker {
    readonly scene?: string | null;
    readonly actor?: string | null;
    readonly token?: string | null;
    readonly alias?: string | null;
  }

  interface ChatMessage {
    readonly id: string;
    /** v12+: the author (a User once the document is live, an id in source data). */
    readonly author?: User | string | null;
    /** Before v12 (deprecated in v12, removed in v14). */
    readonly user?: User | string | null;
    readonly whisper?: readonly string[];
    readonly blind?: boolean;
    /** Roll instances once live; JSON strings or plain objects in source data. */
    readonly rolls?: readonly unknown[];
    readonly flavor?: string | null;
    readonly speaker?: ChatSpeaker;
    readonly flags?: Record<string, unknown>;
    readonly timestamp?: number;
    readonly isRoll?: boolean;
  }

  interface SettingConfig {
    name?: string;
    hint?: string;
    scope: 'world' | 'client' | 'user';
    config: boolean;
    type: unknown;
    default: unknown;
    choices?: Record<string, string>;
    requiresReload?: boolean;
    restricted?: boolean;
    onChange?: (value: unknown) => void;
  }

  interface SettingMenuConfig {
    name: string;
    label: string;
    hint?: string;
    icon?: string;
    type: unknown;
    restricted: boolean;
  }

  interface Settings {
    register(namespace: string, key: string, config: SettingConfig): void;
    registerMenu(namespace: string, key: string, config: SettingMenuConfig): void;
    get(namespace: string, key: string): unknown;
    set(namespace: string, key: string, value: unknown): Promise<unknown>;
  }

  interface I18n {
    localize(key: string): string;
    format(key: string, data: Record<string, string | number>): string;
  }

  interface Module {
    readonly id: string;
    readonly version?: string;
    api?: unknown;
  }

  interface Game {
    readonly user: User | null;
    readonly users: Users;
    readonly actors: Collection<Actor>;
    readonly combats: Collection<Combat> & { readonly active?: Combat | null };
    readonly system: { readonly id: string; readonly version: string };
    readonly world: { readonly id: string; readonly title: string };
    readonly version?: string;
    readonly release?: { readonly generation: number; readonly version?: string };
    readonly settings: Settings;
    readonly i18n: I18n;
    readonly modules: { get(id: string): Module | undefined };
    /** v11+: copies text even where `navigator.clipboard` is missing (insecure contexts). */
    readonly clipboard?: { copyPlainText(text: string): Promise<void> };
  }

  interface Notifications {
    info(message: string, options?: { permanent?: boolean }): unknown;
    warn(message: string, options?: { permanent?: boolean }): unknown;
    error(message: string, options?: { permanent?: boolean }): unknown;
  }

  interface ChatMessageClass {
    create(data: Record<string, unknown>): Promise<unknown>;
  }

  /** The parts of ApplicationV2 (v12+) the pairing dialog uses. */
  interface ApplicationV2Instance {
    readonly element: HTMLElement | null;
    readonly rendered: boolean;
    render(options?: boolean | { force?: boolean }): unknown;
    close(options?: Record<string, unknown>): Promise<unknown>;
  }

  type ApplicationV2Class = new (options?: Record<string, unknown>) => ApplicationV2Instance;

  interface ApplicationsApi {
    readonly ApplicationV2: ApplicationV2Class;
    readonly HandlebarsApplicationMixin: (base: ApplicationV2Class) => ApplicationV2Class;
  }

  interface FoundryNamespace {
    readonly applications?: { readonly api?: ApplicationsApi };
  }
}

// The globals Foundry defines. Only `src/main.ts` reads them; everything else receives them as a FoundryEnv.
declare const game: Foundry.Game | undefined;
declare const Hooks: Foundry.Hooks | undefined;
declare const ui: { readonly notifications?: Foundry.Notifications } | undefined;
declare const ChatMessage: Foundry.ChatMessageClass | undefined;
declare const foundry: Foundry.FoundryNamespace | undefined;
