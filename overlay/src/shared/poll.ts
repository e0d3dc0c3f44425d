import type { PublicPoll } from '@tumulte/schemas';

export interface PollRow {
  readonly id: string;
  readonly label: string;
  readonly votes: number;
  /** Share of the votes, 0–100 (0 when nobody voted). */
  readonly pct: number;
  /** A winner of a closed poll (several on a tie). */
  readonly isWinner: boolean;
  /** Has the most votes of a running poll (several when level). */
  readonly isLeading: boolean;
}

export type PollOutcome =
  | { readonly kind: 'draft' }
  | { readonly kind: 'running' }
  | { readonly kind: 'noVotes' }
  | { readonly kind: 'winner'; readonly labels: readonly string[] }
  | { readonly kind: 'tie'; readonly labels: readonly string[] };

type PollLike = Pick<PublicPoll, 'options' | 'status' | 'totalVotes' | 'winners'>;

const totalOf = (poll: PollLike) =>
  Math.max(
    poll.totalVotes,
    poll.options.reduce((sum, option) => sum + option.votes, 0),
  );

export function pollRows(poll: PollLike): PollRow[] {
  const total = totalOf(poll);
  const top = Math.max(...poll.options.map((option) => option.votes));
  const winners = new Set(poll.status === 'closed' ? poll.winners : []);
  return poll.options.map((option) => ({
    id: option.id,
    label: option.label,
    votes: option.votes,
    pct: total > 0 ? (option.votes / total) * 100 : 0,
    isWinner: winners.has(option.id),
    isLeading: poll.status === 'running' && top > 0 && option.votes === top,
  }));
}

/** The result of a poll as the server declared it: one winner, a tie, or no votes. */
export function pollOutcome(poll: PollLike): PollOutcome {
  if (poll.status === 'draft') return { kind: 'draft' };
  if (poll.status === 'running') return { kind: 'running' };
  const labels = poll.options.filter((option) => poll.winners.includes(option.id)).map((option) => option.label);
  if (labels.length === 0) return { kind: 'noVotes' };
  return labels.length === 1 ? { kind: 'winner', labels } : { kind: 'tie', labels };
}

/** Milliseconds left before `endsAt` (never negative), or null when the poll has no end time. */
export function remainingMs(endsAt: number | null, now: number): number | null {
  return endsAt === null ? null : Math.max(0, endsAt - now);
}

/** `m:ss` (or `h:mm:ss`), rounded up so that `0:00` only shows at the very end. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
