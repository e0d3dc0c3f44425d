// fast-check arbitraries of hostile payloads, made by mutating a valid example: wrong types, missing and
// unknown fields, huge strings, deep nesting, prototype-pollution keys, random JSON.
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path to a value inside `value` (the root included). */
export function pathsOf(value: Json, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, i]));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

/** A deep copy of `value` with the node at `path` replaced (or removed when `replacement` is undefined). */
export function replaceAt(value: Json, path: Path, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === undefined) copy.splice(Number(head), 1);
    else copy[Number(head)] = replaceAt(copy[Number(head)] ?? null, rest, replacement);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: { [key: string]: Json } = { ...value };
    const key = String(head);
    if (rest.length === 0 && replacement === undefined) delete copy[key];
    else copy[key] = replaceAt(copy[key] ?? null, rest, replacement);
    return copy;
  }
  return value;
}

const nest = (depth: number): Json => {
  let node: Json = 'bottom';
  for (let i = 0; i < depth; i++) node = { a: node };
  return node;
};

/**
 * Text that is valid JSON and often valid for the contract (free-text fields) but hard on storage and display:
 * NUL, lone surrogates (JSON.stringify escapes them as `\udXXX`), bidi overrides, combining marks, SQL and
 * JSON-path look-alikes.
 */
export const TRICKY_TEXT = [
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  `Z${'\u0336'.repeat(60)}`,
  "'); DROP TABLE characters; --",
  '$.characters[0]',
  '\\u0000',
  '\r\n\t\f\b',
  '\uffff\ufffe',
] as const;

const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.5),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', ' ', '<script>alert(1)</script>', '\u0000', '💥'.repeat(300)),
  fc.constantFrom(...TRICKY_TEXT),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.array(fc.integer(), { maxLength: 3 }),
);

const pollutionKey = fc.constantFrom('__proto__', 'constructor', 'prototype');

export type Mutation = { kind: string; payload: string };

/** The paths of string values (every path when there is none). */
function stringPath(example: Json, paths: Path[]): fc.Arbitrary<Path> {
  const strings = paths.filter((path) => {
    let node: Json = example;
    for (const key of path) node = (node as Record<string, Json>)[key as string] ?? null;
    return typeof node === 'string';
  });
  return fc.constantFrom(...(strings.length > 0 ? strings : paths));
}

/**
 * Variants of `example` whose JSON is `minBytes` to `maxBytes` long (a long string in one of its string fields):
 * over the server's event limit, or over its transport limit.
 */
export function oversizePayloads(example: Json, minBytes: number, maxBytes: number): fc.Arbitrary<Mutation> {
  const base = Buffer.byteLength(JSON.stringify(example));
  return fc
    .tuple(stringPath(example, pathsOf(example)), fc.integer({ min: minBytes, max: maxBytes }))
    .map(([p, n]) => ({ kind: 'oversize', payload: JSON.stringify(replaceAt(example, p, 'x'.repeat(n - base))) }));
}

/** Hostile variants of `example`, as JSON text (so `__proto__` arrives as an own key, as from a real client). */
export function hostilePayloads(example: Json): fc.Arbitrary<Mutation> {
  const paths = pathsOf(example);
  const objectPaths = paths.filter((path) => {
    let node: Json = example;
    for (const key of path) node = (node as Record<string, Json>)[key as string] ?? null;
    return node !== null && typeof node === 'object' && !Array.isArray(node);
  });
  const path = fc.constantFrom(...paths);
  const objectPath = fc.constantFrom(...objectPaths);
  const text = (kind: string) => (payload: Json) => ({ kind, payload: JSON.stringify(payload) });
  return fc.oneof(
    fc.tuple(path, wrongValue).map(([p, v]) => text('wrong type')(replaceAt(example, p, v))),
    path.filter((p) => p.length > 0).map((p) => text('missing field')(replaceAt(example, p, undefined))),
    fc
      .tuple(objectPath, fc.string({ minLength: 1, maxLength: 12 }))
      .map(([p, key]) => text('unknown field')(replaceAt(example, [...p, `x_${key}`], 1))),
    fc
      .tuple(path, fc.integer({ min: 1_000, max: 20_000 }))
      .map(([p, n]) => text('huge string')(replaceAt(example, p, 'x'.repeat(n)))),
    fc
      .tuple(path, fc.integer({ min: 50, max: 2_000 }))
      .map(([p, depth]) => text('deep nesting')(replaceAt(example, p, nest(depth)))),
    fc.tuple(objectPath, pollutionKey, fc.boolean()).map(([p, key, viaPrototype]) => {
      // JSON.stringify drops a literal __proto__ key, so splice it into the text. `constructor.prototype` is the
      // other classic route to Object.prototype.
      const value = viaPrototype ? { prototype: { polluted: true } } : { polluted: true };
      const base = JSON.stringify(replaceAt(example, [...p, 'pollution_marker'], value));
      return { kind: 'prototype pollution', payload: base.replace('"pollution_marker"', JSON.stringify(key)) };
    }),
    fc
      .tuple(stringPath(example, paths), fc.constantFrom(...TRICKY_TEXT))
      .map(([p, t]) => text('tricky text')(replaceAt(example, p, t))),
    fc.jsonValue({ maxDepth: 4 }).map((value) => text('random JSON')(value as Json)),
  );
}
