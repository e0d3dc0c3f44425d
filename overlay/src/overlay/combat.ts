import type { Combatant, OverlayCombat } from '@tumulte/schemas';

export interface CombatRow {
  readonly id: string;
  readonly name: string;
  readonly img: string | null;
  readonly initiative: number | null;
  readonly isCurrent: boolean;
  readonly isDefeated: boolean;
  readonly isNPC: boolean;
}

/**
 * The tracker's rows, in the contract's turn order (the VTT sorted them): hidden combatants are dropped (the
 * server already removes them; this is a second guard), the current combatant is marked.
 */
export function combatRows(combat: OverlayCombat): CombatRow[] {
  return combat.combatants
    .filter((combatant: Combatant) => !combatant.isHidden)
    .map((combatant) => ({
      id: combatant.id,
      name: combatant.name,
      img: combatant.img,
      initiative: combatant.initiative,
      isCurrent: combat.currentCombatantId !== null && combatant.id === combat.currentCombatantId,
      isDefeated: combatant.isDefeated,
      isNPC: combatant.isNPC,
    }));
}

/** At most `size` rows that keep the current combatant in view (first two rows before it when possible). */
export function visibleRows(rows: readonly CombatRow[], size: number): CombatRow[] {
  if (rows.length <= size) return [...rows];
  const current = Math.max(
    0,
    rows.findIndex((row) => row.isCurrent),
  );
  const start = Math.min(Math.max(0, current - 1), rows.length - size);
  return rows.slice(start, start + size);
}
