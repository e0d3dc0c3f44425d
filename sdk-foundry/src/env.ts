import type { Socket } from 'socket.io-client';

/** What the module needs from Foundry. `main.ts` builds it from the globals; tests build it from a simulated runtime. */
export interface FoundryEnv {
  readonly game: Foundry.Game;
  readonly Hooks: Foundry.Hooks;
  readonly notifications: Foundry.Notifications;
  readonly ChatMessage: Foundry.ChatMessageClass;
  /** `foundry.applications.api` (v12+); absent only in tests that do not open dialogs. */
  readonly applications?: Foundry.ApplicationsApi | undefined;
}

/** Options of `io()` that the connection uses. */
export interface IoOptions {
  readonly transports: string[];
  readonly reconnection: boolean;
  readonly autoConnect: boolean;
  readonly forceNew: boolean;
  readonly auth: (callback: (auth: Record<string, unknown>) => void) => void;
}

export type IoFactory = (url: string, options: IoOptions) => Socket;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the module needs from the GM's browser. */
export interface BrowserEnv {
  /** localStorage: tokens and the outbox (synchronous writes, so a reload right after an event loses nothing). */
  readonly storage: Storage;
  /** IndexedDB keeps the non-extractable private key; without it the key falls back to localStorage (README). */
  readonly indexedDB?: IDBFactory | undefined;
  readonly fetch: typeof fetch;
  readonly io: IoFactory;
  /** Web Locks: one tab of the same GM user runs the module. */
  readonly locks?: LockManager | undefined;
  readonly timers: Timers;
  readonly now: () => number;
  readonly random: () => number;
  /** Opens a URL in a new tab (the "Open Tumulte" button). */
  readonly open?: ((url: string) => void) | undefined;
  readonly clipboard?: { writeText(text: string): Promise<void> } | undefined;
  /** Whether WebCrypto signatures work here (secure contexts); default: detected. False → HS256 pairing. */
  readonly webCrypto?: boolean | undefined;
}
