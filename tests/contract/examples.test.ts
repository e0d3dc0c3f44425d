// Contract conformance: every example of asyncapi.yaml passes the generated zod validator AND ajv on the
// published JSON Schema; every x-invalid-examples entry fails both.
import * as schemas from '@tumulte/schemas';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contractMessages, eventsIndex, publishedJsonSchemas } from './contract-document.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object, which is also the function.
const addFormats = ajvFormats as unknown as typeof ajvFormats.default;
const ajv = new Ajv({ strict: true, allErrors: true });
addFormats(ajv);
for (const schema of publishedJsonSchemas()) ajv.addSchema(schema);

const baseUrl = `https://tumulte.app/schemas/vtt/v${schemas.PROTOCOL_MAJOR}/components/`;
const validators = schemas as unknown as Record<string, z.ZodType | undefined>;

function judge(schemaName: string, payload: unknown) {
  const zod = validators[`${schemaName}Schema`];
  const json = ajv.getSchema(`${baseUrl}${schemaName}.json`);
  if (!zod || !json) throw new Error(`No validator for ${schemaName}`);
  return { zod: zod.safeParse(payload).success, ajv: json(payload) as boolean, errors: json.errors };
}

const messages = contractMessages();
const valid = messages.flatMap((m) =>
  m.examples.map((e) => [`${m.key} / ${e.name}`, m.payloadSchema, e.payload] as const),
);
const invalid = messages.flatMap((m) =>
  m.invalidExamples.map((e) => [`${m.key} / ${e.name}`, m.payloadSchema, e.payload] as const),
);

describe('contract examples', () => {
  it('has examples to check', () => {
    expect(valid.length).toBeGreaterThanOrEqual(messages.length);
    expect(invalid.length).toBeGreaterThan(0);
  });

  it.each(valid)('%s passes zod and ajv', (_, schemaName, payload) => {
    const verdict = judge(schemaName, payload);
    expect(verdict.errors ?? null).toBeNull();
    expect(verdict).toMatchObject({ zod: true, ajv: true });
  });

  it.each(invalid)('%s fails zod and ajv', (_, schemaName, payload) => {
    expect(judge(schemaName, payload)).toMatchObject({ zod: false, ajv: false });
  });
});

describe('record keys', () => {
  // JSON.parse makes `__proto__` an own key, as a hostile client sends it. zod's record skips such a key where
  // JSON Schema's propertyNames refuses it, so the generated validator checks it: both must refuse it.
  const character = messages.find((m) => m.payloadSchema === 'CharacterUpdatePayload')?.examples[0]?.payload;
  const records = {
    'stats.abilities': (c: Record<string, Record<string, unknown>>) => c.stats as Record<string, unknown>,
    'metadata.extensions': (c: Record<string, Record<string, unknown>>) => c.metadata as Record<string, unknown>,
  };

  it.each(Object.keys(records) as (keyof typeof records)[])('an own __proto__ key in %s fails zod and ajv', (path) => {
    const payload = JSON.parse(JSON.stringify(character)) as { character: Record<string, Record<string, unknown>> };
    const owner = records[path](payload.character);
    const field = path.split('.')[1] as string;
    owner[field] = JSON.parse('{"__proto__":{"value":10,"mod":0,"polluted":true}}');
    expect(Object.hasOwn(owner[field] as object, '__proto__')).toBe(true);
    expect(judge('CharacterUpdatePayload', payload)).toMatchObject({ zod: false, ajv: false });
    // Without the hostile key the same payload passes both: the key alone is what they refuse.
    owner[field] = {};
    expect(judge('CharacterUpdatePayload', payload)).toMatchObject({ zod: true, ajv: true });
  });
});

describe('published JSON Schemas', () => {
  it('every schema compiles under ajv strict mode', () => {
    for (const schema of publishedJsonSchemas()) {
      expect(() => ajv.getSchema(String(schema.$id)) ?? ajv.compile(schema), String(schema.$id)).not.toThrow();
      expect(ajv.getSchema(String(schema.$id)), String(schema.$id)).toBeDefined();
    }
  });

  it('holds a payload schema for every message of the contract, and an ack schema for every acknowledged event', () => {
    const index = eventsIndex();
    expect(index.protocolVersion).toBe(schemas.PROTOCOL_VERSION);
    for (const event of schemas.EVENTS) {
      const entry = index.events.find(
        (e) => e.event === event.name && e.namespace === schemas.NAMESPACES[event.namespace],
      );
      expect(entry, event.name).toBeDefined();
      expect(ajv.getSchema(String(entry?.payload)), `${event.name} payload`).toBeDefined();
      if (event.ack) expect(ajv.getSchema(String(entry?.ack)), `${event.name} ack`).toBeDefined();
    }
  });

  it('an event schema validates the same way as its payload component', () => {
    const index = eventsIndex();
    const diceRoll = index.events.find((e) => e.event === 'dice:roll' && e.namespace === '/vtt');
    const check = ajv.getSchema(String(diceRoll?.payload));
    expect(check?.({ ok: true })).toBe(false);
  });
});
