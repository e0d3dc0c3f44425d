// Text clipped to the contract's limits stays well-formed: an emoji at the limit is dropped whole, never cut into
// a lone surrogate (which PostgreSQL refuses and every screen shows as �). Found by the cross-package fuzz suite.
import { describe, expect, it } from 'vitest';
import { clip } from '../src/lib/data.js';
import { dnd5eActor } from './sim/fixtures.js';
import { addActor, drain, queuedOf, table } from './sim/harness.js';

const isWellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('clip', () => {
  it('keeps text within the limit, and an emoji whole or not at all', () => {
    expect(clip('short', 200)).toBe('short');
    expect(clip(`${'a'.repeat(199)}😀`, 200)).toBe('a'.repeat(199));
    expect(clip(`${'a'.repeat(198)}😀b`, 200)).toBe(`${'a'.repeat(198)}😀`);
    expect(clip('abc', 2)).toBe('ab');
  });

  it('sends a character whose long name ends with an emoji at the limit as well-formed text', async () => {
    const t = await table({ system: 'dnd5e' });
    drain(t.module);
    const name = `${'Sir '.repeat(50).slice(0, 199)}🐉 the Bold`;
    addActor(t.world, { ...dnd5eActor('randal-human-fighter'), name }, { playerOwned: true });
    const [update] = queuedOf(t.module, 'character:update');
    expect(update?.character.name.length).toBeLessThanOrEqual(200);
    expect(isWellFormed(update?.character.name ?? '')).toBe(true);
    expect(update?.character.name).toBe(name.slice(0, 199));
  });
});
