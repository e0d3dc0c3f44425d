// The events clients send (EVENTS, client-to-server) with their contract examples, and the oracle that says how
// the server must answer a payload: PAYLOAD_TOO_LARGE over the size limit, VALIDATION when the strict validator
// refuses it, FORBIDDEN for another world, else ok.
import { randomBytes, randomUUID } from 'node:crypto';
import { EVENTS, type EventDefinition, PROTOCOL_MAJOR } from '@tumulte/schemas';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { contractMessages, publishedJsonSchemas } from '../contract/contract-document.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface InboundEvent {
  readonly definition: EventDefinition;
  /** The contract's examples of this event's message. */
  readonly examples: readonly Json[];
}

/** Every event a client sends, each with at least one example of the contract. */
export function inboundEvents(): InboundEvent[] {
  const messages = contractMessages();
  return EVENTS.filter((definition) => definition.direction === 'client-to-server').map((definition) => {
    const message = messages.find((m) => m.name === definition.name && m.payloadSchema === definition.payloadSchema);
    const examples = (message?.examples ?? []).map((example) => example.payload as Json);
    if (examples.length === 0) throw new Error(`the contract has no example of ${definition.name}`);
    return { definition, examples };
  });
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (time + randomness), the event ids the modules make. */
export function ulid(now = Date.now()): string {
  let time = '';
  for (let rest = now, i = 0; i < 10; i += 1, rest = Math.floor(rest / 32)) time = CROCKFORD[rest % 32] + time;
  return time + Array.from(randomBytes(16), (byte) => CROCKFORD[byte % 32]).join('');
}

/** The example's id strings that make an event unique (idempotency key, roll and message ids). */
export function idStrings(example: Json): string[] {
  const ids = new Set<string>();
  const visit = (node: Json) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (['eventId', 'rollId', 'messageId'].includes(key) && typeof value === 'string') ids.add(value);
        else visit(value);
      }
    }
  };
  visit(example);
  // Longest first: a roll id embeds its message id.
  return [...ids].sort((a, b) => b.length - a.length);
}

/**
 * `text` (a mutated example as JSON) with the example's ids replaced by fresh ones, so every case is a new event
 * (a replayed id would only be acknowledged as a duplicate). Mutated ids are left as they are.
 */
export function withFreshIds(text: string, ids: readonly string[]): string {
  let out = text;
  for (const id of ids) {
    const fresh = /^[0-9A-Z]{26}$/.test(id)
      ? ulid()
      : /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(id)
        ? randomUUID()
        : `fz${randomBytes(7).toString('hex')}`;
    out = out.split(JSON.stringify(id).slice(1, -1)).join(fresh);
  }
  return out;
}

export type Expected = 'ok' | 'VALIDATION' | 'PAYLOAD_TOO_LARGE' | 'FORBIDDEN';

/** What the server must answer to `event` emitted with `args` (and an acknowledgement). */
export function expectedAnswer(
  definition: EventDefinition,
  args: readonly unknown[],
  limits: { maxPayloadBytes: number },
  worldId: string,
): Expected {
  let size = Number.POSITIVE_INFINITY; // Too deep to write as JSON: the server cannot measure it either.
  try {
    size = Buffer.byteLength(JSON.stringify(args) ?? '', 'utf8');
  } catch {}
  if (size > limits.maxPayloadBytes) return 'PAYLOAD_TOO_LARGE';
  if (args.length !== 1 || !definition.payload.safeParse(args[0]).success) return 'VALIDATION';
  return (args[0] as { worldId: string }).worldId === worldId ? 'ok' : 'FORBIDDEN';
}

// ajv-formats is CommonJS: under NodeNext its default import is the module object, which is also the function.
const addFormats = ajvFormats as unknown as typeof ajvFormats.default;
const ajv = new Ajv({ strict: true, allErrors: false });
addFormats(ajv);
for (const schema of publishedJsonSchemas()) ajv.addSchema(schema);
const componentsUrl = `https://tumulte.app/schemas/vtt/v${PROTOCOL_MAJOR}/components/`;

/** The published JSON Schema's verdict on `payload` (a second oracle, independent of the generated zod code). */
export function jsonSchemaAccepts(definition: EventDefinition, payload: unknown): boolean {
  const validate = ajv.getSchema(`${componentsUrl}${definition.payloadSchema}.json`);
  if (!validate) throw new Error(`no published JSON Schema for ${definition.payloadSchema}`);
  return validate(payload) as boolean;
}
