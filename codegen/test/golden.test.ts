// The real contract: what codegen makes from asyncapi.yaml is exactly what schemas/ holds.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { loadSpec } from '../src/load-spec.js';
import { findDrift } from '../src/output.js';
import { REAL_OUTPUT, REAL_SPEC } from './spec-files.js';

it('regenerates the committed schemas package byte for byte', async () => {
  const files = await generate(await loadSpec(REAL_SPEC));
  expect(await findDrift(REAL_OUTPUT, files)).toEqual({ changed: [], missing: [], unexpected: [] });
  // Spot-check one file so a broken comparison cannot pass silently.
  const events = await readFile(join(REAL_OUTPUT, 'src/events.ts'), 'utf8');
  expect(files.get('src/events.ts')).toBe(events);
});
