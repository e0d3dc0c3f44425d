// After the fuzz: what the server stored, read back through its store and re-validated with the generated
// strict validators. Returns every problem found (an empty list when the store is clean).
import {
  CharacterSchema,
  CombatStateSchema,
  DiceRollPayloadSchema,
  type EventDefinition,
  findEvent,
} from '@tumulte/schemas';
import type { Store } from '@tumulte/server';

/**
 * What the server stores of an accepted value: the same, with U+0000 and lone surrogates (which PostgreSQL cannot
 * hold) replaced by U+FFFD — `toWellFormed` does the surrogates.
 */
export function asStored(value: unknown): unknown {
  if (typeof value === 'string') {
    return (value.replaceAll('\u0000', '\uFFFD') as string & { toWellFormed(): string }).toWellFormed();
  }
  if (Array.isArray(value)) return value.map(asStored);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [asStored(key), asStored(item)]));
}

/** JSON with object keys sorted (PostgreSQL's jsonb keeps its own key order). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
}

export interface AcceptedEvent {
  readonly definition: EventDefinition;
  readonly eventId: string;
  /** What the strict validator made of the payload sent (what the server must have stored). */
  readonly stored: unknown;
}

const ALL = 1_000_000;
const brief = (value: unknown) => JSON.stringify(value)?.slice(0, 300);

function check(
  problems: string[],
  what: string,
  validator: { safeParse(value: unknown): { success: boolean; error?: unknown } },
  value: unknown,
) {
  const result = validator.safeParse(value);
  if (!result.success) problems.push(`${what} is not valid: ${brief(result.error)} — ${brief(value)}`);
}

export async function auditStore(
  store: Store,
  connectionId: string,
  worldId: string,
  accepted: readonly AcceptedEvent[],
  refusedEventIds: readonly string[],
): Promise<string[]> {
  const problems: string[] = [];
  await store.transaction(async (tx) => {
    for (const event of accepted) {
      const row = await tx.getInboundEvent(connectionId, event.eventId);
      if (!row) {
        problems.push(`accepted ${event.definition.name} ${event.eventId} was not stored`);
        continue;
      }
      if (row.eventName !== event.definition.name) problems.push(`${event.eventId} stored as ${row.eventName}`);
      check(problems, `stored ${row.eventName} ${row.eventId}`, event.definition.payload, row.payload);
      if (canonical(row.payload) !== canonical(asStored(event.stored))) {
        problems.push(`stored ${row.eventName} ${row.eventId} differs from what was accepted: ${brief(row.payload)}`);
      }
    }
    for (const eventId of refusedEventIds) {
      const row = await tx.getInboundEvent(connectionId, eventId);
      if (row) problems.push(`refused event ${eventId} was stored as ${row.eventName}: ${brief(row.payload)}`);
    }
    for (const row of await tx.listCharacters(connectionId)) {
      const what = `character ${row.vttCharacterId}`;
      if (row.data !== null) {
        check(problems, what, CharacterSchema, { ...(row.data as object), inventory: row.inventory ?? [] });
      }
      if (row.inventory !== null)
        check(problems, `${what}'s inventory`, CharacterSchema.shape.inventory, row.inventory);
    }
    for (const row of await tx.listCombats(connectionId)) {
      if (row.state !== null) {
        check(problems, `combat ${row.combatId}`, CombatStateSchema, {
          combatId: row.combatId,
          ...(row.state as object),
        });
      }
    }
    for (const row of await tx.listRecentDiceRolls(connectionId, ALL)) {
      check(problems, `dice roll ${row.rollId}`, DiceRollPayloadSchema, {
        eventId: row.eventId,
        worldId,
        timestamp: row.timestamp,
        rollId: row.rollId,
        messageId: row.messageId,
        character: row.character,
        result: row.result,
        rollType: row.rollType,
        critical: { kind: row.criticalKind, source: row.criticalSource },
        visibility: row.visibility,
        flavor: row.flavor,
      });
    }
    for (const row of await tx.listOverlayEvents(connectionId, 0, ALL)) {
      if (row.payload === null) continue;
      const definition = findEvent('overlay', row.event);
      if (!definition) problems.push(`overlay log holds an unknown event ${row.event}`);
      else check(problems, `overlay event ${row.event} #${row.seq}`, definition.payload, row.payload);
    }
  });
  return problems;
}
