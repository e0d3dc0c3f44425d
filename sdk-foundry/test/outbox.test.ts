// The outbox: event ids, bounds, persistence across a reload, superseding, storage full.
import { describe, expect, it, vi } from 'vitest';
import { ackOutcome } from '../src/lib/connection.js';
import { Outbox } from '../src/lib/outbox.js';
import { MemoryStorage } from './sim/runtime.js';

const PREFIX = 'tumulte-integration.w.outbox.';
const roll = (n: number) => ({
  rollId: `m${n}.0`,
  messageId: `m${n}`,
  character: null,
  result: null,
  rollType: 'other' as const,
  critical: { kind: 'none' as const, source: null },
  visibility: 'gm' as const,
  flavor: null,
});

function outbox(storage = new MemoryStorage(), options: ConstructorParameters<typeof Outbox>[4] = {}) {
  return new Outbox(storage, PREFIX, 'world-1', () => 1_764_064_800_000, options);
}

describe('outbox', () => {
  it('gives every event a ULID, the world id and a timestamp, validated against the contract', () => {
    const box = outbox();
    const entry = box.enqueue('dice:roll', roll(1), { timestamp: 42 });
    expect(entry?.payload).toMatchObject({ worldId: 'world-1', timestamp: 42, rollId: 'm1.0' });
    expect(entry?.eventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(entry?.payload.eventId).toBe(entry?.eventId);
  });

  it('refuses a payload the contract refuses (it would never be accepted)', () => {
    const onDrop = vi.fn();
    const box = outbox(new MemoryStorage(), { onDrop });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(box.enqueue('dice:roll', { ...roll(1), visibility: 'everyone' as never })).toBeNull();
    expect(box.size).toBe(0);
    expect(onDrop).toHaveBeenCalledWith(1, 'invalid');
  });

  it('keeps order and survives a reload (a new Outbox on the same storage)', () => {
    const storage = new MemoryStorage();
    const box = outbox(storage);
    for (let n = 0; n < 50; n += 1) box.enqueue('dice:roll', roll(n));
    const ids = box.list().map((e) => e.eventId);
    expect([...ids].sort()).toEqual(ids);
    box.remove(ids[0] as string);
    const reloaded = outbox(storage);
    expect(reloaded.list().map((e) => e.payload)).toEqual(box.list().map((e) => e.payload));
    expect(reloaded.list().map((e) => (e.payload as { rollId: string }).rollId)[0]).toBe('m1.0');
  });

  it('is bounded: past the limit the oldest event is dropped with a warning', () => {
    const onDrop = vi.fn();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const box = outbox(new MemoryStorage(), { maxEvents: 5, onDrop });
    for (let n = 0; n < 7; n += 1) box.enqueue('dice:roll', roll(n));
    expect(box.list().map((e) => (e.payload as { rollId: string }).rollId)).toEqual([
      'm2.0',
      'm3.0',
      'm4.0',
      'm5.0',
      'm6.0',
    ]);
    expect(onDrop).toHaveBeenCalledWith(1, 'full');
    expect(warn).toHaveBeenCalled();
  });

  it('a newer full-state event replaces an unsent older one, but not one being sent', () => {
    const box = outbox();
    const character = (hp: number) => ({
      character: {
        vttCharacterId: 'a1',
        name: 'A',
        avatarUrl: null,
        characterType: 'pc' as const,
        stats: { hp: { current: hp, max: 10, temp: 0 }, ac: null, abilities: {}, level: null, classes: [] },
        inventory: [],
        metadata: { system: 'dnd5e', systemVersion: '5.3.3' },
      },
    });
    const first = box.enqueue('character:update', character(9), { supersedes: 'character:a1' });
    box.enqueue('dice:roll', roll(1));
    box.enqueue('character:update', character(8), { supersedes: 'character:a1' });
    expect(box.list().map((e) => e.event)).toEqual(['dice:roll', 'character:update']);
    expect(box.list()[1]?.eventId).not.toBe(first?.eventId);
    box.markInFlight(box.list()[1]?.eventId as string, true);
    box.enqueue('character:update', character(7), { supersedes: 'character:a1' });
    expect(box.size).toBe(3);
  });

  it('when the browser storage is full, drops the oldest to make room', () => {
    const storage = new MemoryStorage();
    const box = outbox(storage);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    box.enqueue('dice:roll', roll(1));
    box.enqueue('dice:roll', roll(2));
    storage.quota = (storage.getItem(storage.key(0) as string)?.length ?? 0) * 2 + 200;
    box.enqueue('dice:roll', roll(3));
    expect(box.list().map((e) => (e.payload as { rollId: string }).rollId)).toEqual(['m2.0', 'm3.0']);
    expect(outbox(storage).size).toBe(2);
  });

  it('ack outcomes: ok and duplicate delivered, VALIDATION dropped, anything else retried', () => {
    expect(ackOutcome({ ok: true })).toBe('delivered');
    expect(ackOutcome({ ok: true, duplicate: true })).toBe('delivered');
    expect(ackOutcome({ ok: false, error: { code: 'VALIDATION', message: '' } })).toBe('dropped');
    expect(ackOutcome({ ok: false, error: { code: 'RATE_LIMITED', message: '' } })).toBe('retry');
    expect(ackOutcome({ ok: false, error: { code: 'STORAGE_UNAVAILABLE', message: '' } })).toBe('retry');
    expect(ackOutcome(undefined)).toBe('retry');
  });
});
