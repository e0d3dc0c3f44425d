import { describe, expect, it } from 'vitest';
import { combat, combatant } from '../../test/fixtures';
import { combatRows, visibleRows } from './combat';

describe('combat tracker rows', () => {
  const fight = combat('c2', [
    combatant('c1', 'Randal', { initiative: 17 }),
    combatant('c2', 'Goblin', { initiative: 12, isNPC: true }),
    combatant('c3', 'Hidden ogre', { initiative: 11, isHidden: true }),
    combatant('c4', 'Wolf', { initiative: 5, isDefeated: true }),
  ]);

  it('keeps the turn order, highlights the current combatant, marks the defeated and drops the hidden', () => {
    const rows = combatRows(fight);
    expect(rows.map((row) => row.name)).toEqual(['Randal', 'Goblin', 'Wolf']);
    expect(rows.filter((row) => row.isCurrent).map((row) => row.id)).toEqual(['c2']);
    expect(rows.find((row) => row.id === 'c4')?.isDefeated).toBe(true);
  });

  it('highlights nobody when the current combatant is hidden (currentCombatantId null)', () => {
    expect(combatRows({ ...fight, currentCombatantId: null }).some((row) => row.isCurrent)).toBe(false);
  });

  it('keeps the current combatant in view in long fights', () => {
    const many = combat(
      'c10',
      Array.from({ length: 20 }, (_, index) => combatant(`c${index}`, `Fighter ${index}`)),
    );
    const shown = visibleRows(combatRows(many), 8);
    expect(shown).toHaveLength(8);
    expect(shown[1]?.id).toBe('c10');
    const atEnd = visibleRows(combatRows({ ...many, currentCombatantId: 'c19' }), 8);
    expect(atEnd.at(-1)?.id).toBe('c19');
    const atStart = visibleRows(combatRows({ ...many, currentCombatantId: 'c0' }), 8);
    expect(atStart[0]?.id).toBe('c0');
  });
});
