import type { VttInboundEventName } from '@tumulte/schemas';
import type { SystemAdapter } from '../adapters/types.js';
import type { FoundryEnv } from '../env.js';
import type { Coalescer } from '../lib/coalescer.js';
import type { EventBody } from '../lib/outbox.js';
import type { PrivacyPolicy } from '../lib/visibility.js';
import type { CharacterBook } from './characters-book.js';

/** What every collector gets: Foundry, the system adapter, the coalescer and a way to queue events. */
export interface CollectorContext {
  readonly env: FoundryEnv;
  readonly adapter: SystemAdapter;
  readonly coalescer: Coalescer;
  readonly book: CharacterBook;
  readonly privacy: () => PrivacyPolicy;
  queue<E extends VttInboundEventName>(
    event: E,
    body: EventBody<E>,
    options?: { supersedes?: string; timestamp?: number },
  ): void;
}

/** A collector registers its hooks on start and removes them on stop. */
export interface Collector {
  readonly name: string;
  start(): void;
  stop(): void;
}

/** Registers hooks and remembers their ids so `stop()` removes exactly them. */
export class HookSet {
  private readonly ids: Array<[string, number]> = [];

  constructor(private readonly hooks: Foundry.Hooks) {}

  on(hook: string, fn: (...args: never[]) => unknown): void {
    this.ids.push([hook, this.hooks.on(hook, fn)]);
  }

  clear(): void {
    for (const [hook, id] of this.ids) this.hooks.off(hook, id);
    this.ids.length = 0;
  }
}
