// A compile-time proof that every Modelina interface and the output type of its zod validator are mutually
// assignable: the schemas package does not build if they drift apart.
import { validatorName } from './validators.js';

export function emitTypeConformance(names: readonly string[]): string {
  const rows = [...names]
    .sort()
    .map((name) => `  ${name}: Assert<MutuallyAssignable<z.output<typeof V.${validatorName(name)}>, T.${name}>>;`)
    .join('\n');
  return `// Type-level conformance: zod-inferred types and Modelina interfaces agree, schema by schema.
import type { z } from "zod";
import type * as T from "./types.js";
import type * as V from "./validators.js";

type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<Condition extends true> = Condition;

/** One entry per generated type; an entry that is not \`true\` fails the build. */
export interface TypeConformance {
${rows}
}
`;
}
