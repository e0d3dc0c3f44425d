/// <reference path="../../sdk-foundry/src/types/foundry.d.ts" />
// The GM's Foundry page, with the BUILT module in it: the simulated Foundry runtime of sdk-foundry (hooks, game,
// documents, chat) supplies Foundry's globals, a happy-dom window supplies the browser's (localStorage, fetch with
// CORS, WebSocket, timers), and `dist/tumulte-integration/scripts/tumulte-integration.js` — the file a GM installs —
// is imported as Foundry's `esmodules` entry would be. Nothing of the module's TypeScript sources runs here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IDBFactory } from 'fake-indexeddb';
import { Window } from 'happy-dom';
import {
  type Client,
  FakeApplicationV2,
  FakeLockManager,
  fakeApplications,
} from '../../sdk-foundry/test/sim/runtime.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const SDK_DIR = join(ROOT, 'sdk-foundry');
export const MODULE_ID = 'tumulte-integration';
export const BUNDLE = join(SDK_DIR, 'dist', MODULE_ID, 'scripts', `${MODULE_ID}.js`);

/** Foundry's default address: the GM's page is on another origin than the Tumulte server (CORS applies). */
export const FOUNDRY_ORIGIN = 'http://localhost:30000';

/** What `game.modules.get('tumulte-integration').api` exposes (sdk-foundry README). */
export interface TumulteApi {
  registerAdapter(adapter: unknown): void;
  openPairingDialog(): void;
  status(): { state: string; latencyMs: number | null; queued: number; connectionId: string | null } | null;
}

/** What the pairing dialog shows the GM (its template context). */
export interface PairingDialogView {
  readonly status: string;
  readonly url: string | null;
  readonly code: string | null;
  readonly qrSvg: string | null;
  readonly worldName: string | null;
  /** Closed by the module (it closes itself once paired) or by the GM. */
  readonly closed: boolean;
}

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, entry) => Math.max(latest, newestChange(join(path, entry))), 0);
}

/** Builds `dir`'s workspace when `output` is missing or older than its sources (turbo builds it before tests). */
export function ensureBuilt(workspace: string, output: string, sources: string[]): void {
  const built = existsSync(output) ? statSync(output).mtimeMs : 0;
  if (built > 0 && sources.every((source) => newestChange(source) <= built)) return;
  const result = spawnSync('npm', ['run', '-s', 'build', '-w', workspace], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(output)) throw new Error(`npm run build -w ${workspace} failed`);
}

export function ensureModuleBuilt(): void {
  ensureBuilt(MODULE_ID, BUNDLE, [join(SDK_DIR, 'src'), join(SDK_DIR, 'lang'), join(SDK_DIR, 'templates')]);
}

const FOUNDRY_GLOBALS = [
  'Hooks',
  'game',
  'ui',
  'ChatMessage',
  'foundry',
  'window',
  'navigator',
  'HTMLElement',
] as const;

export interface FoundryPage {
  readonly window: Window;
  readonly api: TumulteApi;
  /** The pairing dialog the GM opened last (what it shows right now). */
  pairingDialog(): PairingDialogView | null;
  /** Foundry (v13) renders the players list; resolves with its element (the module adds its status line). */
  renderPlayersList(): HTMLElement;
  close(): Promise<void>;
}

/**
 * Opens `tab` (a GM's client of the simulated world) as a browser page and loads the built module into it:
 * Foundry's `init`, `setup` and `ready` hooks run after the module's script, as in Foundry.
 * `beforeReady` runs between `init` and `ready` (world settings such as the server URL).
 */
export async function openFoundryPage(
  tab: Client,
  beforeReady: () => Promise<void> = async () => {},
): Promise<FoundryPage> {
  const window = new Window({ url: `${FOUNDRY_ORIGIN}/game`, width: 1600, height: 900 });
  // A real browser has IndexedDB (the module keeps its non-extractable key there) and Web Locks; happy-dom has
  // neither, so the simulated ones of sdk-foundry stand in.
  Object.assign(window, { indexedDB: new IDBFactory() });
  Object.defineProperty(window.navigator, 'locks', { value: new FakeLockManager(), configurable: true });
  const globals = globalThis as Record<string, unknown>;
  const saved = new Map(FOUNDRY_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globals, name)]));
  const env = tab.env;
  for (const [name, value] of Object.entries({
    Hooks: tab.Hooks,
    game: tab.game,
    ui: { notifications: env.notifications },
    ChatMessage: env.ChatMessage,
    foundry: { applications: { api: fakeApplications } },
    window,
    navigator: window.navigator,
    HTMLElement: window.HTMLElement,
  })) {
    Object.defineProperty(globals, name, { value, configurable: true, writable: true });
  }
  // A fresh copy of the bundle per page (the query string defeats the module cache), as a page load would.
  await import(/* @vite-ignore */ `${pathToFileURL(BUNDLE).href}?page=${Date.now()}`);
  tab.Hooks.callAll('init');
  const api = tab.moduleRecord.api as TumulteApi | undefined;
  if (!api) throw new Error('the built module did not register its API on init');
  await beforeReady();
  tab.Hooks.callAll('setup');
  tab.Hooks.callAll('ready');
  // The simulated runtime can also run the module from its TypeScript sources (`Client.start`): not here.
  if (tab.module !== null) throw new Error('the module should come from the built bundle only');
  return {
    window,
    api,
    pairingDialog() {
      const dialog = FakeApplicationV2.instances.at(-1);
      if (!dialog?.lastContext) return null;
      return { ...(dialog.lastContext as Omit<PairingDialogView, 'closed'>), closed: dialog.closed };
    },
    renderPlayersList() {
      const list = window.document.createElement('aside');
      list.id = 'players';
      window.document.body.append(list);
      tab.Hooks.callAll('renderPlayers', {}, list);
      return list as unknown as HTMLElement;
    },
    async close() {
      for (const dialog of FakeApplicationV2.instances) if (!dialog.closed) await dialog.close();
      // The GM leaves: the module stops sending (closes its socket) as when the tab closes.
      tab.user.active = false;
      tab.Hooks.callAll('userConnected', tab.user, false);
      tab.world.disconnect(tab);
      await window.happyDOM.close();
      for (const [name, descriptor] of saved) {
        if (descriptor) Object.defineProperty(globals, name, descriptor);
        else delete globals[name];
      }
    },
  };
}
