// The public projection of the game: what an overlay may show. No blind, self or GM roll, no redacted roll,
// no hidden combatant.
import type {
  Character,
  CombatState,
  CriticalKind,
  CriticalSource,
  OverlayCombat,
  OverlayRoll,
  RollType,
} from '@tumulte/schemas';
import { fromJson } from '../store/json.js';
import type { DiceRollRow } from '../store/store.js';

/** The roll as overlays show it, or null when it must stay private. */
export function publicRoll(row: DiceRollRow): OverlayRoll | null {
  if (row.visibility !== 'public' || row.result === null) return null;
  return {
    rollId: row.rollId,
    character: fromJson(row.character),
    result: fromJson(row.result),
    rollType: row.rollType as RollType,
    critical: { kind: row.criticalKind as CriticalKind, source: row.criticalSource as CriticalSource | null },
    flavor: row.flavor,
    timestamp: row.timestamp,
  };
}

/** The combat without its hidden combatants; the current turn points into the filtered list. */
export function publicCombat(combatId: string, state: Omit<CombatState, 'combatId'>): OverlayCombat {
  const combatants = state.combatants.filter((combatant) => !combatant.isHidden);
  const current = state.currentCombatant && !state.currentCombatant.isHidden ? state.currentCombatant : null;
  const turn = current ? combatants.findIndex((combatant) => combatant.id === current.id) : -1;
  return {
    combatId,
    round: state.round,
    turn: turn >= 0 ? turn : null,
    currentCombatantId: current && turn >= 0 ? current.id : null,
    combatants,
  };
}

/** Characters are public as the module sent them (it only shares player characters and chosen NPCs). */
export function publicCharacter(character: Character): Character {
  return character;
}
