// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CODES, tolerant } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';
import { WIDGETS } from '../overlay/options';
import { LOCALES } from '../shared/lang';
import { createAppI18n, messages } from '.';

const SRC = join(import.meta.dirname, '..');

/** Every leaf key of a message tree, as dotted paths. */
function keysOf(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value as object, `${prefix}${key}.`),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|vue)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const english = new Set(keysOf(messages.en));
const roots = Object.keys(messages.en).join('|');
const sources = sourceFiles(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

/** Keys built at run time from a value of the contract (or of this app), and every value they take. */
const DYNAMIC_FAMILIES: Record<string, readonly string[]> = {
  'errors.code.': Object.keys(ERROR_CODES),
  'rollType.': tolerant.RollTypeSchema.options,
  'polls.status.': tolerant.PollStatusSchema.options,
  'widget.': WIDGETS,
  'connections.': ['online', 'offline', 'revoked'],
};

describe('i18n', () => {
  it('has the same keys in every language', () => {
    for (const locale of LOCALES) {
      expect(new Set(keysOf(messages[locale])), locale).toEqual(english);
    }
  });

  it('has every key the code uses', () => {
    const literal = new RegExp(`'((?:${roots})\\.[A-Za-z0-9_.]+)'`, 'g');
    const missing: string[] = [];
    let used = 0;
    for (const { path, text } of sources) {
      for (const match of text.matchAll(literal)) {
        const key = match[1] ?? '';
        // Imports and file names ("./en", "../i18n") are not message keys.
        if (key.endsWith('.vue') || key.endsWith('.css') || key.endsWith('.ts')) continue;
        used += 1;
        if (!english.has(key)) missing.push(`${path}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
    expect(used).toBeGreaterThan(100);
  });

  it('builds keys at run time only in known families, each complete', () => {
    const dynamic = /\bt\(\s*`([^`$]*)\$\{/g;
    const built = /`((?:errors)\.[A-Za-z.]*)\$\{/g;
    for (const { path, text } of sources) {
      for (const match of [...text.matchAll(dynamic), ...text.matchAll(built)]) {
        expect(Object.keys(DYNAMIC_FAMILIES), `${path}: ${match[1]}`).toContain(match[1]);
      }
    }
    for (const [prefix, values] of Object.entries(DYNAMIC_FAMILIES)) {
      for (const value of values) expect(english.has(`${prefix}${value}`), `${prefix}${value}`).toBe(true);
    }
  });

  it('has no unused key', () => {
    const everything = sources.map((source) => source.text).join('\n');
    const unused = [...english].filter((key) => {
      if (Object.keys(DYNAMIC_FAMILIES).some((prefix) => key.startsWith(prefix))) return false;
      return !everything.includes(`'${key}'`);
    });
    expect(unused).toEqual([]);
  });

  it('compiles every message in every language', () => {
    for (const locale of LOCALES) {
      const i18n = createAppI18n(locale);
      for (const key of english) {
        const text = i18n.global.t(key, {
          n: 2,
          count: 2,
          name: 'N',
          world: 'W',
          label: 'L',
          labels: 'L',
          time: '1:00',
          ms: 5,
          date: 'D',
          current: 1,
          max: 2,
          temp: 3,
          round: 4,
        });
        expect(text, `${locale} ${key}`).not.toBe(key);
        expect(text, `${locale} ${key}`).not.toMatch(/[{}]/);
      }
    }
  });

  it('uses the plural separator only in plural messages', () => {
    const plurals = new Set(['poll.votes']);
    let seen = 0;
    for (const locale of LOCALES) {
      for (const key of english) {
        const raw = key
          .split('.')
          .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages[locale]);
        if (typeof raw === 'string' && raw.includes('|')) {
          seen += 1;
          expect(plurals, `${locale} ${key}`).toContain(key);
        }
      }
    }
    expect(seen).toBe(plurals.size * LOCALES.length);
  });

  it('never renders HTML from data', () => {
    for (const { path, text } of sources) {
      expect(text, path).not.toMatch(/v-html|innerHTML|insertAdjacentHTML/);
    }
  });
});
