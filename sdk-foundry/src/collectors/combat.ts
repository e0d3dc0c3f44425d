import type { CombatStatePayload, Combatant as WireCombatant } from '@tumulte/schemas';
import { clip } from '../lib/data.js';
import type { EventBody } from '../lib/outbox.js';
import type { Collector, CollectorContext } from './context.js';
import { HookSet } from './context.js';

type CombatBody = EventBody<'combat:update'>;

/**
 * Combat through the hooks that fire on every client after the write (foundry-api.md §1.2): `updateCombat` and
 * `combatTurnChange` (v12+) for start, turn and round — both may fire for one change, so the last (round, turn)
 * sent per combat decides what is new — combatant hooks for `combat:update` (coalesced per combat), and
 * `deleteCombat` for `combat:end`. Never `combatTurn`/`combatRound`: they fire only on the client that clicked.
 */
export class CombatCollector implements Collector {
  readonly name = 'combat';
  private readonly hooks: HookSet;
  private readonly positions = new Map<string, { round: number; turn: number | null }>();

  constructor(
    private readonly ctx: CollectorContext,
    private readonly onCombatChanged: () => void = () => undefined,
  ) {
    this.hooks = new HookSet(ctx.env.Hooks);
  }

  start(): void {
    for (const combat of this.ctx.env.game.combats)
      this.positions.set(combat.id, { round: combat.round, turn: combat.turn });
    this.hooks.on('createCombat', (combat: Foundry.Combat) => {
      this.positions.set(combat.id, { round: combat.round, turn: combat.turn });
      if (combat.round > 0) this.position(combat);
      else this.scheduleUpdate(combat.id);
    });
    this.hooks.on('updateCombat', (combat: Foundry.Combat, changed: Record<string, unknown>) => {
      if ('round' in changed || 'turn' in changed) this.position(combat);
      else if ('active' in changed) this.onCombatChanged();
    });
    this.hooks.on('combatTurnChange', (combat: Foundry.Combat) => this.position(combat));
    this.hooks.on('deleteCombat', (combat: Foundry.Combat) => this.ended(combat.id));
    const onCombatant = (combatant: { parent?: Foundry.Combat | null; combat?: Foundry.Combat | null }) => {
      const combat = combatant.parent ?? combatant.combat;
      if (combat?.id) this.scheduleUpdate(combat.id);
    };
    this.hooks.on('createCombatant', onCombatant);
    this.hooks.on('updateCombatant', onCombatant);
    this.hooks.on('deleteCombatant', onCombatant);
  }

  stop(): void {
    this.hooks.clear();
    this.positions.clear();
  }

  /** The state of a combat as the contract describes it (also used by `campaign:sync`). */
  state(combat: Foundry.Combat): Omit<CombatBody, never> {
    const combatants = combat.turns.slice(0, 200).map((c) => this.combatant(c));
    const turn = combat.round > 0 && combat.turn !== null && combat.turn >= 0 ? combat.turn : null;
    const current = turn === null ? null : (combatants[turn] ?? null);
    return { combatId: combat.id, round: Math.max(0, combat.round), turn, currentCombatant: current, combatants };
  }

  combatant(c: Foundry.Combatant): WireCombatant {
    const actor = c.actor ?? null;
    const name = c.name || c.token?.name || actor?.name || '?';
    const img = c.img || c.token?.texture?.src || actor?.img || null;
    const isNPC = c.isNPC ?? !(actor?.hasPlayerOwner ?? false);
    return {
      id: c.id,
      characterId: actor?.id ?? c.actorId ?? null,
      name: clip(name, 200),
      img: img ? clip(img, 2048) : null,
      initiative: typeof c.initiative === 'number' && Number.isFinite(c.initiative) ? c.initiative : null,
      isDefeated: c.isDefeated ?? c.defeated ?? false,
      isNPC,
      isHidden: c.hidden === true,
    };
  }

  private position(combat: Foundry.Combat): void {
    const previous = this.positions.get(combat.id) ?? { round: 0, turn: null };
    const now = { round: combat.round, turn: combat.turn };
    if (previous.round === now.round && previous.turn === now.turn) return;
    this.positions.set(combat.id, now);
    this.ctx.coalescer.cancel(`combat:${combat.id}`);
    const body: CombatBody = this.state(combat);
    if (previous.round <= 0 && now.round > 0) this.ctx.queue('combat:start', body);
    else if (now.round !== previous.round) this.ctx.queue('combat:round', body);
    else this.ctx.queue('combat:turn', body);
    this.onCombatChanged();
  }

  private scheduleUpdate(combatId: string): void {
    this.ctx.coalescer.schedule(`combat:${combatId}`, () => {
      const combat = this.ctx.env.game.combats.get(combatId);
      if (!combat) return;
      this.ctx.queue(
        'combat:update',
        this.state(combat) satisfies Omit<CombatStatePayload, 'eventId' | 'worldId' | 'timestamp'>,
      );
      this.onCombatChanged();
    });
  }

  private ended(combatId: string): void {
    this.ctx.coalescer.cancel(`combat:${combatId}`);
    this.positions.delete(combatId);
    this.ctx.queue('combat:end', { combatId });
    this.onCombatChanged();
  }
}
