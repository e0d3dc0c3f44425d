// Compares two versions of a payload schema as the peer that validates it would. A schema the server
// receives is `inbound`: the new one must accept everything the old one accepted (narrowing breaks). A schema
// the server sends is `outbound`: clients (tolerant readers, ignoring unknown fields) must accept everything
// the new one allows (widening breaks).
import { type JsonSchema, schemaRefName } from '../contract-model.js';

export type Flow = 'inbound' | 'outbound';

export interface SchemaChange {
  path: string;
  message: string;
  breaking: boolean;
}

interface Side {
  schemas: ReadonlyMap<string, JsonSchema>;
  schema: JsonSchema;
}

const isRecord = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const;

function resolve(schemas: ReadonlyMap<string, JsonSchema>, schema: JsonSchema, seen = new Set<string>()): JsonSchema {
  if (typeof schema.$ref !== 'string') return schema;
  const name = schemaRefName(schema.$ref);
  if (seen.has(name)) return {};
  seen.add(name);
  return resolve(schemas, schemas.get(name) ?? {}, seen);
}

/** The schema's branches, with `{type: null}` folded into a nullable flag. */
function branchesOf(
  schemas: ReadonlyMap<string, JsonSchema>,
  schema: JsonSchema,
): { nullable: boolean; branches: JsonSchema[] } {
  const resolved = resolve(schemas, schema);
  const union = Array.isArray(resolved.oneOf) ? resolved.oneOf : Array.isArray(resolved.anyOf) ? resolved.anyOf : null;
  if (!union) return { nullable: false, branches: [resolved] };
  const subs = union.filter(isRecord).map((s) => resolve(schemas, s));
  const nullable = subs.some((s) => s.type === 'null');
  return { nullable, branches: subs.filter((s) => s.type !== 'null') };
}

function typesOf(schema: JsonSchema): Set<string> {
  if (Array.isArray(schema.type)) return new Set(schema.type.map(String));
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if ('const' in schema) return new Set([schema.const === null ? 'null' : typeof schema.const]);
  return new Set();
}

/** The const value a branch is tagged with, for matching union branches across versions. */
function tagOf(schema: JsonSchema): string | null {
  if (!isRecord(schema.properties)) return null;
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (isRecord(prop) && 'const' in prop) return `${key}=${JSON.stringify(prop.const)}`;
  }
  return null;
}

class Comparer {
  readonly changes: SchemaChange[] = [];

  constructor(private readonly flow: Flow) {}

  /** `widens`: the new schema allows values the old one did not; otherwise it rejects values the old one allowed. */
  private record(path: string, message: string, widens: boolean): void {
    const breaking = this.flow === 'inbound' ? !widens : widens;
    this.changes.push({ path, message, breaking });
  }

  compare(before: Side, after: Side, path: string): void {
    const old = branchesOf(before.schemas, before.schema);
    const now = branchesOf(after.schemas, after.schema);
    if (old.nullable && !now.nullable) this.record(path, 'no longer accepts null', false);
    if (!old.nullable && now.nullable) this.record(path, 'may now be null', true);
    if (old.branches.length === 1 && now.branches.length === 1) {
      this.compareOne(
        { schemas: before.schemas, schema: old.branches[0] as JsonSchema },
        { schemas: after.schemas, schema: now.branches[0] as JsonSchema },
        path,
      );
      return;
    }
    const key = (s: JsonSchema, i: number) => tagOf(s) ?? `#${i}`;
    const oldByKey = new Map(old.branches.map((s, i) => [key(s, i), s]));
    const newByKey = new Map(now.branches.map((s, i) => [key(s, i), s]));
    for (const [tag, schema] of oldByKey) {
      const next = newByKey.get(tag);
      if (!next) this.record(path, `union branch ${tag} was removed`, false);
      else
        this.compareOne(
          { schemas: before.schemas, schema },
          { schemas: after.schemas, schema: next },
          `${path}(${tag})`,
        );
    }
    for (const tag of newByKey.keys()) {
      if (!oldByKey.has(tag)) this.record(path, `union branch ${tag} was added`, true);
    }
  }

  private compareOne(before: Side, after: Side, path: string): void {
    const old = before.schema;
    const now = after.schema;
    const oldTypes = typesOf(old);
    const newTypes = typesOf(now);
    // `number` includes every `integer`.
    const allows = (types: Set<string>, type: string) => types.has(type) || (type === 'integer' && types.has('number'));
    for (const type of oldTypes)
      if (newTypes.size > 0 && !allows(newTypes, type)) this.record(path, `type ${type} no longer allowed`, false);
    for (const type of newTypes)
      if (oldTypes.size > 0 && !allows(oldTypes, type)) this.record(path, `type ${type} now allowed`, true);

    if ('const' in old || 'const' in now) {
      if (!('const' in now)) this.record(path, `const ${JSON.stringify(old.const)} was removed`, true);
      else if (!('const' in old)) this.record(path, `now fixed to ${JSON.stringify(now.const)}`, false);
      else if (JSON.stringify(old.const) !== JSON.stringify(now.const)) {
        this.record(path, `const changed from ${JSON.stringify(old.const)} to ${JSON.stringify(now.const)}`, false);
        this.record(path, `const ${JSON.stringify(now.const)} is new`, true);
      }
    }
    this.compareEnums(old, now, path);
    this.compareBounds(old, now, path);
    if (old.pattern !== now.pattern) {
      if (now.pattern === undefined) this.record(path, 'pattern removed', true);
      else {
        this.record(path, `pattern changed to ${String(now.pattern)}`, false);
        if (old.pattern !== undefined) this.record(path, 'pattern changed', true);
      }
    }
    if (isRecord(old.items) && isRecord(now.items)) {
      this.compare(
        { schemas: before.schemas, schema: old.items },
        { schemas: after.schemas, schema: now.items },
        `${path}[]`,
      );
    }
    this.compareObjects(before, after, path);
  }

  private compareEnums(old: JsonSchema, now: JsonSchema, path: string): void {
    const oldValues = Array.isArray(old.enum) ? old.enum.map((v) => JSON.stringify(v)) : null;
    const newValues = Array.isArray(now.enum) ? now.enum.map((v) => JSON.stringify(v)) : null;
    if (oldValues && !newValues) this.record(path, 'enum removed (any value allowed)', true);
    if (!oldValues && newValues) this.record(path, 'now restricted to an enum', false);
    if (oldValues && newValues) {
      for (const value of oldValues)
        if (!newValues.includes(value)) this.record(path, `enum value ${value} removed`, false);
      for (const value of newValues)
        if (!oldValues.includes(value)) this.record(path, `enum value ${value} added`, true);
    }
  }

  private compareBounds(old: JsonSchema, now: JsonSchema, path: string): void {
    const num = (s: JsonSchema, k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
    for (const key of LOWER_BOUNDS) {
      const a = num(old, key);
      const b = num(now, key);
      if (a === b) continue;
      if (b !== undefined && (a === undefined || b > a)) this.record(path, `${key} raised to ${b}`, false);
      else this.record(path, `${key} lowered${b === undefined ? ' (removed)' : ` to ${b}`}`, true);
    }
    for (const key of UPPER_BOUNDS) {
      const a = num(old, key);
      const b = num(now, key);
      if (a === b) continue;
      if (b !== undefined && (a === undefined || b < a)) this.record(path, `${key} lowered to ${b}`, false);
      else this.record(path, `${key} raised${b === undefined ? ' (removed)' : ` to ${b}`}`, true);
    }
  }

  private compareObjects(before: Side, after: Side, path: string): void {
    const old = before.schema;
    const now = after.schema;
    const oldProps = isRecord(old.properties) ? old.properties : {};
    const newProps = isRecord(now.properties) ? now.properties : {};
    const oldRequired = new Set(Array.isArray(old.required) ? old.required.map(String) : []);
    const newRequired = new Set(Array.isArray(now.required) ? now.required.map(String) : []);
    for (const [key, sub] of Object.entries(oldProps)) {
      const next = newProps[key];
      const at = `${path}.${key}`;
      if (next === undefined) {
        // Inbound: a strict server now rejects the field. Outbound: a client that needs it no longer gets it.
        if (this.flow === 'inbound') this.record(at, 'field removed', false);
        else if (oldRequired.has(key)) this.record(at, 'required field removed', true);
        else this.changes.push({ path: at, message: 'optional field removed', breaking: false });
        continue;
      }
      if (!oldRequired.has(key) && newRequired.has(key)) this.record(at, 'field is now required', false);
      if (oldRequired.has(key) && !newRequired.has(key)) this.record(at, 'field is now optional', true);
      if (isRecord(sub) && isRecord(next))
        this.compare({ schemas: before.schemas, schema: sub }, { schemas: after.schemas, schema: next }, at);
    }
    for (const key of Object.keys(newProps)) {
      if (key in oldProps) continue;
      const at = `${path}.${key}`;
      // Outbound additions are ignored by tolerant readers; inbound ones only break when required.
      if (this.flow === 'inbound' && newRequired.has(key)) this.record(at, 'new required field', false);
      else
        this.changes.push({
          path: at,
          message: `new ${newRequired.has(key) ? 'required' : 'optional'} field`,
          breaking: false,
        });
    }
    const oldAdditional = old.additionalProperties;
    const newAdditional = now.additionalProperties;
    if (oldAdditional === false && newAdditional !== undefined && newAdditional !== false) {
      this.record(path, 'now allows additional properties', true);
    }
    if (oldAdditional !== undefined && oldAdditional !== false && newAdditional === false) {
      this.record(path, 'no longer allows additional properties', false);
    }
    if (isRecord(oldAdditional) && isRecord(newAdditional)) {
      this.compare(
        { schemas: before.schemas, schema: oldAdditional },
        { schemas: after.schemas, schema: newAdditional },
        `${path}{}`,
      );
    }
  }
}

export function compareSchemas(before: Side, after: Side, flow: Flow, path: string): SchemaChange[] {
  const comparer = new Comparer(flow);
  comparer.compare(before, after, path);
  return comparer.changes;
}
