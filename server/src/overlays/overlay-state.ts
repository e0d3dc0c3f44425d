// The `overlay:state` snapshot: the public state of a connection's world, as one payload.
import type { OverlayRoll, OverlayStatePayload } from '@tumulte/schemas';
import { readGameState } from '../game/apply-event.js';
import { publicCharacter, publicCombat, publicRoll } from '../game/overlay-projection.js';
import { publicPoll } from '../polls/poll-projection.js';
import type { StoreTx } from '../store/store.js';

/** How many recent public rolls a snapshot carries (the contract allows 50). */
export const RECENT_ROLLS = 20;

export async function buildOverlayState(
  tx: StoreTx,
  connectionId: string,
  online: boolean,
): Promise<OverlayStatePayload | null> {
  const connection = await tx.getConnection(connectionId);
  if (!connection) return null;
  const { characters, combat } = await readGameState(tx, connectionId);
  const poll = await tx.latestShownPoll(connectionId);
  const rolls = await tx.listRecentDiceRolls(connectionId, RECENT_ROLLS, 'public');
  const recentRolls = rolls
    .map(publicRoll)
    .filter((roll): roll is OverlayRoll => roll !== null)
    .reverse();
  return {
    seq: connection.lastSeq,
    // Null until the module synced once (the world's system is only known then).
    world:
      connection.systemId === null
        ? null
        : { name: connection.worldName, system: connection.systemId, online: online && connection.revokedAt === null },
    characters: characters.map(publicCharacter),
    combat: combat ? publicCombat(combat.combatId, combat) : null,
    poll: poll ? publicPoll(poll, await tx.countVotes(poll.id)) : null,
    recentRolls,
  };
}
