// Writing generated files, or comparing them with what is on disk.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** Folders of the output that only codegen writes: a file there that codegen did not make is stale. */
const MANAGED_DIRS = ['src', 'json', 'docs'];

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

export interface Drift {
  changed: string[];
  missing: string[];
  unexpected: string[];
}

export async function findDrift(outDir: string, files: ReadonlyMap<string, string>): Promise<Drift> {
  const drift: Drift = { changed: [], missing: [], unexpected: [] };
  for (const [path, content] of files) {
    const current = await readFile(join(outDir, path), 'utf8').catch(() => null);
    if (current === null) drift.missing.push(path);
    else if (current !== content) drift.changed.push(path);
  }
  for (const dir of MANAGED_DIRS) {
    for (const file of await listFiles(join(outDir, dir))) {
      const path = relative(outDir, file);
      if (!files.has(path)) drift.unexpected.push(path);
    }
  }
  return drift;
}

export async function writeOutput(outDir: string, files: ReadonlyMap<string, string>): Promise<Drift> {
  const drift = await findDrift(outDir, files);
  for (const path of [...drift.changed, ...drift.missing]) {
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    await writeFile(join(outDir, path), files.get(path) as string);
  }
  for (const path of drift.unexpected) await rm(join(outDir, path));
  return drift;
}
