import type { Character, OverlayCombat, OverlayRoll, OverlayStatePayload, PublicPoll } from '@tumulte/schemas';
import { createOverlayEmitter, type OverlayBroadcastTarget } from '@tumulte/schemas/server';

/** One world's public state and its numbered live events, sent through the generated (validating) emitter. */
export interface OverlayWorld {
  readonly state: OverlayStatePayload;
  readonly send: {
    diceRoll(roll: OverlayRoll): number;
    characterUpdate(character: Character): number;
    characterDelete(vttCharacterId: string): number;
    combatUpdate(combat: OverlayCombat): number;
    combatEnd(combatId: string): number;
    pollStart(poll: PublicPoll): number;
    pollUpdate(poll: PublicPoll): number;
    pollEnd(poll: PublicPoll): number;
    /** An event with an explicit (possibly stale) seq, to test that clients drop it. */
    staleCharacterUpdate(character: Character, seq: number): void;
  };
  /** Sends the snapshot to one socket (on connect). */
  snapshotTo(target: OverlayBroadcastTarget): void;
}

export function createOverlayWorld(
  target: OverlayBroadcastTarget,
  initial: Partial<OverlayStatePayload> = {},
): OverlayWorld {
  const emitter = createOverlayEmitter(target);
  const state: OverlayStatePayload = {
    seq: 0,
    world: { name: 'Lost Mine of Phandelver', system: 'dnd5e', online: true },
    characters: [],
    combat: null,
    poll: null,
    recentRolls: [],
    ...initial,
  };
  const upsert = (character: Character) => {
    const index = state.characters.findIndex((known) => known.vttCharacterId === character.vttCharacterId);
    state.characters =
      index === -1
        ? [...state.characters, character]
        : state.characters.map((known, at) => (at === index ? character : known));
  };
  return {
    state,
    send: {
      diceRoll: (roll) => {
        state.recentRolls = [...state.recentRolls, roll].slice(-50);
        emitter.emit.diceRoll({ seq: ++state.seq, roll });
        return state.seq;
      },
      characterUpdate: (character) => {
        upsert(character);
        emitter.emit.characterUpdate({ seq: ++state.seq, character });
        return state.seq;
      },
      characterDelete: (vttCharacterId) => {
        state.characters = state.characters.filter((known) => known.vttCharacterId !== vttCharacterId);
        emitter.emit.characterDelete({ seq: ++state.seq, vttCharacterId });
        return state.seq;
      },
      combatUpdate: (combat) => {
        state.combat = combat;
        emitter.emit.combatUpdate({ seq: ++state.seq, combat });
        return state.seq;
      },
      combatEnd: (combatId) => {
        state.combat = null;
        emitter.emit.combatEnd({ seq: ++state.seq, combatId });
        return state.seq;
      },
      pollStart: (poll) => {
        state.poll = poll;
        emitter.emit.pollStart({ seq: ++state.seq, poll });
        return state.seq;
      },
      pollUpdate: (poll) => {
        state.poll = poll;
        emitter.emit.pollUpdate({ seq: ++state.seq, poll });
        return state.seq;
      },
      pollEnd: (poll) => {
        state.poll = poll;
        emitter.emit.pollEnd({ seq: ++state.seq, poll });
        return state.seq;
      },
      staleCharacterUpdate: (character, seq) => emitter.emit.characterUpdate({ seq, character }),
    },
    snapshotTo: (socket) => createOverlayEmitter(socket).emit.overlayState({ ...state }),
  };
}
