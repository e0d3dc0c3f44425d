// The committed drizzle-kit migrations are up to date with both schemas: generating again finds nothing to do.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.js';

const SERVER = fileURLToPath(new URL('../..', import.meta.url));
const DRIZZLE_KIT = join(createRequire(import.meta.url).resolve('drizzle-kit'), '..', 'bin.cjs');
const temp = makeTempDir();
afterAll(() => temp.remove());

describe.each([
  ['sqlite', 'sqlite', 'src/store/sqlite-schema.ts'],
  ['pg', 'postgresql', 'src/store/pg-schema.ts'],
])('drizzle/%s migrations', (folder, dialect, schema) => {
  it('match the schema', () => {
    const work = join(temp.path, folder);
    cpSync(join(SERVER, 'drizzle', folder), join(work, 'out'), { recursive: true });
    const config = { dialect, schema: join(SERVER, schema), out: './out' };
    writeFileSync(join(work, 'drizzle.config.json'), JSON.stringify(config));
    const before = readdirSync(join(work, 'out')).sort();
    const run = spawnSync(process.execPath, [DRIZZLE_KIT, 'generate', '--config', 'drizzle.config.json'], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('No schema changes');
    expect(readdirSync(join(work, 'out')).sort()).toEqual(before);
  });
});
