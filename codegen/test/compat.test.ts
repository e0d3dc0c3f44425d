// The compatibility gate on crafted before/after pairs of the mini contract.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareContracts } from '../src/compat/compare-contracts.js';
import { buildContractModel, type ContractModel } from '../src/contract-model.js';
import { loadSpec } from '../src/load-spec.js';
import { MINI_SPEC, specVariant } from './spec-files.js';

type Edit = { from: string; to: string };

let base: ContractModel;

beforeAll(async () => {
  base = buildContractModel(await loadSpec(MINI_SPEC));
});

async function verdict(...edits: Edit[]) {
  let path = MINI_SPEC;
  for (const edit of edits) path = await specVariant(path, edit);
  return compareContracts(base, buildContractModel(await loadSpec(path)));
}

// score:add is inbound (module → server, ack outbound); round:start and name:ask are outbound (name:ask's
// reply is inbound); POST /scores takes ScoreAddPayload and answers Ack.
const cases: [string, Edit[], boolean, RegExp][] = [
  [
    'removing an event',
    [
      {
        from: "      - $ref: '#/channels/game/messages/roundStart'\n    x-recipients: [module, overlay]",
        to: "      - $ref: '#/channels/game/messages/nameAsk'\n    x-recipients: [module, overlay]",
      },
    ],
    true,
    /round:start: event removed/,
  ],
  [
    'a new required field on an inbound event',
    [{ from: 'required: [player, points, tags]', to: 'required: [player, points, tags, note]' }],
    true,
    /\.note: field is now required/,
  ],
  [
    'a new optional field on an inbound event',
    [
      {
        from: '        note:\n          type: string\n',
        to: '        note:\n          type: string\n        extra:\n          type: boolean\n',
      },
    ],
    false,
    /\.extra: new optional field/,
  ],
  [
    'a new required field on an outbound event',
    [
      {
        from: '      required: [round, phase]\n      properties:\n        round:',
        to: '      required: [round, phase, at]\n      properties:\n        at:\n          type: integer\n          minimum: 0\n          maximum: 10\n        round:',
      },
    ],
    false,
    /\.at: new required field/,
  ],
  [
    'narrowing an inbound enum (via the HTTP request and the ack-less event)',
    [{ from: 'maximum: 100\n', to: 'maximum: 50\n' }],
    true,
    /maximum lowered to 50/,
  ],
  [
    'adding an enum value to an outbound event',
    [{ from: 'enum: [setup, play]', to: 'enum: [setup, play, done]' }],
    true,
    /enum value "done" added/,
  ],
  [
    'removing an enum value of an outbound event',
    [{ from: 'enum: [setup, play]', to: 'enum: [setup]' }],
    false,
    /enum value "play" removed/,
  ],
  [
    'changing a const (discriminated ack branch)',
    [
      {
        from: '        ok:\n          const: true\n        total:',
        to: '        ok:\n          const: 1\n        total:',
      },
    ],
    true,
    /union branch ok=true was removed|const changed/,
  ],
  [
    'making an outbound field nullable',
    [
      {
        from: "        phase:\n          $ref: '#/components/schemas/Phase'",
        to: "        phase:\n          oneOf:\n            - $ref: '#/components/schemas/Phase'\n            - type: 'null'",
      },
    ],
    true,
    /phase: may now be null/,
  ],
  [
    'making an inbound field nullable',
    [
      {
        from: "        player:\n          $ref: '#/components/schemas/Player'",
        to: "        player:\n          oneOf:\n            - $ref: '#/components/schemas/Player'\n            - type: 'null'",
      },
    ],
    false,
    /player: may now be null/,
  ],
  [
    'tightening an inbound string length',
    [{ from: 'maxLength: 20', to: 'maxLength: 10' }],
    true,
    /maxLength lowered to 10/,
  ],
  [
    'removing a required field from an outbound reply (ack)',
    [
      {
        from: '      required: [ok, total]\n      properties:\n        ok:\n          const: true\n        total:\n          type: number',
        to: '      required: [ok]\n      properties:\n        ok:\n          const: true',
      },
    ],
    true,
    /total: required field removed/,
  ],
  [
    'removing a field from an inbound event',
    [{ from: '        note:\n          type: string\n', to: '' }],
    true,
    /\.note: field removed/,
  ],
  [
    'removing an HTTP route',
    [{ from: '  - method: POST\n    path: /scores', to: '  - method: POST\n    path: /points' }],
    true,
    /POST \/scores: HTTP route removed/,
  ],
  [
    'widening an inbound type',
    [{ from: '        points:\n          type: integer', to: '        points:\n          type: number' }],
    false,
    /type number now allowed/,
  ],
];

describe('contract compatibility gate', () => {
  it('finds nothing between a contract and itself', async () => {
    const report = await verdict();
    expect(report).toMatchObject({ changes: [], compatible: true });
  });

  it.each(cases)('%s', async (_, edits, breaking, message) => {
    const report = await verdict(...edits);
    expect(report.changes.map((c) => `${c.path}: ${c.message}`).join('\n')).toMatch(message);
    expect(report.breaking.length > 0).toBe(breaking);
    expect(report.compatible).toBe(!breaking);
  });

  it('accepts a breaking change when the major version goes up', async () => {
    const report = await verdict(
      { from: 'maxLength: 20', to: 'maxLength: 10' },
      { from: 'version: 2.1.0', to: 'version: 3.0.0' },
    );
    expect(report.breaking.length).toBeGreaterThan(0);
    expect(report.compatible).toBe(true);
  });

  it('reads a released contract that predates a lint rule', async () => {
    const old = await specVariant(MINI_SPEC, {
      from: '          minimum: 1\n          maximum: 1000',
      to: '          minimum: 1',
    });
    await expect(loadSpec(old)).rejects.toThrow();
    const report = compareContracts(buildContractModel(await loadSpec(old, { projectRules: false })), base);
    expect(report.changes.map((c) => c.message)).toContain('maximum lowered to 1000');
  });

  it('the CLI exits 1 on a breaking change and 0 on an additive one', async () => {
    const cli = join(import.meta.dirname, '../src/compat-cli.ts');
    const run = (spec: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', cli, '--base', MINI_SPEC, '--spec', spec], { encoding: 'utf8' });
    const breaking = run(
      await specVariant(MINI_SPEC, { from: 'enum: [setup, play]', to: 'enum: [setup, play, done]' }),
    );
    expect(breaking.status).toBe(1);
    expect(breaking.stdout).toMatch(/BREAKING .*enum value "done" added/);
    expect(breaking.stderr).toMatch(/bump the major version/);
    const additive = run(await specVariant(MINI_SPEC, { from: 'enum: [setup, play]', to: 'enum: [setup]' }));
    expect(additive.status).toBe(0);
  });
});
