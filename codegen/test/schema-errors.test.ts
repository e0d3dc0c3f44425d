// The emitters refuse what they cannot express faithfully instead of emitting `any`.
import { describe, expect, it } from 'vitest';
import { CodegenError } from '../src/codegen-error.js';
import type { ContractModel, JsonSchema } from '../src/contract-model.js';
import { emitTypes } from '../src/emitters/types.js';
import { emitValidators, emitZodHelpers } from '../src/emitters/validators.js';

const modelOf = (schemas: Record<string, JsonSchema>): ContractModel => ({
  title: 't',
  description: '',
  protocolVersion: '1.0.0',
  major: 1,
  securityDescription: null,
  schemas: new Map(Object.entries(schemas)),
  namespaces: [],
  errorCodes: [],
  httpRoutes: [],
  guide: [],
});

describe('emitter errors', () => {
  it('rejects an unknown keyword with the schema path', () => {
    const model = modelOf({ Email: { type: 'string', format: 'email' } });
    expect(() => emitValidators(model, 'strict')).toThrow(
      /components\.schemas\.Email: schema keyword "format" is not supported/,
    );
  });

  it('rejects recursive schemas', () => {
    const model = modelOf({
      Node: {
        type: 'object',
        additionalProperties: false,
        properties: { next: { $ref: '#/components/schemas/Node' } },
      },
    });
    expect(() => emitValidators(model, 'strict')).toThrow(/Recursive schemas are not supported: Node → Node/);
  });

  it('rejects a $ref combined with constraints (draft-07 would ignore them)', () => {
    const model = modelOf({
      Id: { type: 'string' },
      Holder: {
        type: 'object',
        additionalProperties: false,
        properties: { id: { $ref: '#/components/schemas/Id', maxLength: 3 } },
      },
    });
    expect(() => emitValidators(model, 'strict')).toThrow(CodegenError);
  });

  it('asks for a name when an inline enum would become an anonymous type', async () => {
    const model = modelOf({
      Roll: {
        type: 'object',
        additionalProperties: false,
        required: ['kind'],
        properties: { kind: { type: 'string', enum: ['a', 'b'] } },
      },
    });
    await expect(emitTypes(model)).rejects.toThrow(/move them to components\.schemas/);
  });

  it('emits a discriminated union when every branch has a required const tag', () => {
    const branch = (tag: string) => ({
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: { kind: { const: tag } },
    });
    const model = modelOf({
      A: branch('a'),
      B: branch('b'),
      AorB: { oneOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }] },
    });
    expect(emitValidators(model, 'strict')).toContain(
      'export const AorBSchema = z.discriminatedUnion("kind", [ASchema, BSchema]);',
    );
    // No record with key rules: no helper file, and nothing imports one.
    expect(emitZodHelpers(model)).toBeNull();
    expect(emitValidators(model, 'strict')).not.toContain('zod-helpers');
  });
});
