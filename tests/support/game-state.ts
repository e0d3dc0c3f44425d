// Comparing what an overlay shows with what the module knows, and reading what the server stored.
import {
  type CampaignSyncPayload,
  type Character,
  OVERLAY_EVENTS,
  type OverlayCombat,
  type OverlayStatePayload,
} from '@tumulte/schemas';
import { buildServer } from '@tumulte/server';
import type { OverlayViewer } from './overlay-viewer.js';

const byId = (characters: readonly Character[]) =>
  [...characters].sort((a, b) => a.vttCharacterId.localeCompare(b.vttCharacterId));

/** The module's combat as overlays must show it: hidden combatants removed, the turn pointing into the rest. */
export function publicCombat(combat: CampaignSyncPayload['combat']): OverlayCombat | null {
  if (!combat) return null;
  const combatants = combat.combatants.filter((c) => !c.isHidden);
  const current = combat.currentCombatant && !combat.currentCombatant.isHidden ? combat.currentCombatant : null;
  const turn = current ? combatants.findIndex((c) => c.id === current.id) : -1;
  return {
    combatId: combat.combatId,
    round: combat.round,
    turn: turn >= 0 ? turn : null,
    currentCombatantId: current && turn >= 0 ? current.id : null,
    combatants,
  };
}

export interface ComparableState {
  readonly characters: Character[];
  readonly combat: OverlayCombat | null;
  readonly recentRollIds: string[];
}

/** What an overlay must show for the module's state and rolls. */
export function expectedOverlay(
  module: Pick<CampaignSyncPayload, 'characters' | 'combat'>,
  rollIds: readonly string[],
  recent = 20,
): ComparableState {
  return {
    characters: byId(module.characters),
    combat: publicCombat(module.combat),
    recentRollIds: rollIds.slice(-recent),
  };
}

/** What an overlay shows. */
export function shownBy(viewer: OverlayViewer): ComparableState | null {
  const state: OverlayStatePayload | null = viewer.state;
  if (!state) return null;
  return {
    characters: byId(state.characters),
    combat: state.combat,
    recentRollIds: state.recentRolls.map((roll) => roll.rollId),
  };
}

export interface StoredWorld {
  /** The rolls stored, in the server's order (dice_rolls table). */
  readonly rollIds: string[];
  /** The rolls of the overlay log (overlay_events), in seq order. */
  readonly overlayRollIds: string[];
  /** The seqs of the overlay log, in order. */
  readonly overlaySeqs: number[];
  /** The queried event ids that are NOT in the idempotency record (inbound_events). */
  readonly missingEventIds: string[];
}

/**
 * Opens a stopped server's database (an SQLite data dir or a PostgreSQL URL) through the server's own store
 * and reads what it stored for `connectionId`.
 */
export async function readStoredWorld(
  where: { dataDir: string } | { databaseUrl: string },
  connectionId: string,
  eventIds: readonly string[],
): Promise<StoredWorld> {
  const server = await buildServer({ ...where, port: 0, logLevel: 'silent', uiDir: null });
  try {
    return await server.store.transaction(async (tx) => {
      const rolls = await tx.listRecentDiceRolls(connectionId, 1_000_000);
      const log = await tx.listOverlayEvents(connectionId, 0, 1_000_000);
      const missing: string[] = [];
      for (const eventId of eventIds) {
        if (!(await tx.getInboundEvent(connectionId, eventId))) missing.push(eventId);
      }
      return {
        rollIds: rolls.map((row) => row.rollId).reverse(),
        overlayRollIds: log
          .filter((row) => row.event === OVERLAY_EVENTS.diceRoll)
          .map((row) => (row.payload as { roll: { rollId: string } }).roll.rollId),
        overlaySeqs: log.map((row) => row.seq),
        missingEventIds: missing,
      };
    });
  } finally {
    await server.close();
  }
}
