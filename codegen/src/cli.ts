#!/usr/bin/env node
// `npm run codegen` writes schemas/ from asyncapi.yaml; `npm run codegen -- --check` fails when schemas/
// differs from what the contract generates.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CodegenError } from './codegen-error.js';
import { generate } from './generate.js';
import { loadSpec } from './load-spec.js';
import { findDrift, writeOutput } from './output.js';

const repoRoot = resolve(import.meta.dirname, '../..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      spec: { type: 'string', default: resolve(repoRoot, 'asyncapi.yaml') },
      out: { type: 'string', default: resolve(repoRoot, 'schemas') },
    },
  });
  const files = await generate(await loadSpec(resolve(values.spec)));
  const outDir = resolve(values.out);
  if (values.check) {
    const drift = await findDrift(outDir, files);
    const stale = [
      ...drift.changed.map((p) => `  changed:    ${p}`),
      ...drift.missing.map((p) => `  missing:    ${p}`),
      ...drift.unexpected.map((p) => `  unexpected: ${p}`),
    ];
    if (stale.length > 0) {
      const error = new CodegenError(
        'OUTPUT_STALE',
        `${stale.length} generated file(s) differ from asyncapi.yaml; run \`npm run codegen\``,
      );
      console.error([error.format(), ...stale].join('\n'));
      return 1;
    }
    console.log(`codegen --check: ${files.size} generated files match asyncapi.yaml`);
    return 0;
  }
  const drift = await writeOutput(outDir, files);
  const touched = drift.changed.length + drift.missing.length + drift.unexpected.length;
  console.log(`codegen: ${files.size} files, ${touched} updated (${drift.unexpected.length} removed)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof CodegenError ? error.format() : error);
    process.exit(2);
  },
);
