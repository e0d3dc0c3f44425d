import { findEvent, type VttInboundEventName, type VttInboundPayloads } from '@tumulte/schemas';
import { monotonicFactory } from 'ulid';
import { log } from './log.js';

/** One queued module→server event. */
export interface OutboxEntry<E extends VttInboundEventName = VttInboundEventName> {
  readonly eventId: string;
  readonly event: E;
  readonly payload: VttInboundPayloads[E];
  /** A newer event with the same key replaces an older one that was not sent yet (full-state events only). */
  readonly supersedes?: string;
}

/** The fields the outbox fills in: the idempotency key, the world and when it happened. */
export type EventBody<E extends VttInboundEventName> = Omit<VttInboundPayloads[E], 'eventId' | 'worldId' | 'timestamp'>;

export interface OutboxOptions {
  /** Past this many queued events the oldest is dropped (with a warning). */
  readonly maxEvents?: number;
  /** Called when events are dropped because the outbox is full or the browser storage is. */
  readonly onDrop?: (dropped: number, reason: 'full' | 'quota' | 'invalid') => void;
  /** Called whenever the number of queued events changes. */
  readonly onChange?: (size: number) => void;
}

export const DEFAULT_OUTBOX_MAX_EVENTS = 1_000;

/**
 * Events waiting for the server's acknowledgement, persisted in localStorage one key per event
 * (`<prefix><eventId>`). The event id is a monotonic ULID, so sorting the keys gives the order they were made;
 * a reload reads them back in order. Removed only when acknowledged (or dropped: see the flusher).
 */
export class Outbox {
  private readonly entries: OutboxEntry[] = [];
  private readonly inFlight = new Set<string>();
  private readonly newId = monotonicFactory();
  private readonly maxEvents: number;

  constructor(
    private readonly storage: Storage,
    private readonly prefix: string,
    private readonly worldId: string,
    private readonly now: () => number,
    private readonly options: OutboxOptions = {},
  ) {
    this.maxEvents = options.maxEvents ?? DEFAULT_OUTBOX_MAX_EVENTS;
    this.load();
  }

  get size(): number {
    return this.entries.length;
  }

  /** Queued entries, oldest first. */
  list(): readonly OutboxEntry[] {
    return this.entries;
  }

  /** The next `count` entries that are not being sent. */
  nextBatch(count: number): OutboxEntry[] {
    return this.entries.filter((entry) => !this.inFlight.has(entry.eventId)).slice(0, count);
  }

  markInFlight(eventId: string, inFlight: boolean): void {
    if (inFlight) this.inFlight.add(eventId);
    else this.inFlight.delete(eventId);
  }

  /**
   * Makes an event (eventId, worldId, timestamp), validates it against the contract and queues it.
   * Returns the entry, or null when the payload is invalid (a bug: it is logged and never sent).
   */
  enqueue<E extends VttInboundEventName>(
    event: E,
    body: EventBody<E>,
    options: { supersedes?: string; timestamp?: number } = {},
  ): OutboxEntry<E> | null {
    const timestamp = options.timestamp ?? this.now();
    // Seeded with the enqueue time (not the event's), so ids sort in queue order even for older events.
    const eventId = this.newId(this.now());
    const payload = { ...body, eventId, worldId: this.worldId, timestamp } as unknown as VttInboundPayloads[E];
    const definition = findEvent('vtt', event);
    const parsed = definition?.payload.safeParse(payload);
    if (!parsed?.success) {
      log.error(`dropping an invalid ${event} event`, parsed?.error?.issues ?? 'unknown event', payload);
      this.options.onDrop?.(1, 'invalid');
      return null;
    }
    const entry: OutboxEntry<E> = options.supersedes
      ? { eventId, event, payload, supersedes: options.supersedes }
      : { eventId, event, payload };
    if (options.supersedes) this.dropSuperseded(options.supersedes);
    this.entries.push(entry as OutboxEntry);
    this.persist(entry as OutboxEntry);
    this.enforceBound();
    this.options.onChange?.(this.entries.length);
    return entry;
  }

  /** Removes an acknowledged (or dropped) event. */
  remove(eventId: string): void {
    const index = this.entries.findIndex((entry) => entry.eventId === eventId);
    this.inFlight.delete(eventId);
    if (index < 0) return;
    this.entries.splice(index, 1);
    this.storage.removeItem(this.prefix + eventId);
    this.options.onChange?.(this.entries.length);
  }

  /** Forgets everything (revocation). */
  clear(): void {
    for (const entry of this.entries) this.storage.removeItem(this.prefix + entry.eventId);
    this.entries.length = 0;
    this.inFlight.clear();
    this.options.onChange?.(0);
  }

  private dropSuperseded(key: string): void {
    for (const entry of [...this.entries]) {
      if (entry.supersedes === key && !this.inFlight.has(entry.eventId)) this.remove(entry.eventId);
    }
  }

  private enforceBound(): void {
    let dropped = 0;
    while (this.entries.length > this.maxEvents) {
      const oldest = this.entries.find((entry) => !this.inFlight.has(entry.eventId));
      if (!oldest) break;
      this.remove(oldest.eventId);
      dropped += 1;
    }
    if (dropped > 0) {
      log.warn(`outbox full (${this.maxEvents} events): dropped the ${dropped} oldest`);
      this.options.onDrop?.(dropped, 'full');
    }
  }

  private persist(entry: OutboxEntry): void {
    const text = JSON.stringify(entry);
    for (;;) {
      try {
        this.storage.setItem(this.prefix + entry.eventId, text);
        return;
      } catch (error) {
        // Storage full: make room by dropping the oldest queued event; give up on persisting when nothing is left.
        const oldest = this.entries.find((candidate) => candidate !== entry && !this.inFlight.has(candidate.eventId));
        if (!oldest) {
          log.warn('browser storage is full: this event is kept in memory only', error);
          return;
        }
        this.remove(oldest.eventId);
        log.warn('browser storage is full: dropped the oldest queued event');
        this.options.onDrop?.(1, 'quota');
      }
    }
  }

  private load(): void {
    const keys: string[] = [];
    for (let index = 0; index < this.storage.length; index += 1) {
      const key = this.storage.key(index);
      if (key?.startsWith(this.prefix)) keys.push(key);
    }
    keys.sort();
    for (const key of keys) {
      try {
        const entry = JSON.parse(this.storage.getItem(key) ?? 'null') as OutboxEntry | null;
        if (entry && typeof entry.eventId === 'string' && typeof entry.event === 'string') this.entries.push(entry);
        else this.storage.removeItem(key);
      } catch {
        this.storage.removeItem(key);
      }
    }
  }
}
