// The published contract as a third party reads it: the asyncapi.yaml and JSON Schemas of @tumulte/schemas.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
export const SCHEMAS_PACKAGE = dirname(require.resolve('@tumulte/schemas/package.json'));

export interface ContractMessage {
  key: string;
  name: string | undefined;
  payloadSchema: string;
  examples: { name: string; payload: unknown }[];
  invalidExamples: { name: string; payload: unknown }[];
}

type Raw = Record<string, unknown>;

export function readContract(): Raw {
  return parse(readFileSync(join(SCHEMAS_PACKAGE, 'asyncapi.yaml'), 'utf8')) as Raw;
}

export function contractMessages(): ContractMessage[] {
  const messages = ((readContract().components as Raw).messages ?? {}) as Record<string, Raw>;
  const list = (value: unknown) => (Array.isArray(value) ? (value as { name: string; payload: unknown }[]) : []);
  return Object.entries(messages).map(([key, message]) => ({
    key,
    name: message.name as string | undefined,
    payloadSchema: String((message.payload as Raw).$ref).replace('#/components/schemas/', ''),
    examples: list(message.examples),
    invalidExamples: list(message['x-invalid-examples']),
  }));
}

/** Every published JSON Schema file, parsed. */
export function publishedJsonSchemas(): Raw[] {
  const root = join(SCHEMAS_PACKAGE, 'json');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.json') && !path.endsWith('events.json'))
    .map((path) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Raw);
}

export function eventsIndex(): { protocolVersion: string; events: Raw[] } {
  const root = join(SCHEMAS_PACKAGE, 'json');
  const major = readdirSync(root).find((entry) => /^v\d+$/.test(entry));
  return JSON.parse(readFileSync(join(root, String(major), 'events.json'), 'utf8'));
}
