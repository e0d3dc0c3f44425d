// The README documents every error code of the registry and every HTTP route of the contract.
import { readFileSync } from 'node:fs';
import { ERROR_CODES, HTTP_ROUTES } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// Table rows as trimmed cells (the formatter aligns columns with spaces).
const rows = readme
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );

describe('README', () => {
  it.each(Object.entries(ERROR_CODES))('lists %s with its HTTP status and description', (code, definition) => {
    expect(rows).toContainEqual([`\`${code}\``, String(definition.status), definition.description]);
  });

  it.each(Object.keys(HTTP_ROUTES))('documents %s', (key) => {
    expect(rows.some((cells) => cells[0] === `\`${key}\``)).toBe(true);
  });
});
