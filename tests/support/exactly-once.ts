// The checks every fault and scale-out test ends with: on the wire, in the database, on the overlay.
import { expect } from 'vitest';
import { type FoundryGm, until } from './foundry-gm.js';
import { expectedOverlay, readStoredWorld, shownBy } from './game-state.js';
import type { OverlayViewer } from './overlay-viewer.js';

export interface WireSummary {
  readonly emits: number;
  /** Emits answered `{ok: true, duplicate: true}`: the server already had the event. */
  readonly duplicates: number;
  /** Emits that got no answer (the connection died, or the answer timed out): sent again later. */
  readonly lost: number;
  /** Emits answered `{ok: false}`, by error code. */
  readonly refused: Record<string, number>;
  /** Event ids the server acknowledged (`ok: true`). */
  readonly delivered: string[];
}

export function wireSummary(gm: FoundryGm): WireSummary {
  const refused: Record<string, number> = {};
  for (const send of gm.sends) {
    if (send.ack && !send.ack.ok) refused[send.ack.error.code] = (refused[send.ack.error.code] ?? 0) + 1;
  }
  return {
    emits: gm.sends.length,
    duplicates: gm.sends.filter((send) => send.ack?.ok && send.ack.duplicate).length,
    lost: gm.sends.filter((send) => send.error !== null).length,
    refused,
    delivered: [...new Set(gm.sends.filter((send) => send.ack?.ok).map((send) => send.eventId))],
  };
}

/** Waits until the module has nothing left to send and is connected. */
export async function expectDrained(gm: FoundryGm): Promise<void> {
  await until(() => {
    expect(gm.outboxSize).toBe(0);
    expect(gm.state).toBe('connected');
  }, 120_000);
}

/**
 * On the wire: no event refused for good (VALIDATION, PAYLOAD_TOO_LARGE: the module would drop it), no event
 * acknowledged as newly stored twice, every event that no later event replaces (rolls, combat) acknowledged.
 */
export function expectWireExactlyOnce(gm: FoundryGm): WireSummary {
  const summary = wireSummary(gm);
  expect(summary.refused.VALIDATION ?? 0).toBe(0);
  expect(summary.refused.PAYLOAD_TOO_LARGE ?? 0).toBe(0);
  const fresh = new Map<string, number>();
  for (const send of gm.sends) {
    if (send.ack?.ok && !send.ack.duplicate) fresh.set(send.eventId, (fresh.get(send.eventId) ?? 0) + 1);
  }
  expect([...fresh].filter(([, count]) => count > 1)).toEqual([]);
  const delivered = new Set(summary.delivered);
  expect(gm.queued.filter((q) => q.supersedes === null && !delivered.has(q.eventId))).toEqual([]);
  return summary;
}

/** The overlay shows exactly the module's characters, combat and latest rolls (waits for it). */
export async function expectOverlayEqualsModule(viewer: OverlayViewer, gm: FoundryGm): Promise<void> {
  const expected = expectedOverlay(gm.moduleState(), gm.rollIds);
  await until(() => expect(shownBy(viewer)).toEqual(expected));
  // No roll reached the overlay under two seqs (stored twice).
  expect([...viewer.rollSeqs].filter(([, seqs]) => seqs.size > 1)).toEqual([]);
}

/**
 * In the database of a stopped server: every acknowledged event is in the idempotency record, every roll is
 * stored once in the order it was made, and the overlay log has each roll once under strictly increasing seqs.
 */
export async function expectStoredExactlyOnce(
  gm: FoundryGm,
  where: { dataDir: string } | { databaseUrl: string },
  connectionId: string,
): Promise<void> {
  const stored = await readStoredWorld(where, connectionId, wireSummary(gm).delivered);
  expect(stored.missingEventIds).toEqual([]);
  expect(stored.rollIds).toEqual(gm.rollIds);
  expect(stored.overlayRollIds).toEqual(gm.rollIds);
  expect(stored.overlaySeqs).toEqual([...new Set(stored.overlaySeqs)].sort((a, b) => a - b));
}

export const describeWire = (summary: WireSummary) =>
  `${summary.emits} emits, ${summary.duplicates} answered as duplicates, ${summary.lost} unanswered and sent ` +
  `again, refused: ${JSON.stringify(summary.refused)}`;
