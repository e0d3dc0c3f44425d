import type { Collector, CollectorContext } from './context.js';
import { HookSet } from './context.js';

/**
 * Characters: `campaign:sync` on every connection (built by `syncBody`), then `character:update` on actor
 * create/update (coalesced per actor: a burst of HP changes is one event with the latest state) and on owned
 * item changes that move derived stats (AC from armour), `character:delete` on delete or when an actor stops
 * being shared.
 */
export class CharactersCollector implements Collector {
  readonly name = 'characters';
  private readonly hooks: HookSet;

  constructor(private readonly ctx: CollectorContext) {
    this.hooks = new HookSet(ctx.env.Hooks);
  }

  start(): void {
    this.hooks.on('createActor', (actor: Foundry.Actor) => this.schedule(actor.id));
    this.hooks.on('updateActor', (actor: Foundry.Actor) => this.schedule(actor.id));
    this.hooks.on('deleteActor', (actor: Foundry.Actor) => this.deleted(actor.id));
    const onItem = (item: Foundry.Item) => {
      if (item.parent?.id) this.schedule(item.parent.id);
    };
    this.hooks.on('createItem', onItem);
    this.hooks.on('updateItem', onItem);
    this.hooks.on('deleteItem', onItem);
  }

  stop(): void {
    this.hooks.clear();
  }

  schedule(actorId: string): void {
    this.ctx.coalescer.schedule(`actor:${actorId}`, () => this.send(actorId));
  }

  /** Sends the actor's current state if it changed, or a delete if it is no longer shared. */
  send(actorId: string): void {
    const { book } = this.ctx;
    const actor = this.ctx.env.game.actors.get(actorId);
    if (!actor || !book.isShared(actor)) {
      if (book.wasSent(actorId)) this.deleted(actorId);
      return;
    }
    const character = book.build(actor);
    if (!book.markSent(character)) return;
    this.ctx.queue('character:update', { character }, { supersedes: `character:${actorId}` });
  }

  /** Re-evaluates which actors are shared (NPC visibility changed, or the combat did). */
  refreshSharing(): void {
    const { book } = this.ctx;
    const shared = new Set(book.sharedActors().map((actor) => actor.id));
    for (const id of book.sentIds()) if (!shared.has(id)) this.deleted(id);
    for (const id of shared) if (!book.wasSent(id)) this.send(id);
  }

  private deleted(actorId: string): void {
    this.ctx.coalescer.cancel(`actor:${actorId}`);
    if (!this.ctx.book.wasSent(actorId)) return;
    this.ctx.book.forget(actorId);
    this.ctx.queue('character:delete', { vttCharacterId: actorId }, { supersedes: `character:${actorId}` });
  }
}
