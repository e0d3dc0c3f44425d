#!/usr/bin/env node
// `npm run contract:compat`: compares asyncapi.yaml with the last released contract (the highest version in
// codegen/released/, or --base <file>) and fails on a breaking change that does not bump the major version.
// `--release` records the current contract as released.
import { copyFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CodegenError } from './codegen-error.js';
import { compareContracts } from './compat/compare-contracts.js';
import { buildContractModel } from './contract-model.js';
import { loadSpec } from './load-spec.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const RELEASED = resolve(import.meta.dirname, '../released');

const byVersion = (a: string, b: string) => {
  const parts = (name: string) => (name.match(/\d+/g) ?? []).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

async function lastReleased(): Promise<string> {
  const files = (await readdir(RELEASED)).filter((f) => /^asyncapi-\d+\.\d+\.\d+\.yaml$/.test(f)).sort(byVersion);
  const last = files.at(-1);
  if (!last) throw new Error(`No released contract in ${RELEASED}`);
  return join(RELEASED, last);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      spec: { type: 'string', default: resolve(repoRoot, 'asyncapi.yaml') },
      base: { type: 'string' },
      release: { type: 'boolean', default: false },
    },
  });
  const current = buildContractModel(await loadSpec(resolve(values.spec)));
  if (values.release) {
    const target = join(RELEASED, `asyncapi-${current.protocolVersion}.yaml`);
    await copyFile(resolve(values.spec), target);
    console.log(`Released contract ${current.protocolVersion}: ${target}`);
    return 0;
  }
  const basePath = values.base ? resolve(values.base) : await lastReleased();
  const report = compareContracts(buildContractModel(await loadSpec(basePath, { projectRules: false })), current);
  for (const change of report.changes) {
    console.log(`${change.breaking ? 'BREAKING' : 'ok      '} ${change.path}: ${change.message}`);
  }
  if (!report.compatible) {
    console.error(
      `\n${report.breaking.length} breaking change(s) from ${report.from} to ${report.to}: bump the major version of info.version (and publish /v${Number(report.from.split('.')[0]) + 1}/) or undo them.`,
    );
    return 1;
  }
  console.log(
    `\ncontract:compat ${report.from} → ${report.to}: compatible (${report.changes.length} change(s), ${report.breaking.length} breaking).`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof CodegenError ? error.format() : error);
    process.exit(2);
  },
);
