// Group commit for inbound events: events that arrive while the database is busy (or in the same tick) are
// applied in ONE transaction, each in its own savepoint, so ingest is not one commit per event and a bad event
// never undoes its neighbours. Acknowledgements are given only after the commit.
import { type EventAck, ProtocolError } from '@tumulte/schemas';
import { type AppliedEvent, applyInboundEvent, type InboundEvent } from '../game/apply-event.js';
import { isStorageUnavailable } from './storage-errors.js';
import type { OverlayEventRow, Store } from './store.js';

export interface WriteBatcherOptions {
  /** The most events in one transaction (default 256). */
  readonly maxBatch?: number;
  /** Called after the commit for every event that produced overlay events. */
  readonly onCommitted?: (connectionId: string, overlayEvents: readonly OverlayEventRow[]) => void;
  /** Called for an unexpected error (the event is answered INTERNAL or STORAGE_UNAVAILABLE). */
  readonly onError?: (error: unknown) => void;
  /** Called after every commit with the batch size (metrics). */
  readonly onBatch?: (size: number) => void;
  readonly now?: () => number;
}

interface Pending {
  readonly connectionId: string;
  readonly event: InboundEvent;
  readonly receivedAt: number;
  readonly resolve: (ack: EventAck) => void;
}

type Outcome = { readonly applied: AppliedEvent } | { readonly error: unknown };

const failure = (error: ProtocolError): EventAck => ({ ok: false, error: error.toErrorInfo() });

export class WriteBatcher {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly options: WriteBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.now = options.now ?? Date.now;
  }

  /** Queues an event; resolves with its acknowledgement once committed (never rejects). */
  submit(connectionId: string, event: InboundEvent): Promise<EventAck> {
    return new Promise((resolve) => {
      this.queue.push({ connectionId, event, receivedAt: this.now(), resolve });
      this.schedule();
    });
  }

  /** Resolves when everything queued so far is committed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing || this.scheduled) {
      if (this.flushing) await this.flushing;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // Let the events of this tick join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flushLoop().finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      await this.flush(batch);
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    // One connection's events keep their order; connections are locked in a fixed order (no deadlocks).
    const ordered = batch
      .map((pending, index) => ({ pending, index }))
      .sort((a, b) =>
        a.pending.connectionId === b.pending.connectionId
          ? a.index - b.index
          : a.pending.connectionId < b.pending.connectionId
            ? -1
            : 1,
      )
      .map(({ pending }) => pending);
    let outcomes: Outcome[];
    try {
      outcomes = await this.store.transaction(async (tx) => {
        const results: Outcome[] = [];
        for (const pending of ordered) {
          try {
            const applied = await tx.savepoint((sp) =>
              applyInboundEvent(sp, pending.connectionId, pending.event, pending.receivedAt),
            );
            results.push({ applied });
          } catch (error) {
            // The storage itself failing dooms the whole transaction: let it roll back.
            if (isStorageUnavailable(error)) throw error;
            results.push({ error });
          }
        }
        return results;
      });
    } catch (error) {
      const refusal = isStorageUnavailable(error)
        ? new ProtocolError('STORAGE_UNAVAILABLE', 'The database is unreachable; nothing was stored. Retry later.')
        : new ProtocolError('INTERNAL', 'The server could not store this event; nothing was stored. Retry later.');
      this.options.onError?.(error);
      for (const pending of ordered) pending.resolve(failure(refusal));
      if (refusal.code === 'STORAGE_UNAVAILABLE') {
        // Events of these connections queued meanwhile must not be stored before the refused ones, which the
        // module sends again first (in order): refuse them too, they come back behind.
        const failed = new Set(ordered.map((pending) => pending.connectionId));
        const behind = this.queue.filter((pending) => failed.has(pending.connectionId));
        this.queue = this.queue.filter((pending) => !failed.has(pending.connectionId));
        for (const pending of behind) pending.resolve(failure(refusal));
      }
      return;
    }
    this.options.onBatch?.(ordered.length);
    ordered.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome && 'applied' in outcome) {
        pending.resolve(outcome.applied.ack);
        if (outcome.applied.overlayEvents.length > 0) {
          this.options.onCommitted?.(pending.connectionId, outcome.applied.overlayEvents);
        }
        return;
      }
      const error = outcome?.error;
      if (error instanceof ProtocolError) {
        pending.resolve(failure(error));
        return;
      }
      this.options.onError?.(error);
      pending.resolve(
        failure(
          new ProtocolError('INTERNAL', 'The server could not store this event; nothing was stored. Retry later.'),
        ),
      );
    });
  }
}
