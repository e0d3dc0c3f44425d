// The real Foundry documents of test/fixtures/foundry: a verbatim copy of the project's shared fixtures
// (SOURCES.md there gives their origin and licences), kept in the repository so a clean clone tests alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `sdk-foundry/test/fixtures/foundry/` (override with TUMULTE_FIXTURES). */
export const FIXTURES_DIR =
  process.env.TUMULTE_FIXTURES ?? `${join(import.meta.dirname, '..', 'fixtures', 'foundry')}/`;

export type Source = Record<string, unknown>;

export function readFixture(path: string): Source {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}${path}`, 'utf8')) as Source;
}

export const DND5E_ACTORS = [
  'beiro-half-elf-bard',
  'goblin',
  'randal-human-fighter',
  'young-red-dragon',
  'zanna-gnome-wizard',
] as const;
export const PF2E_ACTORS = ['ezren-level-1', 'valeros-level-1'] as const;

export const dnd5eActor = (name: (typeof DND5E_ACTORS)[number]) => readFixture(`dnd5e/actors/${name}.json`);
export const pf2eActor = (name: (typeof PF2E_ACTORS)[number]) => readFixture(`pf2e/actors/${name}.json`);
export const chatMessage = (name: string) => readFixture(`chat-messages/${name}.json`);
export const combat = (name: 'k269-combat-1' | 'k269-combat-2') => readFixture(`combats/${name}.json`);

/** A roll of a stored message, decoded (`rolls` holds JSON strings since Foundry v10). */
export function decodedRoll(message: Source, index = 0): Source {
  const rolls = message.rolls as unknown[];
  const raw = rolls[index];
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as Source;
}
