// Issue 7: `npm pack` of @tumulte/schemas, installed into a project outside the workspace, type-checks and
// validates an example payload, as a third party would use it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROTOCOL_VERSION } from '@tumulte/schemas';
import { afterAll, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const schemasPackage = dirname(require.resolve('@tumulte/schemas/package.json'));
const tsc = require.resolve('typescript/bin/tsc');
const project = mkdtempSync(join(tmpdir(), 'tumulte-third-party-'));

afterAll(() => rmSync(project, { recursive: true, force: true }));

const CONSUMER = `import { DiceRollPayloadSchema, PROTOCOL_VERSION, VTT_EVENTS, type DiceRollPayload } from '@tumulte/schemas';
import events from '@tumulte/schemas/json/v1/events.json' with { type: 'json' };

const roll: DiceRollPayload = {
  eventId: '01JDKX4A1B2C3D4E5F6G7H8J9K',
  worldId: 'my-world',
  timestamp: 1764064860000,
  rollId: 'm1.0',
  messageId: 'm1',
  character: { id: 'c1', name: 'Ayla', img: null },
  result: { formula: '1d20 + 5', total: 25, dice: [{ faces: 20, results: [{ value: 20, active: true }] }] },
  rollType: 'attack',
  critical: { kind: 'success', source: 'natural' },
  visibility: 'public',
  flavor: null,
};
const good = DiceRollPayloadSchema.safeParse(roll).success;
const bad = DiceRollPayloadSchema.safeParse({ ...roll, visibility: 'everyone' }).success;
console.log(JSON.stringify({ good, bad, version: PROTOCOL_VERSION, event: VTT_EVENTS.diceRoll, indexed: events.events.length }));
`;

it('packs, installs outside the workspace, type-checks and validates', () => {
  const packed = execFileSync('npm', ['pack', '--pack-destination', project, '--silent'], {
    cwd: schemasPackage,
    encoding: 'utf8',
  }).trim();
  const tarball = join(project, packed.split('\n').at(-1) ?? '');
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  for (const file of [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/client.js',
    'dist/server.js',
    'json/v1/events.json',
    'asyncapi.yaml',
    'PROTOCOL.md',
  ]) {
    expect(files).toContain(`package/${file}`);
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'third-party-vtt', private: true, type: 'module' }),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball], {
    cwd: project,
    stdio: 'pipe',
  });
  expect(readdirSync(join(project, 'node_modules'))).toContain('zod');
  writeFileSync(join(project, 'index.ts'), CONSUMER);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        resolveJsonModule: true,
        skipLibCheck: false,
        outDir: 'out',
        types: [],
      },
      files: ['index.ts'],
    }),
  );
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: project, stdio: 'pipe' });
  const output = execFileSync(process.execPath, [join(project, 'out/index.js')], { cwd: project, encoding: 'utf8' });
  // The packed package speaks the protocol of the contract it was generated from.
  expect(JSON.parse(output)).toMatchObject({ good: true, bad: false, version: PROTOCOL_VERSION, event: 'dice:roll' });
  expect(JSON.parse(output).indexed).toBeGreaterThan(20);
});
