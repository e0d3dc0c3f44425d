// Helpers to write variants of a spec into a temporary folder.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MINI_SPEC = join(import.meta.dirname, 'fixtures/mini.yaml');
export const REAL_SPEC = join(import.meta.dirname, '../../asyncapi.yaml');
export const REAL_OUTPUT = join(import.meta.dirname, '../../schemas');

/** Writes `spec` with `edit` applied (an exact, single replacement) to a new temp folder; returns its path. */
export async function specVariant(spec: string, edit?: { from: string; to: string }): Promise<string> {
  let text = await readFile(spec, 'utf8');
  if (edit) {
    if (text.split(edit.from).length !== 2) throw new Error(`"${edit.from}" must occur exactly once in ${spec}`);
    text = text.replace(edit.from, edit.to);
  }
  const dir = await mkdtemp(join(tmpdir(), 'tumulte-codegen-'));
  const path = join(dir, 'asyncapi.yaml');
  await writeFile(path, text);
  return path;
}
