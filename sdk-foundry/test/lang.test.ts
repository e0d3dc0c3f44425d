// lang/en.json and lang/fr.json have the same keys, and every key the code and the templates use exists.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLang } from './sim/runtime.js';

const root = join(import.meta.dirname, '..');

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ext) : path.endsWith(ext) ? [path] : [];
  });
}

/** Every `TUMULTE.…` string literal in the sources and every `localize "TUMULTE.…"` in the templates. */
function usedKeys(): Set<string> {
  const keys = new Set<string>();
  for (const file of files(join(root, 'src'), '.ts')) {
    for (const match of readFileSync(file, 'utf8').matchAll(/['"`](TUMULTE\.[A-Za-z0-9_.]+)['"`]/g))
      keys.add(match[1] as string);
  }
  for (const file of files(join(root, 'templates'), '.hbs')) {
    for (const match of readFileSync(file, 'utf8').matchAll(/localize\s+"(TUMULTE\.[A-Za-z0-9_.]+)"/g))
      keys.add(match[1] as string);
  }
  return keys;
}

describe('lang files', () => {
  const en = loadLang('en');
  const fr = loadLang('fr');

  it('en and fr have the same keys', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('no string is empty, and placeholders match between languages', () => {
    for (const [key, value] of Object.entries(en)) {
      expect(value.trim(), key).not.toBe('');
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(fr[key] ?? ''), key).toEqual(placeholders(value));
    }
  });

  it('every key used in the code and the templates exists', () => {
    const used = usedKeys();
    expect(used.size).toBeGreaterThan(40);
    const missing = [...used].filter((key) => !(key in en));
    expect(missing).toEqual([]);
  });

  it('every key in the files is used (no dead strings)', () => {
    const used = usedKeys();
    expect(Object.keys(en).filter((key) => !used.has(key))).toEqual([]);
  });
});
