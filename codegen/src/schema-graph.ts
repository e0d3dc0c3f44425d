// Walking the named schemas: which named schemas a schema refers to, and an order where every schema comes
// after the ones it uses (emitters declare constants in that order).
import { CodegenError } from './codegen-error.js';
import { type JsonSchema, schemaRefName } from './contract-model.js';
import { walkSchema } from './lint-rules.js';

export function referencedNames(schema: JsonSchema): Set<string> {
  const names = new Set<string>();
  walkSchema(schema, [], (node) => {
    if (typeof node.$ref === 'string') names.add(schemaRefName(node.$ref));
  });
  return names;
}

/** Named schemas in dependency order, then by name; a cycle is an error (no emitter supports recursion). */
export function dependencyOrder(schemas: ReadonlyMap<string, JsonSchema>): string[] {
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new CodegenError(
        'SCHEMA_UNSUPPORTED',
        `Recursive schemas are not supported: ${[...trail, name].join(' → ')}`,
      );
    }
    const schema = schemas.get(name);
    if (!schema)
      throw new CodegenError('SCHEMA_UNSUPPORTED', `Schema ${trail.at(-1)} refers to unknown schema ${name}`);
    state.set(name, 'visiting');
    for (const dependency of [...referencedNames(schema)].sort()) visit(dependency, [...trail, name]);
    state.set(name, 'done');
    ordered.push(name);
  };
  for (const name of [...schemas.keys()].sort()) visit(name, []);
  return ordered;
}
