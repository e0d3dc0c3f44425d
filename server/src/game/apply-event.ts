// Applies one validated module→server event to the stored game state, inside the caller's transaction.
// Rules: every event is idempotent by eventId; characters and combats keep the state with the latest VTT
// timestamp (an older event is acknowledged and changes nothing); dice rolls are appended; an event that
// changes what overlays show gets the world's next sequence number and a row in the overlay log.
import {
  type AckSuccess,
  type CampaignSyncPayload,
  type Character,
  type CharacterDeletePayload,
  type CharacterUpdatePayload,
  type CombatEndPayload,
  type CombatState,
  type CombatStatePayload,
  type DiceRollPayload,
  type InventoryItem,
  type InventoryItemUsedPayload,
  type InventoryUpdatePayload,
  OVERLAY_EVENTS,
  type OverlayOutboundEventName,
  type OverlayOutboundPayloads,
  ProtocolError,
  VTT_EVENTS,
  type VttInboundEventName,
  type VttInboundPayloads,
} from '@tumulte/schemas';
import { fromJson, toJson } from '../store/json.js';
import type { CharacterRow, CombatRow, EventOutcome, OverlayEventRow, StoreTx } from '../store/store.js';
import { judgeCritical } from './critical-verdict.js';
import { publicCharacter, publicCombat, publicRoll } from './overlay-projection.js';

/** A validated inbound event: its name and its payload. */
export type InboundEvent = {
  [E in VttInboundEventName]: { readonly name: E; readonly payload: VttInboundPayloads[E] };
}[VttInboundEventName];

export interface AppliedEvent {
  readonly ack: AckSuccess;
  /** The overlay events it produced (already in the overlay log), for live delivery. */
  readonly overlayEvents: readonly OverlayEventRow[];
}

/** An overlay event to log, built once its sequence number is known. */
type OverlayChange = {
  [E in OverlayOutboundEventName]: {
    readonly event: E;
    readonly build: ((seq: number) => OverlayOutboundPayloads[E]) | null;
  };
}[OverlayOutboundEventName];

interface Change {
  readonly outcome: EventOutcome;
  readonly overlay: OverlayChange | null;
}

interface Context {
  readonly tx: StoreTx;
  readonly connectionId: string;
  readonly receivedAt: number;
}

const STALE: Change = { outcome: 'stale', overlay: null };
const APPLIED_QUIETLY: Change = { outcome: 'applied', overlay: null };

const isOlder = (ts: number, than: number | null) => than !== null && ts < than;

// ----- characters ----------------------------------------------------------------------------------------

type CharacterData = Omit<Character, 'inventory'>;

/** The character as overlays draw it, or null when it is deleted or only its inventory is known. */
export function characterFromRow(row: CharacterRow): Character | null {
  if (row.deletedTs !== null || row.data === null) return null;
  const inventory = row.inventory === null ? [] : fromJson<InventoryItem[]>(row.inventory);
  return { ...fromJson<CharacterData>(row.data), inventory };
}

function emptyCharacter(connectionId: string, vttCharacterId: string): CharacterRow {
  return {
    connectionId,
    vttCharacterId,
    data: null,
    characterTs: null,
    inventory: null,
    inventoryTs: null,
    deletedTs: null,
  };
}

function characterUpdated(row: CharacterRow): Change {
  const character = characterFromRow(row);
  if (!character) return APPLIED_QUIETLY;
  return {
    outcome: 'applied',
    overlay: {
      event: OVERLAY_EVENTS.characterUpdate,
      build: (seq) => ({ seq, character: publicCharacter(character) }),
    },
  };
}

async function upsertCharacter(ctx: Context, character: Character, ts: number): Promise<Change> {
  const row =
    (await ctx.tx.getCharacter(ctx.connectionId, character.vttCharacterId)) ??
    emptyCharacter(ctx.connectionId, character.vttCharacterId);
  if (isOlder(ts, row.characterTs) || isOlder(ts, row.deletedTs)) return STALE;
  const { inventory, ...data } = character;
  // An inventory event newer than this update keeps its items.
  const inventoryIsNewer = isOlder(ts, row.inventoryTs);
  const next: CharacterRow = {
    ...row,
    data: toJson(data),
    characterTs: ts,
    deletedTs: null,
    inventory: inventoryIsNewer ? row.inventory : toJson(inventory),
    inventoryTs: inventoryIsNewer ? row.inventoryTs : ts,
  };
  await ctx.tx.putCharacter(next);
  return characterUpdated(next);
}

async function deleteCharacter(ctx: Context, vttCharacterId: string, ts: number): Promise<Change> {
  const row =
    (await ctx.tx.getCharacter(ctx.connectionId, vttCharacterId)) ?? emptyCharacter(ctx.connectionId, vttCharacterId);
  if (isOlder(ts, row.characterTs) || isOlder(ts, row.inventoryTs)) return STALE;
  if (row.deletedTs !== null && ts <= row.deletedTs) return STALE;
  const wasShown = characterFromRow(row) !== null;
  // The row stays as a tombstone so an older update that arrives late cannot bring the character back.
  await ctx.tx.putCharacter({ ...row, deletedTs: ts });
  if (!wasShown) return APPLIED_QUIETLY;
  return {
    outcome: 'applied',
    overlay: { event: OVERLAY_EVENTS.characterDelete, build: (seq) => ({ seq, vttCharacterId }) },
  };
}

async function replaceInventory(
  ctx: Context,
  vttCharacterId: string,
  ts: number,
  change: (current: InventoryItem[] | null) => InventoryItem[] | null,
): Promise<Change> {
  const row =
    (await ctx.tx.getCharacter(ctx.connectionId, vttCharacterId)) ?? emptyCharacter(ctx.connectionId, vttCharacterId);
  if (isOlder(ts, row.inventoryTs) || isOlder(ts, row.deletedTs)) return STALE;
  const items = change(row.inventory === null ? null : fromJson<InventoryItem[]>(row.inventory));
  if (items === null) return APPLIED_QUIETLY;
  const next: CharacterRow = { ...row, inventory: toJson(items), inventoryTs: ts };
  await ctx.tx.putCharacter(next);
  return characterUpdated(next);
}

// ----- combats -------------------------------------------------------------------------------------------

type StoredCombat = Omit<CombatState, 'combatId'>;

function emptyCombat(connectionId: string, combatId: string): CombatRow {
  return { connectionId, combatId, state: null, stateTs: null, endedTs: null };
}

async function putCombatState(ctx: Context, combat: CombatState, ts: number): Promise<Change> {
  const row =
    (await ctx.tx.getCombat(ctx.connectionId, combat.combatId)) ?? emptyCombat(ctx.connectionId, combat.combatId);
  if (isOlder(ts, row.stateTs) || isOlder(ts, row.endedTs)) return STALE;
  const { combatId, ...state } = combat;
  await ctx.tx.putCombat({ ...row, state: toJson(state), stateTs: ts, endedTs: null });
  return {
    outcome: 'applied',
    overlay: { event: OVERLAY_EVENTS.combatUpdate, build: (seq) => ({ seq, combat: publicCombat(combatId, state) }) },
  };
}

async function endCombat(ctx: Context, combatId: string, ts: number): Promise<Change> {
  const row = (await ctx.tx.getCombat(ctx.connectionId, combatId)) ?? emptyCombat(ctx.connectionId, combatId);
  if (isOlder(ts, row.stateTs)) return STALE;
  if (row.endedTs !== null && ts <= row.endedTs) return STALE;
  const wasActive = row.state !== null && row.endedTs === null;
  await ctx.tx.putCombat({ ...row, endedTs: ts });
  if (!wasActive) return APPLIED_QUIETLY;
  return { outcome: 'applied', overlay: { event: OVERLAY_EVENTS.combatEnd, build: (seq) => ({ seq, combatId }) } };
}

/** The combat overlays show: the active one most recently changed. */
export function activeCombat(rows: readonly CombatRow[]): CombatState | null {
  let latest: CombatRow | null = null;
  for (const row of rows) {
    if (row.state === null || row.endedTs !== null) continue;
    if (!latest || (row.stateTs ?? 0) >= (latest.stateTs ?? 0)) latest = row;
  }
  return latest ? { combatId: latest.combatId, ...fromJson<StoredCombat>(latest.state) } : null;
}

// ----- the events ----------------------------------------------------------------------------------------

async function campaignSync(ctx: Context, payload: CampaignSyncPayload): Promise<Change> {
  const ts = payload.timestamp;
  const { world } = payload;
  await ctx.tx.updateConnectionWorld(ctx.connectionId, {
    worldName: world.name,
    systemId: world.system.id,
    systemVersion: world.system.version,
    vttName: world.vtt.name,
    vttVersion: world.vtt.version,
    moduleVersion: world.moduleVersion,
  });
  // The list replaces the stored one: listed characters are upserted, the others deleted (each by timestamp).
  const listed = new Set<string>();
  for (const character of payload.characters) {
    listed.add(character.vttCharacterId);
    await upsertCharacter(ctx, character, ts);
  }
  for (const row of await ctx.tx.listCharacters(ctx.connectionId)) {
    if (!listed.has(row.vttCharacterId) && row.deletedTs === null) await deleteCharacter(ctx, row.vttCharacterId, ts);
  }
  if (payload.combat) await putCombatState(ctx, payload.combat, ts);
  for (const row of await ctx.tx.listCombats(ctx.connectionId)) {
    if (row.combatId !== payload.combat?.combatId && row.endedTs === null) await endCombat(ctx, row.combatId, ts);
  }
  // Overlays re-read the whole state.
  return { outcome: 'applied', overlay: { event: OVERLAY_EVENTS.overlayState, build: null } };
}

async function diceRoll(ctx: Context, payload: DiceRollPayload, seqFor: () => Promise<number>): Promise<Change> {
  const { verdict, byServer } = judgeCritical(payload);
  const row = {
    connectionId: ctx.connectionId,
    rollId: payload.rollId,
    eventId: payload.eventId,
    messageId: payload.messageId,
    character: toJson(payload.character),
    result: toJson(payload.result),
    rollType: payload.rollType,
    criticalKind: verdict.kind,
    criticalSource: verdict.source,
    criticalByServer: byServer,
    visibility: payload.visibility,
    flavor: payload.flavor,
    timestamp: payload.timestamp,
    receivedAt: ctx.receivedAt,
    seq: null,
  };
  const roll = publicRoll(row);
  if (!roll) {
    await ctx.tx.insertDiceRoll(row);
    return APPLIED_QUIETLY;
  }
  const seq = await seqFor();
  await ctx.tx.insertDiceRoll({ ...row, seq });
  return { outcome: 'applied', overlay: { event: OVERLAY_EVENTS.diceRoll, build: (s) => ({ seq: s, roll }) } };
}

function inventoryUpdate(ctx: Context, payload: InventoryUpdatePayload): Promise<Change> {
  return replaceInventory(ctx, payload.vttCharacterId, payload.timestamp, () => payload.items);
}

function inventoryItemUsed(ctx: Context, payload: InventoryItemUsedPayload): Promise<Change> {
  // Only an inventory the server knows is patched; the event itself stays in the event log.
  return replaceInventory(ctx, payload.vttCharacterId, payload.timestamp, (items) => {
    if (items === null) return null;
    const index = items.findIndex((item) => item.id === payload.item.id);
    return index < 0 ? [...items, payload.item] : items.map((item, i) => (i === index ? payload.item : item));
  });
}

const combatState = (payload: CombatStatePayload): CombatState => ({
  combatId: payload.combatId,
  round: payload.round,
  turn: payload.turn,
  currentCombatant: payload.currentCombatant,
  combatants: payload.combatants,
});

type Appliers = {
  [E in VttInboundEventName]: (
    ctx: Context,
    payload: VttInboundPayloads[E],
    seqFor: () => Promise<number>,
  ) => Promise<Change>;
};

const APPLIERS: Appliers = {
  [VTT_EVENTS.campaignSync]: campaignSync,
  [VTT_EVENTS.diceRoll]: diceRoll,
  [VTT_EVENTS.characterUpdate]: (ctx, p: CharacterUpdatePayload) => upsertCharacter(ctx, p.character, p.timestamp),
  [VTT_EVENTS.characterDelete]: (ctx, p: CharacterDeletePayload) => deleteCharacter(ctx, p.vttCharacterId, p.timestamp),
  [VTT_EVENTS.combatStart]: (ctx, p) => putCombatState(ctx, combatState(p), p.timestamp),
  [VTT_EVENTS.combatUpdate]: (ctx, p) => putCombatState(ctx, combatState(p), p.timestamp),
  [VTT_EVENTS.combatTurn]: (ctx, p) => putCombatState(ctx, combatState(p), p.timestamp),
  [VTT_EVENTS.combatRound]: (ctx, p) => putCombatState(ctx, combatState(p), p.timestamp),
  [VTT_EVENTS.combatEnd]: (ctx, p: CombatEndPayload) => endCombat(ctx, p.combatId, p.timestamp),
  [VTT_EVENTS.inventoryUpdate]: inventoryUpdate,
  [VTT_EVENTS.inventoryItemUsed]: inventoryItemUsed,
};

function duplicateAck(seq: number | null): AppliedEvent {
  return { ack: seq === null ? { ok: true, duplicate: true } : { ok: true, duplicate: true, seq }, overlayEvents: [] };
}

/**
 * Applies `event` for `connectionId`. Throws a ProtocolError (nothing stored) when the connection is unknown or
 * revoked or the event names another world. Call it inside a transaction (or savepoint): it is several writes.
 */
export async function applyInboundEvent(
  tx: StoreTx,
  connectionId: string,
  event: InboundEvent,
  receivedAt: number,
): Promise<AppliedEvent> {
  const connection = await tx.lockConnection(connectionId);
  if (!connection) throw new ProtocolError('NOT_FOUND', 'This VTT connection does not exist.');
  if (connection.revokedAt !== null) throw new ProtocolError('CONNECTION_REVOKED', 'This VTT connection was revoked.');
  const { payload } = event;
  if (payload.worldId !== connection.worldId) {
    throw new ProtocolError(
      'FORBIDDEN',
      `This connection is paired with world "${connection.worldId}", not "${payload.worldId}".`,
    );
  }
  const known = await tx.getInboundEvent(connectionId, payload.eventId);
  if (known) return duplicateAck(known.seq);
  // A roll re-sent under a new eventId is still the same roll.
  if (event.name === VTT_EVENTS.diceRoll) {
    const roll = await tx.getDiceRoll(connectionId, event.payload.rollId);
    if (roll) {
      await tx.insertInboundEvent({
        connectionId,
        eventId: payload.eventId,
        eventName: event.name,
        timestamp: payload.timestamp,
        receivedAt,
        seq: roll.seq,
        outcome: 'stale',
        payload: toJson(payload),
      });
      return duplicateAck(roll.seq);
    }
  }

  let seq: number | null = null;
  const seqFor = async () => {
    seq ??= await tx.nextSeq(connectionId);
    return seq;
  };
  const ctx: Context = { tx, connectionId, receivedAt };
  const apply = APPLIERS[event.name] as (c: Context, p: unknown, s: () => Promise<number>) => Promise<Change>;
  const change = await apply(ctx, payload, seqFor);

  const overlayEvents: OverlayEventRow[] = [];
  if (change.overlay) {
    const eventSeq = await seqFor();
    const row: OverlayEventRow = {
      connectionId,
      seq: eventSeq,
      event: change.overlay.event,
      payload: change.overlay.build ? toJson(change.overlay.build(eventSeq)) : null,
      createdAt: receivedAt,
    };
    await tx.appendOverlayEvent(row);
    overlayEvents.push(row);
  }
  const inserted = await tx.insertInboundEvent({
    connectionId,
    eventId: payload.eventId,
    eventName: event.name,
    timestamp: payload.timestamp,
    receivedAt,
    seq,
    outcome: change.outcome,
    payload: toJson(payload),
  });
  // The connection row lock (PostgreSQL) or the store lock (SQLite) makes a concurrent twin impossible.
  if (!inserted) throw new Error(`Event ${payload.eventId} was stored concurrently`);
  const ack: AckSuccess = seq === null ? { ok: true, duplicate: false } : { ok: true, duplicate: false, seq };
  return { ack, overlayEvents };
}

/**
 * Replaces the character list with a module's answer to `query:characters` (the VTT state at `requestedAt`):
 * listed characters are upserted, unlisted ones deleted, each by timestamp. Returns the overlay event to send.
 */
export async function refreshCharacters(
  tx: StoreTx,
  connectionId: string,
  characters: readonly Character[],
  requestedAt: number,
): Promise<OverlayEventRow[]> {
  const connection = await tx.lockConnection(connectionId);
  if (!connection) throw new ProtocolError('NOT_FOUND', 'This VTT connection does not exist.');
  if (connection.revokedAt !== null) throw new ProtocolError('CONNECTION_REVOKED', 'This VTT connection was revoked.');
  const ctx: Context = { tx, connectionId, receivedAt: requestedAt };
  const listed = new Set(characters.map((character) => character.vttCharacterId));
  let changed = false;
  for (const character of characters) {
    changed = (await upsertCharacter(ctx, character, requestedAt)).outcome === 'applied' || changed;
  }
  for (const row of await tx.listCharacters(connectionId)) {
    if (listed.has(row.vttCharacterId) || row.deletedTs !== null) continue;
    changed = (await deleteCharacter(ctx, row.vttCharacterId, requestedAt)).outcome === 'applied' || changed;
  }
  if (!changed) return [];
  const row: OverlayEventRow = {
    connectionId,
    seq: await tx.nextSeq(connectionId),
    event: OVERLAY_EVENTS.overlayState,
    payload: null,
    createdAt: requestedAt,
  };
  await tx.appendOverlayEvent(row);
  return [row];
}

/** Reads the current game state of a connection (what a snapshot shows, before the public projection). */
export async function readGameState(tx: StoreTx, connectionId: string) {
  const characters = (await tx.listCharacters(connectionId))
    .map(characterFromRow)
    .filter((c): c is Character => c !== null);
  const combat = activeCombat(await tx.listCombats(connectionId));
  return { characters, combat };
}
