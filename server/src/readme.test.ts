// The README documents every error code of the registry and every HTTP route of the contract.
import { readFileSync } from 'node:fs';
import { ERROR_CODES, HTTP_ROUTES } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// Routes of the dashboard login, overlays and polls arrive with the overlay issue.
const LATER = /^(GET|POST) \/api\//;

describe('README', () => {
  it.each(Object.entries(ERROR_CODES))(
    'lists %s with its HTTP status and description',
    (code, { status, description }) => {
      expect(readme).toContain(`| \`${code}\` | ${status} | ${description} |`);
    },
  );

  it.each(Object.keys(HTTP_ROUTES).filter((key) => !LATER.test(key)))('documents %s', (key) => {
    expect(readme).toContain(`| \`${key}\` |`);
  });
});
