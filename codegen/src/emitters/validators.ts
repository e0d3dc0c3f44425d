// zod 4 validators from the named JSON Schemas. Strict mode (the server) rejects unknown properties;
// tolerant mode (clients reading what the server sends) accepts and keeps them.
import { CodegenError } from '../codegen-error.js';
import { type ContractModel, type JsonSchema, schemaRefName } from '../contract-model.js';
import { SUPPORTED_SCHEMA_KEYWORDS } from '../lint-rules.js';
import { dependencyOrder } from '../schema-graph.js';
import { jsDoc } from '../text.js';

export type ValidatorMode = 'strict' | 'tolerant';

export const validatorName = (schemaName: string): string => `${schemaName}Schema`;

const ANNOTATIONS = new Set(['title', 'description', 'examples']);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const propertyKey = (key: string): string => (IDENTIFIER.test(key) ? key : JSON.stringify(key));
const literal = (value: unknown): string => JSON.stringify(value);

const isRecord = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * zod's records skip an own `__proto__` key (it arrives as one from JSON.parse) where JSON Schema's
 * `propertyNames` checks it: records with key rules go through this helper, so both refuse it alike. It lives in
 * its own generated file, shared by the strict and the tolerant validators.
 */
const ZOD_HELPERS = `// Helpers of the generated validators (not exported by the package).
import { z } from "zod";

/** A record whose keys are all checked, \`__proto__\` too (zod's record skips it). */
export function keyedRecord<K extends z.ZodType<string>, V extends z.ZodType>(keys: K, values: V) {
  return z.preprocess((input, context) => {
    if (typeof input === "object" && input !== null && Object.hasOwn(input, "__proto__") && !keys.safeParse("__proto__").success) {
      context.addIssue({ code: "custom", message: "Invalid key in record", path: ["__proto__"], input });
    }
    return input;
  }, z.record(keys, values));
}`;

/** Whether any schema has key rules (`propertyNames`), at any depth. */
function hasKeyRules(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasKeyRules);
  if (!isRecord(value)) return false;
  return 'propertyNames' in value || Object.values(value).some(hasKeyRules);
}

/** `src/zod-helpers.ts`, or null when no validator needs it. */
export function emitZodHelpers(model: ContractModel): string | null {
  return [...model.schemas.values()].some(hasKeyRules) ? ZOD_HELPERS : null;
}

class ZodWriter {
  constructor(
    private readonly schemas: ReadonlyMap<string, JsonSchema>,
    private readonly mode: ValidatorMode,
  ) {}

  write(schema: JsonSchema, path: string): string {
    for (const keyword of Object.keys(schema)) {
      if (!SUPPORTED_SCHEMA_KEYWORDS.has(keyword) && !keyword.startsWith('x-')) {
        throw new CodegenError('SCHEMA_UNSUPPORTED', `${path}: schema keyword "${keyword}" is not supported`);
      }
    }
    if (typeof schema.$ref === 'string') {
      const extra = Object.keys(schema).filter(
        (key) => key !== '$ref' && !ANNOTATIONS.has(key) && !key.startsWith('x-'),
      );
      if (extra.length > 0)
        throw new CodegenError('SCHEMA_UNSUPPORTED', `${path}: $ref cannot be combined with ${extra.join(', ')}`);
      return validatorName(schemaRefName(schema.$ref));
    }
    if (Array.isArray(schema.oneOf)) return this.oneOf(schema.oneOf, path);
    if (Array.isArray(schema.anyOf)) {
      return `z.union([${schema.anyOf.map((sub, i) => this.write(this.sub(sub, `${path}.anyOf[${i}]`), `${path}.anyOf[${i}]`)).join(', ')}])`;
    }
    if ('const' in schema) return `z.literal(${literal(schema.const)})`;
    if (Array.isArray(schema.enum)) return this.enumeration(schema.enum);
    const types = Array.isArray(schema.type)
      ? (schema.type as string[])
      : typeof schema.type === 'string'
        ? [schema.type]
        : [];
    if (types.length === 0)
      throw new CodegenError('SCHEMA_UNSUPPORTED', `${path}: a schema needs a type, const, enum, oneOf, anyOf or $ref`);
    const nonNull = types.filter((type) => type !== 'null');
    const written = nonNull.map((type) => this.typed(type, schema, path));
    const base =
      written.length === 0
        ? 'z.null()'
        : written.length === 1
          ? (written[0] as string)
          : `z.union([${written.join(', ')}])`;
    return nonNull.length < types.length && nonNull.length > 0 ? `${base}.nullable()` : base;
  }

  private sub(value: unknown, path: string): JsonSchema {
    if (!isRecord(value)) throw new CodegenError('SCHEMA_UNSUPPORTED', `${path}: expected a schema object`);
    return value;
  }

  private resolve(schema: JsonSchema): JsonSchema {
    return typeof schema.$ref === 'string' ? this.resolve(this.schemas.get(schemaRefName(schema.$ref)) ?? {}) : schema;
  }

  private oneOf(branches: unknown[], path: string): string {
    const subs = branches.map((branch, i) => this.sub(branch, `${path}.oneOf[${i}]`));
    const isNull = (s: JsonSchema) =>
      s.type === 'null' && Object.keys(s).every((k) => k === 'type' || ANNOTATIONS.has(k));
    const others = subs.filter((s) => !isNull(s));
    const written = others.map((s, i) => this.write(s, `${path}.oneOf[${i}]`));
    let union: string;
    if (written.length === 1) union = written[0] as string;
    else {
      const tag = this.discriminator(others);
      union = tag ? `z.discriminatedUnion(${literal(tag)}, [${written.join(', ')}])` : `z.xor([${written.join(', ')}])`;
    }
    return others.length < subs.length ? `${union}.nullable()` : union;
  }

  /** A property every branch requires with a `const` value, if any: then a discriminated union. */
  private discriminator(branches: JsonSchema[]): string | null {
    const objects = branches.map((b) => this.resolve(b));
    const first = objects[0];
    if (!first || !isRecord(first.properties)) return null;
    for (const key of Object.keys(first.properties)) {
      const tagged = objects.every(
        (o) =>
          isRecord(o.properties) &&
          isRecord(o.properties[key]) &&
          'const' in (o.properties[key] as JsonSchema) &&
          Array.isArray(o.required) &&
          o.required.includes(key),
      );
      if (tagged) return key;
    }
    return null;
  }

  private enumeration(values: unknown[]): string {
    const nonNull = values.filter((v) => v !== null);
    const base = nonNull.every((v) => typeof v === 'string')
      ? `z.enum([${nonNull.map(literal).join(', ')}])`
      : nonNull.length === 1
        ? `z.literal(${literal(nonNull[0])})`
        : `z.union([${nonNull.map((v) => `z.literal(${literal(v)})`).join(', ')}])`;
    return nonNull.length < values.length ? `${base}.nullable()` : base;
  }

  private typed(type: string, schema: JsonSchema, path: string): string {
    switch (type) {
      case 'string':
        return this.string(schema);
      case 'number':
        return `z.number()${this.bounds(schema)}`;
      case 'integer':
        return `z.int()${this.bounds(schema)}`;
      case 'boolean':
        return 'z.boolean()';
      case 'array':
        return this.array(schema, path);
      case 'object':
        return this.object(schema, path);
      default:
        throw new CodegenError('SCHEMA_UNSUPPORTED', `${path}: type "${type}" is not supported`);
    }
  }

  private string(schema: JsonSchema): string {
    let out = 'z.string()';
    if (typeof schema.minLength === 'number') out += `.min(${schema.minLength})`;
    if (typeof schema.maxLength === 'number') out += `.max(${schema.maxLength})`;
    // JSON Schema patterns are ECMA-262 with the unicode flag (as ajv runs them), unanchored.
    if (typeof schema.pattern === 'string') out += `.regex(new RegExp(${literal(schema.pattern)}, "u"))`;
    return out;
  }

  private bounds(schema: JsonSchema): string {
    let out = '';
    if (typeof schema.minimum === 'number') out += `.gte(${schema.minimum})`;
    if (typeof schema.exclusiveMinimum === 'number') out += `.gt(${schema.exclusiveMinimum})`;
    if (typeof schema.maximum === 'number') out += `.lte(${schema.maximum})`;
    if (typeof schema.exclusiveMaximum === 'number') out += `.lt(${schema.exclusiveMaximum})`;
    return out;
  }

  private array(schema: JsonSchema, path: string): string {
    if (!isRecord(schema.items))
      throw new CodegenError('SCHEMA_UNSUPPORTED', `${path}: an array needs one items schema`);
    let out = `z.array(${this.write(schema.items, `${path}.items`)})`;
    if (typeof schema.minItems === 'number') out += `.min(${schema.minItems})`;
    if (typeof schema.maxItems === 'number') out += `.max(${schema.maxItems})`;
    return out;
  }

  private object(schema: JsonSchema, path: string): string {
    const properties = isRecord(schema.properties) ? schema.properties : null;
    const additional = schema.additionalProperties;
    if (properties) {
      const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
      const fields = Object.entries(properties).map(([key, sub]) => {
        const value = this.write(this.sub(sub, `${path}.properties.${key}`), `${path}.properties.${key}`);
        return `${propertyKey(key)}: ${value}${required.has(key) ? '' : '.exactOptional()'}`;
      });
      if (additional !== false) {
        throw new CodegenError(
          'SCHEMA_UNSUPPORTED',
          `${path}: an object with properties needs additionalProperties: false`,
        );
      }
      const factory = this.mode === 'strict' ? 'z.strictObject' : 'z.looseObject';
      return `${factory}({ ${fields.join(', ')} })`;
    }
    if (additional === false) return this.mode === 'strict' ? 'z.strictObject({})' : 'z.looseObject({})';
    const values = isRecord(additional) ? this.write(additional, `${path}.additionalProperties`) : 'z.unknown()';
    if (!isRecord(schema.propertyNames)) return `z.record(z.string(), ${values})`;
    return `keyedRecord(${this.string(schema.propertyNames)}, ${values})`;
  }
}

export function emitValidators(model: ContractModel, mode: ValidatorMode): string {
  const writer = new ZodWriter(model.schemas, mode);
  const lines = dependencyOrder(model.schemas).map((name) => {
    const schema = model.schemas.get(name) as JsonSchema;
    const doc = jsDoc(typeof schema.description === 'string' ? schema.description : null);
    return `${doc}export const ${validatorName(name)} = ${writer.write(schema, `components.schemas.${name}`)};`;
  });
  const intro =
    mode === 'strict'
      ? '// Strict validators: unknown properties are errors. The server validates what it receives with these.'
      : '// Tolerant validators: unknown properties are kept and ignored. Clients read what the server sends with these,\n// so a server that adds a field does not break older clients.';
  const imports = ['import { z } from "zod";'];
  if (emitZodHelpers(model)) imports.push('import { keyedRecord } from "./zod-helpers.js";');
  return [intro, imports.join('\n'), ...lines].join('\n\n');
}
