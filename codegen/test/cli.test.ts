// The CLI as CI runs it: `codegen` writes, `codegen --check` fails on any drift and names the files.
import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { MINI_SPEC, specVariant } from './spec-files.js';

const CLI = join(import.meta.dirname, '../src/cli.ts');

function codegen(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('codegen CLI', () => {
  let out: string;
  let spec: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'tumulte-out-'));
    spec = await specVariant(MINI_SPEC);
    expect(codegen('--spec', spec, '--out', out).status).toBe(0);
  });

  it('--check passes right after generating', () => {
    const { status, output } = codegen('--check', '--spec', spec, '--out', out);
    expect(status).toBe(0);
    expect(output).toMatch(/generated files match/);
  });

  it('--check fails after a hand edit of a generated file, naming it', async () => {
    await appendFile(join(out, 'src/validators.ts'), '\nexport const handEdit = 1;\n');
    const { status, output } = codegen('--check', '--spec', spec, '--out', out);
    expect(status).toBe(1);
    expect(output).toMatch(/OUTPUT_STALE/);
    expect(output).toMatch(/changed: +src\/validators\.ts/);
  });

  it('--check fails after a contract change that was not regenerated', async () => {
    const text = await readFile(spec, 'utf8');
    await writeFile(spec, text.replace('maximum: 100\n', 'maximum: 99\n'));
    const { status, output } = codegen('--check', '--spec', spec, '--out', out);
    expect(status).toBe(1);
    expect(output).toMatch(/changed: +src\/validators\.ts/);
    expect(output).toMatch(/changed: +json\/v2\/components\/ScoreAddPayload\.json/);
  });

  it('--check reports a file codegen no longer makes', async () => {
    await writeFile(join(out, 'json/v2/components/Old.json'), '{}\n');
    const { status, output } = codegen('--check', '--spec', spec, '--out', out);
    expect(status).toBe(1);
    expect(output).toMatch(/unexpected: +json\/v2\/components\/Old\.json/);
  });

  it('rewrites drifted files and removes stale ones', async () => {
    await appendFile(join(out, 'src/types.ts'), '// edit\n');
    await writeFile(join(out, 'src/old.ts'), '\n');
    expect(codegen('--spec', spec, '--out', out).status).toBe(0);
    expect(codegen('--check', '--spec', spec, '--out', out).status).toBe(0);
  });

  it.each([
    [
      'a reserved event name',
      { from: 'name: round:start', to: 'name: connect' },
      /error tumulte-reserved-event-name: Event name "connect" is reserved/,
    ],
    [
      'a dangling $ref',
      { from: "$ref: '#/components/schemas/Phase'", to: "$ref: '#/components/schemas/Gone'" },
      /error invalid-ref: '#\/components\/schemas\/Gone' does not exist/,
    ],
    [
      'an unsupported keyword',
      {
        from: '          minLength: 1\n          maxLength: 20',
        to: '          minLength: 1\n          maxLength: 20\n          format: email',
      },
      /error tumulte-supported-keywords: Schema keyword "format" is not supported/,
    ],
  ])('fails with a clear message on %s', async (_, edit, message) => {
    const broken = await specVariant(MINI_SPEC, edit);
    const { status, output } = codegen('--check', '--spec', broken, '--out', out);
    expect(status).toBe(2);
    expect(output).toMatch(/SPEC_INVALID/);
    expect(output).toMatch(/asyncapi\.yaml:\d+:\d+ /);
    expect(output).toMatch(message);
  });
});
