import type { DiceRollPayload, RollCharacterRef } from '@tumulte/schemas';
import { diceOf, readRoll } from '../adapters/rolls.js';
import { clip, plainText, str } from '../lib/data.js';
import type { EventBody } from '../lib/outbox.js';
import { classifyVisibility, policyFor } from '../lib/visibility.js';
import type { Collector, CollectorContext } from './context.js';
import { HookSet } from './context.js';

/**
 * Dice: one `dice:roll` per roll of a new chat message (`createChatMessage` fires on every client after the
 * write). Visibility comes from whisper/blind/author; the privacy policy then sends the roll in full, redacted
 * (no formula, total, dice, verdict, speaker or flavor) or not at all.
 */
export class DiceCollector implements Collector {
  readonly name = 'dice';
  private readonly hooks: HookSet;

  constructor(private readonly ctx: CollectorContext) {
    this.hooks = new HookSet(ctx.env.Hooks);
  }

  start(): void {
    this.hooks.on('createChatMessage', (message: Foundry.ChatMessage) => this.collect(message));
  }

  stop(): void {
    this.hooks.clear();
  }

  collect(message: Foundry.ChatMessage): void {
    const rolls = message.rolls ?? [];
    if (rolls.length === 0 || !message.id) return;
    const visibility = classifyVisibility(message);
    const policy = policyFor(visibility, this.ctx.privacy());
    if (policy === 'skip') return;
    for (const [index, raw] of rolls.entries()) {
      const roll = readRoll(raw);
      if (!roll || roll.total === null) continue;
      const verdict = this.ctx.adapter.roll(message, roll, index);
      const base = {
        rollId: clip(`${message.id}.${index}`, 160),
        messageId: message.id,
        rollType: verdict.rollType,
        visibility,
      };
      let body: EventBody<'dice:roll'>;
      if (policy === 'redacted') {
        body = { ...base, character: null, result: null, critical: { kind: 'none', source: null }, flavor: null };
      } else {
        const flavor = plainText(str(message.flavor) ?? str(roll.options.flavor) ?? '');
        body = {
          ...base,
          character: this.speaker(message),
          result: {
            formula: clip(roll.formula, 500),
            total: roll.total,
            dice: diceOf(roll)
              .slice(0, 100)
              .map((term) => ({ faces: Math.min(term.faces, 10_000), results: term.results.slice(0, 1000) })),
          },
          critical: verdict.critical,
          flavor: flavor ? clip(flavor, 500) : null,
        } satisfies Omit<DiceRollPayload, 'eventId' | 'worldId' | 'timestamp'>;
      }
      const timestamp = typeof message.timestamp === 'number' && message.timestamp > 0 ? message.timestamp : undefined;
      this.ctx.queue('dice:roll', body, timestamp === undefined ? {} : { timestamp });
    }
  }

  private speaker(message: Foundry.ChatMessage): RollCharacterRef | null {
    const actorId = message.speaker?.actor;
    if (!actorId) return null;
    const actor = this.ctx.env.game.actors.get(actorId);
    const name = str(message.speaker?.alias) || actor?.name || '?';
    const img = actor?.img ?? actor?.prototypeToken?.texture?.src ?? null;
    return { id: actorId, name: clip(name, 200), img: img ? clip(img, 2048) : null };
  }
}
