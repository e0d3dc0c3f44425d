// Entry point Foundry loads (module.json `esmodules`). Builds the environments from Foundry's globals and the
// browser's, then lets the module register itself on `init`.
import { io } from 'socket.io-client';
import type { BrowserEnv, FoundryEnv, IoFactory } from './env.js';
import { log } from './lib/log.js';
import { TumulteModule } from './module.js';

function foundryEnv(): FoundryEnv | null {
  if (
    typeof game === 'undefined' ||
    !game ||
    typeof Hooks === 'undefined' ||
    !Hooks ||
    typeof ChatMessage === 'undefined' ||
    !ChatMessage
  ) {
    return null;
  }
  return {
    game,
    Hooks,
    notifications: ui?.notifications ?? { info: log.info, warn: log.warn, error: log.error },
    ChatMessage,
    applications: typeof foundry === 'undefined' ? undefined : foundry?.applications?.api,
  };
}

function browserEnv(env: FoundryEnv): BrowserEnv {
  // navigator.clipboard only exists in secure contexts; Foundry's helper falls back to execCommand.
  const foundryClipboard = env.game.clipboard;
  const clipboard =
    navigator.clipboard ??
    (foundryClipboard ? { writeText: (text: string) => foundryClipboard.copyPlainText(text) } : undefined);
  return {
    storage: window.localStorage,
    indexedDB: window.indexedDB,
    fetch: window.fetch.bind(window),
    // Bundled socket.io-client (not Foundry's global `io`), so the client matches the generated stub.
    io: io as unknown as IoFactory,
    locks: navigator.locks,
    timers: {
      setTimeout: (fn, ms) => window.setTimeout(fn, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number),
    },
    now: () => Date.now(),
    random: () => Math.random(),
    open: (url) => window.open(url, '_blank', 'noopener'),
    clipboard,
  };
}

if (typeof Hooks !== 'undefined' && Hooks) {
  Hooks.once('init', () => {
    const env = foundryEnv();
    if (!env) {
      log.error('Foundry globals are missing; the module is disabled');
      return;
    }
    new TumulteModule(env, browserEnv(env)).init();
  });
}
