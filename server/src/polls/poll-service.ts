// Audience polls: created as drafts in the dashboard, started (the VTT module posts `poll:start` in its chat,
// overlays show it), voted on by viewers (one vote each), closed at `endsAt` by a timer that survives restarts
// (`endsAt` is in the database and every node sweeps for overdue polls) or early by the streamer. The close is
// a race-free state transition, so exactly one node announces `poll:end`.
import {
  OVERLAY_EVENTS,
  type Poll,
  type PollCreateRequest,
  type PollList,
  ProtocolError,
  type PublicPollView,
  type VoteAccepted,
} from '@tumulte/schemas';
import { ulid } from 'ulid';
import type { ConnectionService } from '../connections/connection-service.js';
import type { Logger } from '../logger.js';
import { toJson } from '../store/json.js';
import type { AccountRow, OverlayEventRow, PollEndReason, PollRow, Store, StoreTx } from '../store/store.js';
import {
  pollBody,
  pollEndPayload,
  pollOptions,
  pollStartPayload,
  publicPoll,
  type VoteCounts,
  winnersOf,
} from './poll-projection.js';

/** Where poll news goes once committed. */
export interface PollAnnouncer {
  readonly moduleStart: (connectionId: string, payload: ReturnType<typeof pollStartPayload>) => void;
  readonly moduleEnd: (connectionId: string, payload: ReturnType<typeof pollEndPayload>) => void;
  readonly overlays: (connectionId: string, rows: readonly OverlayEventRow[]) => void;
}

export interface PollServiceOptions {
  /** How often this node looks for overdue running polls (default 5 s). */
  readonly sweepIntervalMs: number;
  /** Live results are sent at most this often per poll (default 200 ms). */
  readonly updateIntervalMs?: number;
  readonly now?: () => number;
}

const OPTION_IDS = 'abcdefghij';

export class PollService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pendingUpdates = new Map<string, NodeJS.Timeout>();
  private sweeper: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly connections: ConnectionService,
    private readonly announce: PollAnnouncer,
    private readonly logger: Logger,
    private readonly options: PollServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  // ----- dashboard ----------------------------------------------------------------------------------------

  async create(account: AccountRow, request: PollCreateRequest): Promise<Poll> {
    const connection = await this.connections.owned(account, request.connectionId);
    if (connection.revokedAt !== null) throw new ProtocolError('CONFLICT', 'This VTT connection was revoked.');
    const now = this.now();
    const row: PollRow = {
      id: ulid(now),
      accountId: account.id,
      connectionId: connection.id,
      question: request.question,
      options: toJson(request.options.map((label, index) => ({ id: OPTION_IDS[index] ?? String(index), label }))),
      status: 'draft',
      durationSeconds: request.durationSeconds,
      createdAt: now,
      startedAt: null,
      endsAt: null,
      endedAt: null,
      endReason: null,
      winners: null,
    };
    await this.store.transaction((tx) => tx.insertPoll(row));
    return pollBody(row, {});
  }

  async list(account: AccountRow): Promise<PollList> {
    return this.store.transaction(async (tx) => {
      const rows = await tx.listPolls(account.id);
      const polls: Poll[] = [];
      for (const row of rows) polls.push(pollBody(row, await tx.countVotes(row.id)));
      return { polls };
    });
  }

  async start(account: AccountRow, pollId: string): Promise<Poll> {
    const now = this.now();
    const { row, overlay } = await this.store.transaction(async (tx) => {
      const poll = await this.owned(tx, account, pollId);
      if (poll.status !== 'draft') throw new ProtocolError('CONFLICT', 'This poll was already started.');
      const connection = await tx.lockConnection(poll.connectionId);
      if (!connection || connection.revokedAt !== null) {
        throw new ProtocolError('CONFLICT', 'The VTT connection of this poll was revoked.');
      }
      if ((await tx.latestShownPoll(poll.connectionId))?.status === 'running') {
        throw new ProtocolError('CONFLICT', 'Another poll is running for this world; end it first.');
      }
      const change = { status: 'running' as const, startedAt: now, endsAt: now + poll.durationSeconds * 1000 };
      if (!(await tx.transitionPoll(poll.id, 'draft', change))) {
        throw new ProtocolError('CONFLICT', 'This poll was already started.');
      }
      const started = { ...poll, ...change };
      return { row: started, overlay: await this.logOverlay(tx, started, {}, OVERLAY_EVENTS.pollStart) };
    });
    this.announce.moduleStart(row.connectionId, pollStartPayload(row));
    this.announce.overlays(row.connectionId, [overlay]);
    this.schedule(row);
    return pollBody(row, {});
  }

  async end(account: AccountRow, pollId: string): Promise<Poll> {
    const poll = await this.store.transaction((tx) => this.owned(tx, account, pollId));
    if (poll.status !== 'running') throw new ProtocolError('POLL_CLOSED', 'This poll is not running.');
    const closed = await this.close(pollId, 'manual');
    if (!closed) throw new ProtocolError('POLL_CLOSED', 'This poll is not running.');
    return pollBody(closed.row, closed.counts);
  }

  // ----- viewers ------------------------------------------------------------------------------------------

  async publicView(pollId: string, viewerId: string | null): Promise<PublicPollView> {
    return this.store.transaction(async (tx) => {
      const poll = await tx.getPoll(pollId);
      if (!poll || poll.status === 'draft') throw new ProtocolError('NOT_FOUND', 'No such poll.');
      const vote = viewerId ? await tx.getVote(pollId, viewerId) : null;
      return { poll: publicPoll(poll, await tx.countVotes(pollId)), votedOptionId: vote?.optionId ?? null };
    });
  }

  async vote(pollId: string, viewerId: string, optionId: string): Promise<VoteAccepted> {
    const now = this.now();
    const accepted = await this.store.transaction(async (tx) => {
      const poll = await tx.getPoll(pollId);
      if (!poll || poll.status === 'draft') throw new ProtocolError('NOT_FOUND', 'No such poll.');
      if (poll.status !== 'running' || (poll.endsAt !== null && now >= poll.endsAt)) {
        throw new ProtocolError('POLL_CLOSED', 'This poll is closed.');
      }
      if (!pollOptions(poll).some((option) => option.id === optionId)) {
        throw new ProtocolError('VALIDATION', `This poll has no option "${optionId}".`, {
          issues: [{ path: ['optionId'], message: 'Unknown option' }],
        });
      }
      if (!(await tx.insertVote({ pollId, viewerId, optionId, createdAt: now }))) {
        throw new ProtocolError('ALREADY_VOTED', 'You already voted in this poll.');
      }
      return { poll: publicPoll(poll, await tx.countVotes(pollId)), votedOptionId: optionId };
    });
    this.scheduleUpdate(pollId);
    return accepted;
  }

  // ----- timers -------------------------------------------------------------------------------------------

  /** Schedules the running polls (after a restart) and starts the sweep for overdue ones. */
  async resume(): Promise<void> {
    await this.sweep();
    this.sweeper ??= setInterval(() => {
      this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'poll sweep failed'));
    }, this.options.sweepIntervalMs);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const timer of [...this.timers.values(), ...this.pendingUpdates.values()]) clearTimeout(timer);
    this.timers.clear();
    this.pendingUpdates.clear();
  }

  /** Schedules every running poll this node does not know yet; closes the overdue ones at once. */
  private async sweep(): Promise<void> {
    const running = await this.store.transaction((tx) => tx.listRunningPolls());
    const now = this.now();
    for (const poll of running) {
      if (poll.endsAt !== null && poll.endsAt <= now) await this.close(poll.id, 'timer');
      else this.schedule(poll);
    }
  }

  private schedule(poll: PollRow): void {
    if (this.timers.has(poll.id) || poll.endsAt === null) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(poll.id);
        this.close(poll.id, 'timer').catch((error: unknown) => {
          this.logger.error({ err: error, pollId: poll.id }, 'could not close a poll');
        });
      },
      Math.max(0, poll.endsAt - this.now()),
    );
    this.timers.set(poll.id, timer);
  }

  /** Closes a running poll; null when it was not running (another node or request closed it first). */
  private async close(pollId: string, reason: PollEndReason): Promise<{ row: PollRow; counts: VoteCounts } | null> {
    const now = this.now();
    const closed = await this.store.transaction(async (tx) => {
      const poll = await tx.getPoll(pollId);
      if (poll?.status !== 'running') return null;
      await tx.lockConnection(poll.connectionId);
      const counts = await tx.countVotes(pollId);
      const change = {
        status: 'closed' as const,
        endedAt: now,
        endReason: reason,
        winners: toJson(winnersOf(pollOptions(poll), counts)),
      };
      if (!(await tx.transitionPoll(pollId, 'running', change))) return null;
      const row = { ...poll, ...change };
      return { row, counts, overlay: await this.logOverlay(tx, row, counts, OVERLAY_EVENTS.pollEnd) };
    });
    clearTimeout(this.timers.get(pollId));
    this.timers.delete(pollId);
    clearTimeout(this.pendingUpdates.get(pollId));
    this.pendingUpdates.delete(pollId);
    if (!closed) return null;
    this.logger.info({ pollId, reason }, 'poll closed');
    this.announce.moduleEnd(closed.row.connectionId, pollEndPayload(closed.row, closed.counts));
    this.announce.overlays(closed.row.connectionId, [closed.overlay]);
    return closed;
  }

  /** Live results: at most one `poll:update` per poll and interval, with the counts at that moment. */
  private scheduleUpdate(pollId: string): void {
    if (this.pendingUpdates.has(pollId)) return;
    const timer = setTimeout(() => {
      this.pendingUpdates.delete(pollId);
      this.store
        .transaction(async (tx) => {
          const poll = await tx.getPoll(pollId);
          if (poll?.status !== 'running') return null;
          await tx.lockConnection(poll.connectionId);
          return this.logOverlay(tx, poll, await tx.countVotes(pollId), OVERLAY_EVENTS.pollUpdate);
        })
        .then(
          (row) => {
            if (row) this.announce.overlays(row.connectionId, [row]);
          },
          (error: unknown) => this.logger.warn({ err: error, pollId }, 'could not send live poll results'),
        );
    }, this.options.updateIntervalMs ?? 200);
    this.pendingUpdates.set(pollId, timer);
  }

  private async owned(tx: StoreTx, account: AccountRow, pollId: string): Promise<PollRow> {
    const poll = await tx.getPoll(pollId);
    if (!poll || poll.accountId !== account.id) throw new ProtocolError('NOT_FOUND', 'No such poll.');
    return poll;
  }

  /** Gives the poll's news the world's next seq and appends it to the overlay log. */
  private async logOverlay(
    tx: StoreTx,
    poll: PollRow,
    counts: VoteCounts,
    event: typeof OVERLAY_EVENTS.pollStart | typeof OVERLAY_EVENTS.pollUpdate | typeof OVERLAY_EVENTS.pollEnd,
  ): Promise<OverlayEventRow> {
    const seq = await tx.nextSeq(poll.connectionId);
    const row: OverlayEventRow = {
      connectionId: poll.connectionId,
      seq,
      event,
      payload: toJson({ seq, poll: publicPoll(poll, counts) }),
      createdAt: this.now(),
    };
    await tx.appendOverlayEvent(row);
    return row;
  }
}
