// The generator itself: its mutations are mostly invalid, and the pollution ones really carry the key.
import { DiceRollPayloadSchema } from '@tumulte/schemas';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { contractMessages } from '../contract/contract-document.js';
import { hostilePayloads, oversizePayloads } from './mutations.js';

const example = contractMessages().find((m) => m.key === 'DiceRoll')?.examples[0]?.payload;

it('produces payloads of every kind, the hostile ones mostly rejected by the strict validator', () => {
  const samples = fc.sample(hostilePayloads(example as never), { numRuns: 500, seed: 42 });
  const kinds = new Set(samples.map((s) => s.kind));
  expect(kinds).toEqual(
    new Set([
      'wrong type',
      'missing field',
      'unknown field',
      'huge string',
      'deep nesting',
      'prototype pollution',
      'tricky text',
      'random JSON',
    ]),
  );
  // Tricky text is mostly valid on purpose (free-text fields must survive storage); the rest is mostly invalid.
  const hostile = samples.filter((s) => s.kind !== 'tricky text');
  const rejected = hostile.filter((s) => !DiceRollPayloadSchema.safeParse(JSON.parse(s.payload)).success);
  expect(rejected.length / hostile.length).toBeGreaterThan(0.9);
});

it('puts prototype-pollution keys in the JSON text as own keys', () => {
  const samples = fc
    .sample(hostilePayloads(example as never), { numRuns: 300, seed: 7 })
    .filter((s) => s.kind === 'prototype pollution');
  expect(samples.some((s) => s.payload.includes('"__proto__":{"polluted":true}'))).toBe(true);
  for (const s of samples) expect(DiceRollPayloadSchema.safeParse(JSON.parse(s.payload)).success).toBe(false);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

it('makes oversize payloads within the asked size range, still JSON', () => {
  for (const { payload } of fc.sample(oversizePayloads(example as never, 70_000, 120_000), { numRuns: 20, seed: 3 })) {
    const bytes = Buffer.byteLength(payload);
    expect(bytes).toBeGreaterThan(65_536);
    expect(bytes).toBeLessThan(131_072);
    expect(() => JSON.parse(payload)).not.toThrow();
  }
});
