import type {
  Character,
  OverlayCombat,
  OverlayRoll,
  OverlayStatePayload,
  OverlayWorld,
  PublicPoll,
} from '@tumulte/schemas';
import { reactive } from 'vue';

export interface OverlayState {
  /** False until the first `overlay:state` arrived. */
  ready: boolean;
  /** The highest `seq` applied: events at or below it are old news. */
  seq: number;
  world: OverlayWorld | null;
  characters: Character[];
  combat: OverlayCombat | null;
  poll: PublicPoll | null;
  /** When the shown poll closed (ms, this page's clock), to hide it a while later. */
  pollClosedAt: number | null;
}

export interface StoreHooks {
  /** A public roll arrived live. */
  onRoll(roll: OverlayRoll): void;
  /** A snapshot's recent rolls; `first` is true for the first snapshot of this page. */
  onSnapshotRolls(rolls: readonly OverlayRoll[], first: boolean): void;
  now(): number;
}

type Change = (state: OverlayState) => void;

/**
 * The overlay's state: replaced by each `overlay:state` (sent on every (re)connection), then changed by live
 * events in `seq` order. Events at or below the snapshot's `seq` are already in it and are ignored; events that
 * arrive before the first snapshot wait for it.
 */
export class OverlayStore {
  readonly state: OverlayState = reactive({
    ready: false,
    seq: -1,
    world: null,
    characters: [],
    combat: null,
    poll: null,
    pollClosedAt: null,
  });
  private early: { seq: number; change: Change }[] = [];
  private snapshots = 0;

  constructor(private readonly hooks: StoreHooks) {}

  /** The `lastSeq` to send when reconnecting, if any event was seen. */
  get lastSeq(): number | undefined {
    return this.state.ready ? this.state.seq : undefined;
  }

  applySnapshot(snapshot: OverlayStatePayload): void {
    const state = this.state;
    state.seq = snapshot.seq;
    state.world = snapshot.world;
    state.characters = [...snapshot.characters];
    state.combat = snapshot.combat;
    state.pollClosedAt = this.closedAt(snapshot.poll);
    state.poll = snapshot.poll;
    state.ready = true;
    this.hooks.onSnapshotRolls(snapshot.recentRolls, this.snapshots === 0);
    this.snapshots += 1;
    const early = this.early.sort((a, b) => a.seq - b.seq);
    this.early = [];
    for (const event of early) this.apply(event.seq, event.change);
  }

  /** When a snapshot's poll closed, as far as this page can tell. */
  private closedAt(poll: PublicPoll | null): number | null {
    if (poll?.status !== 'closed') return null;
    const known = this.state.poll?.pollId === poll.pollId ? this.state.poll : null;
    if (known?.status === 'closed' && this.state.pollClosedAt !== null) return this.state.pollClosedAt;
    // Seen running, closed while disconnected: show the result now. Never seen: it closed at its end time.
    if (known) return this.hooks.now();
    return poll.endsAt ?? 0;
  }

  /** Applies one live event; false when it was old (seq ≤ the state's) or is waiting for the snapshot. */
  apply(seq: number, change: Change): boolean {
    if (!this.state.ready) {
      this.early.push({ seq, change });
      return false;
    }
    if (seq <= this.state.seq) return false;
    change(this.state);
    this.state.seq = seq;
    return true;
  }

  diceRoll(seq: number, roll: OverlayRoll): boolean {
    return this.apply(seq, () => this.hooks.onRoll(roll));
  }

  characterUpdate(seq: number, character: Character): boolean {
    return this.apply(seq, (state) => {
      const index = state.characters.findIndex((known) => known.vttCharacterId === character.vttCharacterId);
      if (index === -1) state.characters.push(character);
      else state.characters.splice(index, 1, character);
    });
  }

  characterDelete(seq: number, vttCharacterId: string): boolean {
    return this.apply(seq, (state) => {
      state.characters = state.characters.filter((known) => known.vttCharacterId !== vttCharacterId);
    });
  }

  combatUpdate(seq: number, combat: OverlayCombat): boolean {
    return this.apply(seq, (state) => {
      state.combat = combat;
    });
  }

  combatEnd(seq: number, combatId: string): boolean {
    return this.apply(seq, (state) => {
      if (state.combat === null || state.combat.combatId === combatId) state.combat = null;
    });
  }

  poll(seq: number, poll: PublicPoll): boolean {
    return this.apply(seq, (state) => {
      const wasClosed = state.poll?.pollId === poll.pollId && state.poll.status === 'closed';
      if (poll.status === 'closed' && !wasClosed) state.pollClosedAt = this.hooks.now();
      if (poll.status !== 'closed') state.pollClosedAt = null;
      state.poll = poll;
    });
  }
}

/** Whether the poll widget shows the poll: while running, and for `holdMs` after it closed. */
export function isPollShown(state: Pick<OverlayState, 'poll' | 'pollClosedAt'>, now: number, holdMs: number): boolean {
  if (state.poll === null) return false;
  if (state.poll.status === 'running') return true;
  if (state.poll.status !== 'closed' || state.pollClosedAt === null) return false;
  return now - state.pollClosedAt < holdMs;
}
