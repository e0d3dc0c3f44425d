// Generated code type-checks under the project's strict settings, and the type-level conformance file
// really catches a drift between a Modelina interface and its zod validator.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { loadSpec } from '../src/load-spec.js';
import { MINI_SPEC, REAL_OUTPUT } from './spec-files.js';

// Inside the repository, so that `zod` and `socket.io` resolve from its node_modules.
const scratchRoot = join(import.meta.dirname, '..');
const scratch: string[] = [];

afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(scratchRoot, '.compile-'));
  scratch.push(dir);
  return dir;
}

function typeCheck(dir: string): ts.Diagnostic[] {
  const config = ts.readConfigFile(join(import.meta.dirname, '../../tsconfig.base.json'), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(
    { ...config, compilerOptions: { ...config.compilerOptions, noEmit: true, lib: ['ES2023', 'DOM'] } },
    ts.sys,
    dir,
  );
  const files = ts.sys.readDirectory(dir, ['.ts']);
  const program = ts.createProgram(files, options);
  return [...ts.getPreEmitDiagnostics(program)];
}

const describeDiagnostics = (diagnostics: ts.Diagnostic[]) =>
  diagnostics.map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    const line = where ? `:${where.line + 1}: ${d.file?.text.split('\n')[where.line]?.trim()}` : '';
    return `${d.file?.fileName ?? ''}${line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });

describe('generated TypeScript', () => {
  it('type-checks the mini spec output (strict, exactOptionalPropertyTypes)', async () => {
    const dir = await scratchDir();
    const files = await generate(await loadSpec(MINI_SPEC));
    for (const [path, content] of files) {
      if (!path.startsWith('src/')) continue;
      await writeFile(join(dir, path.slice('src/'.length)), content);
    }
    expect(describeDiagnostics(typeCheck(dir))).toEqual([]);
  });

  it('type-checks the real schemas package', async () => {
    const dir = await scratchDir();
    await cp(join(REAL_OUTPUT, 'src'), dir, { recursive: true });
    expect(describeDiagnostics(typeCheck(dir))).toEqual([]);
  });

  it('fails the type-level conformance when an interface and its validator disagree', async () => {
    const dir = await scratchDir();
    await cp(join(REAL_OUTPUT, 'src'), dir, { recursive: true });
    const types = await readFile(join(dir, 'types.ts'), 'utf8');
    const tampered = types.replace(/(export interface HitPoints \{[\s\S]*?)temp: number;/, '$1temp: number | null;');
    expect(tampered).not.toBe(types);
    await writeFile(join(dir, 'types.ts'), tampered);
    const errors = typeCheck(dir).filter((d) => d.file?.fileName.endsWith('type-conformance.ts'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((d) => d.code === 2344)).toBe(true);
  });
});
