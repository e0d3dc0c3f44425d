// Text PostgreSQL cannot hold (U+0000, lone surrogates) in contract-valid events: acknowledged and stored with
// U+FFFD on both databases, instead of INTERNAL on PostgreSQL (found by the cross-package fuzz suite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { characterFromRow } from '../game/apply-event.js';
import { characterUpdate, diceRoll, randal } from '../test-support/fixtures.js';
import { pairWithOwner } from '../test-support/pairing-flow.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { connectModule, startTestServer } from '../test-support/test-server.js';
import { storableText } from './storable-text.js';

/** 199 letters and an emoji, cut at 200 UTF-16 units as a module clips names: a lone high surrogate at the end. */
const CUT_NAME = `${'a'.repeat(199)}😀`.slice(0, 200);

describe('storableText', () => {
  it('replaces U+0000 and lone surrogates with U+FFFD, in strings and keys, at any depth', () => {
    expect(storableText(CUT_NAME)).toBe(`${'a'.repeat(199)}\uFFFD`);
    expect(storableText({ list: ['a\u0000b', { 'k\uDC00': 'x\uDFFFy' }] })).toEqual({
      list: ['a\uFFFDb', { 'k\uFFFD': 'x\uFFFDy' }],
    });
  });

  it('keeps well-formed text (emoji, accents, a written-out escape) and returns the same object when nothing changes', () => {
    const clean = { name: 'Zanna 😀 é', items: [{ id: 'x' }], n: 1, none: null, code: '\\u0000 and \\ud800' };
    expect(storableText(clean)).toBe(clean);
    expect(storableText('😀😀')).toBe('😀😀');
    expect(storableText({ text: '\\\u0000' })).toEqual({ text: '\\\uFFFD' });
  });

  it('copes with deep nesting (free-form extensions may nest thousands of levels)', () => {
    let deep: unknown = 'a\u0000';
    for (let level = 0; level < 3_000; level += 1) deep = { a: deep };
    let inner = storableText(deep);
    for (let level = 0; level < 3_000; level += 1) inner = (inner as { a: unknown }).a;
    expect(inner).toBe('a\uFFFD');
  });
});

describe.each(['SQLite', 'PostgreSQL'] as const)('on %s, a module sending such text', (store) => {
  let database: TestDatabase | null = null;
  let ts: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    database = store === 'PostgreSQL' ? await createTestDatabase() : null;
    ts = await startTestServer(database ? { databaseUrl: database.url } : {});
  });
  afterAll(async () => {
    await ts?.close();
    await database?.drop();
  });

  it('is acknowledged, and U+FFFD is stored in its place', async () => {
    const paired = await pairWithOwner(ts);
    const module = await connectModule(ts.url, paired.sessionToken);
    try {
      const update = characterUpdate({ ...randal(), name: CUT_NAME });
      expect(await module.client.emit.characterUpdate(update)).toMatchObject({ ok: true, duplicate: false });
      const roll = diceRoll({ flavor: 'Attack\u0000Roll' });
      expect(await module.client.emit.diceRoll(roll)).toMatchObject({ ok: true, duplicate: false });

      const { character, stored } = await ts.server.store.transaction(async (tx) => ({
        character: await tx.getCharacter(paired.connectionId, randal().vttCharacterId),
        stored: await tx.getDiceRoll(paired.connectionId, roll.rollId),
      }));
      expect(character && characterFromRow(character)?.name).toBe(`${'a'.repeat(199)}\uFFFD`);
      expect(stored?.flavor).toBe('Attack\uFFFDRoll');

      // The module's answer to query:characters goes the same way.
      module.client.on.queryCharacters(() => ({ ok: true, characters: [{ ...randal(), name: 'Ran\u0000dal' }] }));
      const answered = await ts.server.vtt.queryCharacters(paired.connectionId);
      expect(answered.characters.map((c) => c.name)).toEqual(['Ran\uFFFDdal']);
      const listed = await ts.server.store.transaction((tx) => tx.listCharacters(paired.connectionId));
      expect(listed.map((row) => characterFromRow(row)?.name)).toEqual(['Ran\uFFFDdal']);
    } finally {
      module.socket.disconnect();
    }
  });
});
