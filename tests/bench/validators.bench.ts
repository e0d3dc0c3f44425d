// Generated zod validators vs ajv on the published JSON Schema, on the same payloads, in one process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CharacterUpdatePayloadSchema, DiceRollPayloadSchema } from '@tumulte/schemas';
import { Ajv } from 'ajv';
import { Bench } from 'tinybench';
import { z } from 'zod';
import { contractMessages, publishedJsonSchemas, SCHEMAS_PACKAGE } from '../contract/contract-document.js';
import { type BenchSection, formatNumber, ratio } from './report.js';

const example = (key: string) => {
  const message = contractMessages().find((m) => m.key === key);
  if (!message?.examples[0]) throw new Error(`No example for ${key}`);
  return message.examples[0].payload;
};

export async function validatorsBench(): Promise<BenchSection> {
  const ajv = new Ajv({ strict: true });
  for (const schema of publishedJsonSchemas()) ajv.addSchema(schema);
  const base = JSON.parse(readFileSync(join(SCHEMAS_PACKAGE, 'json/v1/events.json'), 'utf8')).baseUrl as string;
  const cases = [
    {
      name: 'dice:roll',
      payload: example('DiceRoll'),
      zod: DiceRollPayloadSchema,
      ajvId: `${base}components/DiceRollPayload.json`,
    },
    {
      name: 'character:update',
      payload: example('CharacterUpdate'),
      zod: CharacterUpdatePayloadSchema,
      ajvId: `${base}components/CharacterUpdatePayload.json`,
    },
  ];
  const rows: (string | number)[][] = [];
  for (const c of cases) {
    const ajvCheck = ajv.getSchema(c.ajvId);
    if (!ajvCheck) throw new Error(`No JSON Schema ${c.ajvId}`);
    const compiled = z.compile(c.zod);
    if (!c.zod.safeParse(c.payload).success || !compiled.safeParse(c.payload).success || !ajvCheck(c.payload)) {
      throw new Error(`${c.name} example does not validate`);
    }
    const bench = new Bench({ time: 700, warmupTime: 200 });
    bench
      .add('ajv (baseline)', () => ajvCheck(c.payload))
      .add('zod safeParse (generated)', () => c.zod.safeParse(c.payload))
      .add('zod compiled (z.compile)', () => compiled.safeParse(c.payload));
    await bench.run();
    const hz = bench.tasks.map((task) => {
      const result = task.result;
      return result.state === 'completed' ? result.throughput.mean : 0;
    });
    const baseline = hz[0] ?? 1;
    for (const [i, task] of bench.tasks.entries()) {
      rows.push([c.name, task.name, formatNumber(hz[i] ?? 0), ratio(hz[i] ?? 0, baseline)]);
    }
  }
  return {
    title: 'Validators: generated zod vs ajv',
    method:
      'Parses per second of the contract example payloads, strict validators, same process, tinybench (700 ms per task after 200 ms warm-up). ajv compiles the published JSON Schema; zod is the generated validator, plain and through `z.compile`.',
    columns: ['payload', 'validator', 'parses/s', 'vs ajv'],
    rows,
    notes: ['Either way validation costs microseconds per event, far below the socket write and the database insert.'],
  };
}
