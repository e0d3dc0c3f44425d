// The published contract, used the way a third party would: the JSON Schemas of @tumulte/schemas and ajv.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const jsonRoot = join(dirname(require.resolve('@tumulte/schemas/package.json')), 'json');
const index = JSON.parse(readFileSync(join(jsonRoot, 'v1/events.json'), 'utf8'));

/** Every published schema, for ajv to resolve the `$ref`s between files by their `$id`. */
function loadSchemas(ajv) {
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json') && entry.name !== 'events.json')
        ajv.addSchema(JSON.parse(readFileSync(path, 'utf8')));
    }
  };
  walk(join(jsonRoot, 'v1'));
  ajvFormats(ajv);
  return ajv;
}

// What we send is checked strictly, as the server will; what we receive is read as a tolerant reader:
// fields we do not know are dropped before validation instead of failing it.
const strict = loadSchemas(new Ajv({ strict: true, allErrors: true }));
const tolerant = loadSchemas(new Ajv({ strict: true, allErrors: true, removeAdditional: 'all' }));

export const PROTOCOL_VERSION = index.protocolVersion;

function entry(namespace, event) {
  const found = index.events.find((e) => e.namespace === namespace && e.event === event);
  if (!found) throw new Error(`${event} is not an event of ${namespace}`);
  return found;
}

function check(ajv, id, payload, what) {
  const validate = ajv.getSchema(id);
  if (!validate(payload)) {
    const issues = validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`${what} does not match the contract: ${issues}`);
  }
  return payload;
}

/** Throws when `payload` is not a valid `event` to send on `/vtt`. */
export const checkOutgoing = (event, payload) => check(strict, entry('/vtt', event).payload, payload, event);

/** Reads a server event (or a reply to one of ours) tolerantly; throws when it is unusable. */
export const readIncoming = (event, payload) => check(tolerant, entry('/vtt', event).payload, payload, event);
export const readAck = (event, payload) =>
  check(tolerant, entry('/vtt', event).ack, payload, `${event} acknowledgement`);
