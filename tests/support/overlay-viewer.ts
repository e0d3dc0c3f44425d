// An OBS overlay as a plain Socket.IO client of /overlay (over the generated client stub): it keeps the public
// state the way the overlay app does — the `overlay:state` snapshot, then every live change whose `seq` is above
// the last one seen — and reconnects by itself (a snapshot follows every reconnection).
import { NAMESPACES, type OverlayRoll, type OverlayStatePayload, PROTOCOL_VERSION } from '@tumulte/schemas';
import { createOverlayClient, type OverlayClientSocket } from '@tumulte/schemas/client';
import { io } from 'socket.io-client';

/** How many recent rolls an overlay keeps (the server's snapshot carries 20). */
export const RECENT_ROLLS = 20;

export class OverlayViewer {
  readonly socket: OverlayClientSocket;
  state: OverlayStatePayload | null = null;
  lastSeq = 0;
  snapshots = 0;
  /** Every seq the server gave each public roll in live events: one per roll unless it was stored twice. */
  readonly rollSeqs = new Map<string, Set<number>>();
  /** Live events that arrived with a seq not above the last one (ignored, as the overlay app does). */
  ignored = 0;

  constructor(baseUrl: string, token: string) {
    this.socket = io(`${baseUrl}${NAMESPACES.overlay}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 250,
      auth: (callback) => callback({ token, protocolVersion: PROTOCOL_VERSION, lastSeq: this.lastSeq }),
    }) as OverlayClientSocket;
    const client = createOverlayClient(this.socket);
    client.on.overlayState((snapshot) => {
      this.snapshots += 1;
      this.state = structuredClone(snapshot);
      this.lastSeq = Math.max(this.lastSeq, snapshot.seq);
    });
    client.on.diceRoll(({ seq, roll }) => {
      this.noteRoll(roll.rollId, seq);
      this.apply(seq, (state) => {
        state.recentRolls = [...state.recentRolls, roll].slice(-RECENT_ROLLS);
      });
    });
    client.on.characterUpdate(({ seq, character }) =>
      this.apply(seq, (state) => {
        state.characters = [
          ...state.characters.filter((c) => c.vttCharacterId !== character.vttCharacterId),
          character,
        ];
      }),
    );
    client.on.characterDelete(({ seq, vttCharacterId }) =>
      this.apply(seq, (state) => {
        state.characters = state.characters.filter((c) => c.vttCharacterId !== vttCharacterId);
      }),
    );
    client.on.combatUpdate(({ seq, combat }) =>
      this.apply(seq, (state) => {
        state.combat = combat;
      }),
    );
    client.on.combatEnd(({ seq, combatId }) =>
      this.apply(seq, (state) => {
        if (state.combat?.combatId === combatId) state.combat = null;
      }),
    );
    for (const listen of [client.on.pollStart, client.on.pollUpdate, client.on.pollEnd]) {
      listen(({ seq, poll }) =>
        this.apply(seq, (state) => {
          state.poll = poll;
        }),
      );
    }
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** The recent rolls' ids, oldest first. */
  get recentRollIds(): string[] {
    return (this.state?.recentRolls ?? []).map((roll: OverlayRoll) => roll.rollId);
  }

  close(): void {
    this.socket.disconnect();
  }

  private noteRoll(rollId: string, seq: number): void {
    const seqs = this.rollSeqs.get(rollId) ?? new Set<number>();
    seqs.add(seq);
    this.rollSeqs.set(rollId, seqs);
  }

  private apply(seq: number, change: (state: OverlayStatePayload) => void): void {
    if (!this.state || seq <= this.lastSeq) {
      this.ignored += 1;
      return;
    }
    change(this.state);
    this.state.seq = seq;
    this.lastSeq = seq;
  }
}
