import { dnd5eAdapter } from './dnd5e.js';
import { genericAdapter } from './generic.js';
import { pf2eAdapter } from './pf2e.js';
import type { SystemAdapter } from './types.js';

/** Adapters by `game.system.id`; the generic one serves every other system. */
export class AdapterRegistry {
  private readonly adapters = new Map<string, SystemAdapter>();

  constructor() {
    this.register(dnd5eAdapter);
    this.register(pf2eAdapter);
  }

  /** Registers (or replaces) the adapter of each system it names. */
  register(adapter: SystemAdapter): void {
    if (!Array.isArray(adapter.systems) || typeof adapter.stats !== 'function' || typeof adapter.roll !== 'function') {
      throw new TypeError('a Tumulte adapter needs `systems`, `stats()` and `roll()` (see the README)');
    }
    for (const system of adapter.systems) this.adapters.set(system, adapter);
  }

  /** The adapter of a system, or the generic one. */
  for(systemId: string): SystemAdapter {
    return this.adapters.get(systemId) ?? genericAdapter;
  }
}

export type { SystemAdapter };
export { genericAdapter };
