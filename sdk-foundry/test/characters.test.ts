// Every dnd5e and pf2e fixture actor becomes a character:update the generated validator accepts, with the numbers
// the fixture implies. The fixtures are pack sources: derived values (ability modifiers, AC, max HP of
// characters) are absent, so the adapters compute them; the expectations below are derived from the fixture's
// own fields, step by step, with the system's rule named.
import { CharacterUpdatePayloadSchema } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';
import { DND5E_ACTORS, dnd5eActor, PF2E_ACTORS, pf2eActor, type Source } from './sim/fixtures.js';
import { addActor, drain, queuedOf, table } from './sim/harness.js';

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON, read as the tests need
type Any = Record<string, any>;

const mod = (score: number) => Math.floor((score - 10) / 2);
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON, read as the tests need
const items = (actor: Source): any[] => actor.items as any[];
const item = (actor: Source, name: string) => {
  const found = items(actor).find((i) => i.name === name);
  if (!found) throw new Error(`fixture has no item ${name}`);
  return found;
};
const system = (actor: Source) => actor.system as Any;

async function characterOf(source: Source, world: 'dnd5e' | 'pf2e', playerOwned = false) {
  const t = await table({ system: world, systemVersion: world === 'dnd5e' ? '5.3.3' : '6.0.0' });
  await t.gmClient.game.settings.set('tumulte-integration', 'npcVisibility', 'all');
  drain(t.module);
  addActor(t.world, source, { playerOwned });
  const updates = queuedOf(t.module, 'character:update');
  expect(updates).toHaveLength(1);
  const payload = updates[0];
  expect(CharacterUpdatePayloadSchema.safeParse(payload).success).toBe(true);
  return payload?.character as NonNullable<typeof payload>['character'];
}

describe('dnd5e fixture actors', () => {
  it.each(DND5E_ACTORS)('%s produces a valid character:update', async (name) => {
    const source = dnd5eActor(name);
    const character = await characterOf(source, 'dnd5e');
    expect(character.vttCharacterId).toBe(source._id);
    expect(character.name).toBe(source.name);
    expect(character.characterType).toBe(source.type === 'character' ? 'pc' : 'npc');
    expect(character.metadata.system).toBe('dnd5e');
    // Abilities: the stored scores, modifier floor((score − 10) / 2) (dnd5e common.mjs).
    for (const [key, value] of Object.entries(system(source).abilities as Any)) {
      expect(character.stats.abilities[key]).toEqual({ value: value.value, mod: mod(value.value) });
    }
    expect(character.stats.hp.current).toBe(system(source).attributes.hp.value);
    // Inventory: the physical items only (no class, feat, spell, race or background).
    const physical = items(source).filter((i) =>
      ['weapon', 'equipment', 'consumable', 'tool', 'loot', 'container', 'backpack'].includes(i.type),
    );
    expect(character.inventory.map((i) => i.id).sort()).toEqual(physical.map((i) => i._id).sort());
  });

  it('Randal: max HP from the Fighter hit die, AC from chain mail, shield and the Defense style', async () => {
    const source = dnd5eActor('randal-human-fighter');
    const c = await characterOf(source, 'dnd5e', true);
    const s = system(source);
    const fighter = item(source, 'Fighter');
    const conMod = mod(s.abilities.con.value);
    const hitDie = Number(String(fighter.system.hitDice).slice(1)); // "d10"
    expect(fighter.system.advancement.find((a: Any) => a.type === 'HitPoints').value['1']).toBe('max');
    expect(c.stats.hp).toEqual({ current: s.attributes.hp.value, max: hitDie + conMod, temp: 0 });
    const chain = item(source, 'Chain Mail').system;
    const shield = item(source, 'Shield').system;
    const defense = Number(item(source, 'Defense').effects[0].changes[0].value); // "+1" on ac.bonus
    expect(chain.type.value).toBe('heavy'); // heavy armour: no Dex
    expect(c.stats.ac).toBe(chain.armor.value + shield.armor.value + defense);
    expect(c.stats.level).toBe(fighter.system.levels);
    expect(c.stats.classes).toEqual([{ name: 'Fighter', level: fighter.system.levels }]);
    expect(c.characterType).toBe('pc');
  });

  it('Zanna: no armour worn, AC 10 + Dex; Mage Armor and Shield effects are disabled', async () => {
    const source = dnd5eActor('zanna-gnome-wizard');
    const c = await characterOf(source, 'dnd5e');
    const s = system(source);
    expect(c.stats.ac).toBe(10 + mod(s.abilities.dex.value));
    expect(c.stats.hp.max).toBe(
      Number(String(item(source, 'Wizard').system.hitDice).slice(1)) + mod(s.abilities.con.value),
    );
    expect(c.stats.level).toBe(1);
  });

  it('Beiro: light leather armour adds the full Dex modifier', async () => {
    const source = dnd5eActor('beiro-half-elf-bard');
    const c = await characterOf(source, 'dnd5e');
    const s = system(source);
    const leather = item(source, 'Leather Armor').system;
    expect(leather.type.value).toBe('light');
    expect(c.stats.ac).toBe(leather.armor.value + mod(s.abilities.dex.value));
    expect(c.stats.hp.max).toBe(
      Number(String(item(source, 'Bard').system.hitDice).slice(1)) + mod(s.abilities.con.value),
    );
  });

  it('Goblin: stored max HP, leather + shield, CR in the extensions, no level', async () => {
    const source = dnd5eActor('goblin');
    const c = await characterOf(source, 'dnd5e');
    const s = system(source);
    expect(c.stats.hp).toEqual({
      current: s.attributes.hp.value,
      max: s.attributes.hp.max,
      temp: s.attributes.hp.temp,
    });
    expect(c.stats.ac).toBe(
      item(source, 'Leather Armor').system.armor.value +
        mod(s.abilities.dex.value) +
        item(source, 'Shield').system.armor.value,
    );
    expect(c.stats.level).toBeNull();
    expect(c.metadata.extensions).toEqual({ dnd5e: { cr: s.details.cr } });
  });

  it('Young Red Dragon: natural armour is the flat value', async () => {
    const source = dnd5eActor('young-red-dragon');
    const c = await characterOf(source, 'dnd5e');
    const s = system(source);
    expect(s.attributes.ac.calc).toBe('natural');
    expect(c.stats.ac).toBe(s.attributes.ac.flat);
    expect(c.stats.hp.max).toBe(s.attributes.hp.max);
    expect(c.stats.hp.temp).toBe(0); // null in the source
  });

  it('prefers live derived values when the document has them', async () => {
    const source = structuredClone(dnd5eActor('randal-human-fighter')) as Any;
    source.system.attributes.ac.value = 21;
    source.system.attributes.hp.max = 30;
    source.system.abilities.str.mod = 9;
    const c = await characterOf(source, 'dnd5e');
    expect(c.stats.ac).toBe(21);
    expect(c.stats.hp.max).toBe(30);
    expect(c.stats.abilities.str?.mod).toBe(9);
  });
});

/**
 * pf2e attribute boosts from the pack source: +2 per boost (+1 from 18 up), in the order ancestry, background,
 * class key attribute, then the level-1 free boosts of `system.build`.
 */
function pf2eModifiers(source: Source): Record<string, number> {
  const scores: Record<string, number> = { str: 10, dex: 10, con: 10, int: 10, wis: 10, cha: 10 };
  const boost = (key: string) => {
    scores[key] = (scores[key] ?? 10) + ((scores[key] ?? 10) >= 18 ? 1 : 2);
  };
  const chosen = (slot: Any) => slot.selected ?? (slot.value?.length === 1 ? slot.value[0] : null);
  for (const type of ['ancestry', 'background']) {
    for (const slot of Object.values(items(source).find((i) => i.type === type).system.boosts as Any)) {
      const key = chosen(slot);
      if (key) boost(key);
    }
  }
  boost(chosen(items(source).find((i) => i.type === 'class').system.keyAbility));
  const build = system(source).build;
  for (const key of (build.attributes ?? build.abilities).boosts['1']) boost(key);
  return Object.fromEntries(Object.entries(scores).map(([key, score]) => [key, mod(score)]));
}

describe('pf2e fixture actors', () => {
  it.each(PF2E_ACTORS)('%s produces a valid character:update', async (name) => {
    const source = pf2eActor(name);
    const c = await characterOf(source, 'pf2e');
    const s = system(source);
    const ancestry = items(source).find((i) => i.type === 'ancestry');
    const cls = items(source).find((i) => i.type === 'class');
    const level = s.details.level.value;
    const mods = pf2eModifiers(source);
    expect(c.characterType).toBe('pc');
    expect(c.stats.level).toBe(level);
    expect(c.stats.classes).toEqual([{ name: cls.name, level }]);
    for (const [key, value] of Object.entries(mods))
      expect(c.stats.abilities[key]).toEqual({ value: null, mod: value });
    // HP: ancestry HP + (class HP + Con) × level; the fixture's current HP is that maximum.
    const max = ancestry.system.hp + (cls.system.hp + (mods.con ?? 0)) * level;
    expect(c.stats.hp).toEqual({ current: s.attributes.hp.value, max, temp: s.attributes.hp.temp });
    expect(c.stats.hp.current).toBe(max);
    expect(c.metadata.extensions?.pf2e).toMatchObject({ ancestry: ancestry.name });
  });

  it('Valeros: AC from the worn breastplate (Dex capped, trained in medium armour)', async () => {
    const source = pf2eActor('valeros-level-1');
    const c = await characterOf(source, 'pf2e');
    const breastplate = item(source, 'Breastplate').system;
    const fighter = items(source).find((i) => i.type === 'class').system;
    const level = system(source).details.level.value;
    const dex = pf2eModifiers(source).dex ?? 0;
    const proficiency = 2 * fighter.defenses[breastplate.category] + level;
    expect(c.stats.ac).toBe(10 + Math.min(dex, breastplate.dexCap) + proficiency + breastplate.acBonus);
    // The shield is not raised, so it does not count.
    const longsword = c.inventory.find((i) => i.name === 'Longsword');
    expect(longsword?.equipped).toBe(true);
  });

  it('Ezren: unarmoured, AC 10 + Dex + trained', async () => {
    const source = pf2eActor('ezren-level-1');
    const c = await characterOf(source, 'pf2e');
    const wizard = items(source).find((i) => i.type === 'class').system;
    const level = system(source).details.level.value;
    expect(c.stats.ac).toBe(10 + (pf2eModifiers(source).dex ?? 0) + 2 * wizard.defenses.unarmored + level);
    const elixir = c.inventory.find((i) => i.name === 'Elixir of Life (Minor)');
    expect(elixir?.uses).toEqual({ value: 1, max: 1 });
  });
});

describe('character updates', () => {
  it('coalesces a burst of HP changes into one event with the latest state', async () => {
    const t = await table();
    const randal = addActor(t.world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    drain(t.module);
    for (const hp of [11, 9, 4]) t.world.updateActor(randal, { 'system.attributes.hp.value': hp });
    const updates = queuedOf(t.module, 'character:update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.character.stats.hp.current).toBe(4);
  });

  it('sends nothing when an update does not change the character', async () => {
    const t = await table();
    const randal = addActor(t.world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    drain(t.module);
    t.world.updateActor(randal, { 'flags.core.sheetClass': 'x' });
    expect(queuedOf(t.module, 'character:update')).toHaveLength(0);
  });

  it('does not share NPCs by default, deletes characters that go away', async () => {
    const t = await table();
    addActor(t.world, dnd5eActor('goblin'));
    const randal = addActor(t.world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    expect(queuedOf(t.module, 'character:update').map((p) => p.character.name)).toEqual([randal.name]);
    t.world.deleteActor(randal);
    expect(queuedOf(t.module, 'character:delete')).toEqual([expect.objectContaining({ vttCharacterId: randal.id })]);
    // The unsent update was superseded by the delete.
    expect(queuedOf(t.module, 'character:update')).toHaveLength(0);
  });

  it('equipping armour changes the AC in a new character:update', async () => {
    const t = await table();
    const zanna = addActor(t.world, dnd5eActor('zanna-gnome-wizard'), { playerOwned: true });
    const before = queuedOf(t.module, 'character:update')[0]?.character.stats.ac ?? 0;
    drain(t.module);
    const robes = [...zanna.items].find((i) => i.name === 'Robes');
    if (!robes) throw new Error('no robes');
    t.world.createItem(zanna, {
      _id: 'simMageArmorItm1',
      name: 'Studded Leather',
      type: 'equipment',
      system: { quantity: 1, equipped: true, type: { value: 'light' }, armor: { value: 12, dex: null } },
    });
    const after = queuedOf(t.module, 'character:update')[0]?.character.stats.ac;
    expect(after).toBe(before + 2);
  });
});
