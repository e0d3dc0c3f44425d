// Helpers shared by the suites: a world with a GM tab running the module, and what it queued.
import { findEvent, type VttInboundEventName, type VttInboundPayloads } from '@tumulte/schemas';
import type { TumulteModule } from '../../src/module.js';
import type { Source } from './fixtures.js';
import { type Client, type FakeActor, standardWorld, type World } from './runtime.js';

export interface Table {
  readonly world: World;
  readonly gmClient: Client;
  readonly module: TumulteModule;
  readonly gm: ReturnType<typeof standardWorld>['gm'];
  readonly gm2: ReturnType<typeof standardWorld>['gm2'];
  readonly player: ReturnType<typeof standardWorld>['player'];
}

/** A world whose GM tab runs the module (not paired: events stay in its outbox). */
export async function table(options: Parameters<typeof standardWorld>[0] = {}): Promise<Table> {
  const { world, gm, gm2, player } = standardWorld(options);
  const gmClient = world.connect(gm);
  const module = await gmClient.start();
  return { world, gmClient, module, gm, gm2, player };
}

export interface Queued<E extends VttInboundEventName = VttInboundEventName> {
  readonly event: E;
  readonly payload: VttInboundPayloads[E];
}

/** Everything the module queued so far (after running coalesced updates), checked against the contract. */
export function queued(module: TumulteModule): Queued[] {
  module.coalescer.flush();
  const entries = module.outbox?.list() ?? [];
  for (const entry of entries) {
    const parsed = findEvent('vtt', entry.event)?.payload.safeParse(entry.payload);
    if (!parsed?.success)
      throw new Error(`${entry.event} does not match the contract: ${JSON.stringify(parsed?.error?.issues)}`);
  }
  return entries.map((entry) => ({ event: entry.event, payload: entry.payload }));
}

export function queuedOf<E extends VttInboundEventName>(module: TumulteModule, event: E): Array<VttInboundPayloads[E]> {
  return queued(module)
    .filter((entry) => entry.event === event)
    .map((entry) => entry.payload as VttInboundPayloads[E]);
}

/** Empties the outbox (as if everything was delivered) so the next assertions see only new events. */
export function drain(module: TumulteModule): void {
  module.coalescer.flush();
  for (const entry of [...(module.outbox?.list() ?? [])]) module.outbox?.remove(entry.eventId);
}

/** Creates a fixture actor in the world, optionally owned by a player and under another id. */
export function addActor(
  world: World,
  source: Source,
  options: { id?: string; playerOwned?: boolean } = {},
): FakeActor {
  const actor = world.createActor(options.id ? { ...source, _id: options.id } : source);
  if (options.playerOwned) actor.hasPlayerOwner = true;
  return actor;
}
