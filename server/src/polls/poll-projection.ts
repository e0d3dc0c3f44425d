// A stored poll as each audience sees it: the streamer (Poll), overlays and viewers (PublicPoll), the VTT module
// (poll:start / poll:end payloads).
import type { Poll, PollEndPayload, PollStartPayload, PublicPoll } from '@tumulte/schemas';
import { fromJson } from '../store/json.js';
import type { PollRow } from '../store/store.js';

export interface PollOptionDef {
  readonly id: string;
  readonly label: string;
}

export type VoteCounts = Readonly<Record<string, number>>;

export const pollOptions = (row: PollRow): PollOptionDef[] => fromJson<PollOptionDef[]>(row.options);

/** The options with the most votes: several on a tie, none when nobody voted. */
export function winnersOf(options: readonly PollOptionDef[], counts: VoteCounts): string[] {
  const best = Math.max(0, ...options.map((option) => counts[option.id] ?? 0));
  return best === 0 ? [] : options.filter((option) => (counts[option.id] ?? 0) === best).map((option) => option.id);
}

const totalOf = (counts: VoteCounts) => Object.values(counts).reduce((sum, votes) => sum + votes, 0);

function winners(row: PollRow, counts: VoteCounts): string[] {
  if (row.status !== 'closed') return [];
  return row.winners === null ? winnersOf(pollOptions(row), counts) : fromJson<string[]>(row.winners);
}

export function publicPoll(row: PollRow, counts: VoteCounts): PublicPoll {
  return {
    pollId: row.id,
    question: row.question,
    options: pollOptions(row).map((option) => ({ ...option, votes: counts[option.id] ?? 0 })),
    status: row.status,
    startedAt: row.startedAt,
    endsAt: row.endsAt,
    totalVotes: totalOf(counts),
    winners: winners(row, counts),
  };
}

export function pollBody(row: PollRow, counts: VoteCounts): Poll {
  return {
    pollId: row.id,
    connectionId: row.connectionId,
    question: row.question,
    options: pollOptions(row).map((option) => ({ ...option, votes: counts[option.id] ?? 0 })),
    status: row.status,
    durationSeconds: row.durationSeconds,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endsAt: row.endsAt,
    endedAt: row.endedAt,
    totalVotes: totalOf(counts),
    winners: winners(row, counts),
  };
}

export function pollStartPayload(row: PollRow): PollStartPayload {
  return {
    pollId: row.id,
    question: row.question,
    options: pollOptions(row),
    startedAt: row.startedAt ?? row.createdAt,
    endsAt: row.endsAt ?? row.createdAt,
  };
}

export function pollEndPayload(row: PollRow, counts: VoteCounts): PollEndPayload {
  return {
    pollId: row.id,
    question: row.question,
    results: pollOptions(row).map((option) => ({
      optionId: option.id,
      label: option.label,
      votes: counts[option.id] ?? 0,
    })),
    totalVotes: totalOf(counts),
    winners: winners(row, counts),
    endedAt: row.endedAt ?? Date.now(),
    reason: row.endReason ?? 'manual',
  };
}
