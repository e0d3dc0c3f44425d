// Each project rule rejects a spec that breaks it, naming the file, the line and the rule.
import { describe, expect, it } from 'vitest';
import { CodegenError } from '../src/codegen-error.js';
import { loadSpec } from '../src/load-spec.js';
import { MINI_SPEC, specVariant } from './spec-files.js';

async function problemsOf(edit: { from: string; to: string }) {
  const path = await specVariant(MINI_SPEC, edit);
  const error = await loadSpec(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodegenError);
  return (error as CodegenError).problems;
}

describe('lint rules', () => {
  it('accepts the mini spec', async () => {
    await expect(loadSpec(MINI_SPEC)).resolves.toMatchObject({ document: { asyncapi: '3.0.0' } });
  });

  it.each([
    ['tumulte-reserved-event-name', { from: 'name: round:start', to: 'name: disconnect' }, /reserved by Socket.IO/],
    ['tumulte-event-name', { from: 'name: round:start', to: 'name: RoundStart' }, /must read domain:action/],
    [
      'tumulte-operation-role',
      { from: '    x-recipients: [module, overlay]\n', to: '' },
      /lists its roles in x-recipients/,
    ],
    [
      'tumulte-operation-role',
      { from: 'x-recipients: [module, overlay]', to: 'x-recipients: [module, viewer]' },
      /Unknown role "viewer"/,
    ],
    [
      'tumulte-message-examples',
      { from: '        - name: first\n          payload: { round: 1, phase: setup }\n', to: '' },
      /at least one example/,
    ],
    [
      'tumulte-invalid-examples',
      {
        from: '      x-invalid-examples:\n        - name: negative\n          payload: { player: { name: Ann, color: null }, points: -1, tags: {} }\n',
        to: '',
      },
      /x-invalid-examples/,
    ],
    [
      'tumulte-explicit-additional-properties',
      {
        from: '    RoundStartPayload:\n      type: object\n      additionalProperties: false\n',
        to: '    RoundStartPayload:\n      type: object\n',
      },
      /states additionalProperties/,
    ],
    [
      'tumulte-explicit-additional-properties',
      {
        from: '    NameReplyPayload:\n      type: object\n      additionalProperties: false\n',
        to: '    NameReplyPayload:\n      type: object\n      additionalProperties: true\n',
      },
      /additionalProperties: false/,
    ],
    [
      'tumulte-supported-keywords',
      { from: "          type: [string, 'null']", to: "          type: [string, 'null']\n          format: uri" },
      /"format" is not supported/,
    ],
    [
      'tumulte-object-payload',
      {
        from: '    NameReplyPayload:\n      type: object\n      additionalProperties: false\n      required: [name]\n      properties:\n        name:\n          type: string\n',
        to: '    NameReplyPayload:\n      type: string\n',
      },
      /one JSON object/,
    ],
    [
      'tumulte-payload-ref',
      {
        from: "      payload:\n        $ref: '#/components/schemas/NameAskPayload'",
        to: '      payload:\n        type: object\n        additionalProperties: false',
      },
      /named schema/,
    ],
    [
      'tumulte-error-registry',
      { from: '        INTERNAL:\n          status: 500\n          description: Server error.\n', to: '' },
      /INTERNAL needs x-error-codes/,
    ],
    ['tumulte-http-routes', { from: 'request: ScoreAddPayload', to: 'request: Nope' }, /names schema "Nope"/],
    [
      'tumulte-stub-requirements',
      { from: 'enum: [VALIDATION, UNKNOWN_EVENT, INTERNAL]', to: 'enum: [VALIDATION, INTERNAL]' },
      /answer with UNKNOWN_EVENT/,
    ],
    [
      'tumulte-bounded-integers',
      { from: '          minimum: 1\n          maximum: 1000', to: '          minimum: 1' },
      /states minimum and maximum/,
    ],
    [
      'invalid-ref',
      { from: "$ref: '#/components/schemas/Phase'", to: "$ref: '#/components/schemas/Phaze'" },
      /Phaze' does not exist/,
    ],
  ])('%s', async (rule, edit, message) => {
    const problems = await problemsOf(edit);
    const problem = problems.find((p) => p.rule === rule);
    expect(problem, JSON.stringify(problems, null, 2)).toBeDefined();
    expect(problem?.message).toMatch(message);
    expect(problem?.file).toMatch(/asyncapi\.yaml$/);
    expect(problem?.line).toBeGreaterThan(1);
  });

  it('formats problems as file:line:column error rule: message', async () => {
    const path = await specVariant(MINI_SPEC, { from: 'name: round:start', to: 'name: disconnect' });
    const error = (await loadSpec(path).catch((e: unknown) => e)) as CodegenError;
    expect(error.format()).toMatch(/asyncapi\.yaml:\d+:\d+ error tumulte-reserved-event-name: Event name "disconnect"/);
  });
});
