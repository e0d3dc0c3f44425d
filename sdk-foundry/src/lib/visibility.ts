import type { RollVisibility } from '@tumulte/schemas';
import { get, isRecord, refId } from './data.js';

/** The author's id: v12+ `author`, before v12 `user` (a live User or an id in source data). */
export function messageAuthorId(message: Foundry.ChatMessage): string | null {
  return refId(message.author) ?? refId(message.user);
}

function rollMode(rolls: readonly unknown[] | undefined): string | null {
  for (const roll of rolls ?? []) {
    let data: unknown = roll;
    if (typeof roll === 'string') {
      try {
        data = JSON.parse(roll);
      } catch {
        continue;
      }
    }
    const mode = isRecord(data) ? get(data, 'options.rollMode') : undefined;
    if (typeof mode === 'string') return mode;
  }
  return null;
}

/**
 * Who could see a chat message, from the data `applyRollMode` writes (foundry-api.md §1.3): `blind` → blind;
 * no whisper → public; a whisper to the author alone → self; any other whisper → gm.
 * One ambiguity: a GM's private GM roll in a world with a single GM is also a whisper to the author alone; the
 * roll's own `options.rollMode` (dnd5e and most systems store it) tells them apart.
 */
export function classifyVisibility(message: Foundry.ChatMessage): RollVisibility {
  if (message.blind) return 'blind';
  const whisper = (message.whisper ?? []).map((entry) => refId(entry)).filter((id): id is string => id !== null);
  if (whisper.length === 0) return 'public';
  const author = messageAuthorId(message);
  if (whisper.length === 1 && whisper[0] === author) {
    const mode = rollMode(message.rolls);
    if (mode === 'gmroll') return 'gm';
    if (mode === 'blindroll') return 'blind';
    return 'self';
  }
  return 'gm';
}

/** What the module does with a roll of each visibility (settings `gmRolls` and `hiddenRolls`). */
export type RollPolicy = 'full' | 'redacted' | 'skip';

export interface PrivacyPolicy {
  readonly gm: RollPolicy;
  /** Blind and self rolls. */
  readonly hidden: Exclude<RollPolicy, 'full'>;
}

/** DESIGN §4: blind and self rolls are not sent, GM rolls are sent redacted. */
export const DEFAULT_PRIVACY: PrivacyPolicy = { gm: 'redacted', hidden: 'skip' };

export function policyFor(visibility: RollVisibility, privacy: PrivacyPolicy): RollPolicy {
  switch (visibility) {
    case 'public':
      return 'full';
    case 'gm':
      return privacy.gm;
    default:
      return privacy.hidden;
  }
}
