import type { OverlayRoll } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';
import { character, combat, combatant, poll, roll, snapshot } from '../../test/fixtures';
import { isPollShown, OverlayStore } from './store';

function makeStore(now = 1_000_000_000) {
  const rolls: OverlayRoll[] = [];
  const snapshots: { rolls: readonly OverlayRoll[]; first: boolean }[] = [];
  const clock = { now };
  const store = new OverlayStore({
    onRoll: (entry) => rolls.push(entry),
    onSnapshotRolls: (entries, first) => snapshots.push({ rolls: entries, first }),
    now: () => clock.now,
  });
  return { store, rolls, snapshots, clock };
}

describe('OverlayStore', () => {
  it('ignores events at or below the snapshot seq and applies newer ones in order', () => {
    const { store, rolls } = makeStore();
    store.applySnapshot(snapshot(42, { characters: [character('a', 'Randal', { current: 9 })] }));
    expect(store.characterUpdate(41, character('a', 'Randal', { current: 1 }))).toBe(false);
    expect(store.characterUpdate(42, character('a', 'Randal', { current: 2 }))).toBe(false);
    expect(store.state.characters[0]?.stats.hp.current).toBe(9);
    expect(store.diceRoll(40, roll('old', 'success'))).toBe(false);
    expect(rolls).toHaveLength(0);

    expect(store.characterUpdate(43, character('a', 'Randal', { current: 4 }))).toBe(true);
    expect(store.state.characters[0]?.stats.hp.current).toBe(4);
    expect(store.state.seq).toBe(43);
    // A duplicate of an applied event is ignored too.
    expect(store.characterUpdate(43, character('a', 'Randal', { current: 0 }))).toBe(false);
    expect(store.diceRoll(44, roll('new', 'success'))).toBe(true);
    expect(rolls.map((entry) => entry.rollId)).toEqual(['new']);
    expect(store.lastSeq).toBe(44);
  });

  it('holds events that arrive before the first snapshot, then keeps only the newer ones', () => {
    const { store } = makeStore();
    expect(store.lastSeq).toBeUndefined();
    store.characterUpdate(12, character('b', 'Late', { current: 3 }));
    store.characterUpdate(9, character('b', 'Stale', { current: 1 }));
    expect(store.state.characters).toHaveLength(0);
    store.applySnapshot(snapshot(10, { characters: [character('b', 'Snapshot', { current: 5 })] }));
    expect(store.state.characters.map((entry) => entry.name)).toEqual(['Late']);
    expect(store.state.seq).toBe(12);
  });

  it('replaces the whole state on every snapshot (reconnect)', () => {
    const { store, snapshots } = makeStore();
    store.applySnapshot(
      snapshot(5, {
        characters: [character('a', 'A'), character('b', 'B')],
        combat: combat('c1', [combatant('c1', 'A')]),
      }),
    );
    store.applySnapshot(snapshot(9, { characters: [character('b', 'B2')] }));
    expect(store.state.characters.map((entry) => entry.name)).toEqual(['B2']);
    expect(store.state.combat).toBeNull();
    expect(snapshots.map((entry) => entry.first)).toEqual([true, false]);
  });

  it('adds, updates and removes characters; ends only the shown combat', () => {
    const { store } = makeStore();
    store.applySnapshot(snapshot(1, { characters: [character('a', 'A')] }));
    store.characterUpdate(2, character('b', 'B'));
    store.characterUpdate(3, character('a', 'A2'));
    expect(store.state.characters.map((entry) => entry.name)).toEqual(['A2', 'B']);
    store.characterDelete(4, 'a');
    expect(store.state.characters.map((entry) => entry.name)).toEqual(['B']);

    store.combatUpdate(5, combat('x', [combatant('x', 'X')]));
    store.combatEnd(6, 'some-other-combat');
    expect(store.state.combat?.combatId).toBe('combat-1');
    store.combatEnd(7, 'combat-1');
    expect(store.state.combat).toBeNull();
  });

  it('shows a poll while it runs and for a while after it closes', () => {
    const { store, clock } = makeStore(2_000_000);
    store.applySnapshot(snapshot(1));
    store.poll(2, poll([0, 0]));
    expect(isPollShown(store.state, clock.now, 30_000)).toBe(true);
    store.poll(3, poll([3, 1], 'closed', ['a']));
    expect(store.state.pollClosedAt).toBe(2_000_000);
    expect(isPollShown(store.state, clock.now + 29_999, 30_000)).toBe(true);
    expect(isPollShown(store.state, clock.now + 30_000, 30_000)).toBe(false);
  });

  it('keeps the close time of a poll across a reconnect, and hides long-closed polls', () => {
    const { store, clock } = makeStore(5_000_000);
    store.applySnapshot(snapshot(1, { poll: poll([1, 2], 'running') }));
    clock.now = 5_001_000;
    // Closed while disconnected: the result shows from now on.
    store.applySnapshot(snapshot(4, { poll: poll([1, 2], 'closed', ['b']) }));
    expect(store.state.pollClosedAt).toBe(5_001_000);
    clock.now = 5_002_000;
    store.applySnapshot(snapshot(5, { poll: poll([1, 2], 'closed', ['b']) }));
    expect(store.state.pollClosedAt).toBe(5_001_000);

    const fresh = makeStore(9_000_000_000);
    fresh.store.applySnapshot(snapshot(1, { poll: poll([1, 2], 'closed', ['b'], 1_000) }));
    expect(isPollShown(fresh.store.state, fresh.clock.now, 30_000)).toBe(false);
  });
});
