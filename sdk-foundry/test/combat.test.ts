// The combat story through the hooks that fire on every client (updateCombat, combatTurnChange, combatant hooks,
// deleteCombat): start, combatants added, next turn from a player's client, next round, defeat, end. The GM's
// client never sees combatTurn/combatRound for a player's click, so a module relying on them would miss turns.
import { CombatStatePayloadSchema } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';
import { combat as combatFixture, dnd5eActor, type Source } from './sim/fixtures.js';
import { addActor, drain, queued, table } from './sim/harness.js';

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON, read as the tests need
type Any = Record<string, any>;

describe('combat', () => {
  it('start, add combatants, next turn (from a player), next round, defeat, end', async () => {
    const t = await table();
    const playerClient = t.world.connect(t.player);
    const randal = addActor(t.world, dnd5eActor('randal-human-fighter'), { playerOwned: true });
    const goblin = addActor(t.world, dnd5eActor('goblin'));
    const dragon = addActor(t.world, dnd5eActor('young-red-dragon'));
    drain(t.module);

    const fight = t.world.createCombat({ _id: 'combatStory00001' }, t.gmClient);
    const [cRandal, cGoblin, cDragon] = t.world.addCombatants(
      fight,
      [
        { _id: 'cbtRandal0000001', actorId: randal.id, initiative: 17 },
        { _id: 'cbtGoblin0000001', actorId: goblin.id, initiative: 12 },
        { _id: 'cbtDragon0000001', actorId: dragon.id, initiative: 20, hidden: true },
      ],
      t.gmClient,
    );
    let events = queued(t.module);
    // Creation and the three combatants are one coalesced combat:update, before the combat starts.
    expect(events.map((e) => e.event)).toEqual(['combat:update']);
    const setup = events[0]?.payload as Any;
    expect(setup).toMatchObject({ combatId: fight.id, round: 0, turn: null, currentCombatant: null });
    expect(setup.combatants.map((c: Any) => c.id)).toEqual([cDragon?.id, cRandal?.id, cGoblin?.id]);
    expect(setup.combatants[0]).toMatchObject({ name: dragon.name, isHidden: true, isNPC: true, initiative: 20 });
    expect(setup.combatants[1]).toMatchObject({ name: randal.name, characterId: randal.id, isNPC: false });
    drain(t.module);

    t.world.startCombat(fight, t.gmClient);
    events = queued(t.module);
    expect(events.map((e) => e.event)).toEqual(['combat:start']);
    expect(events[0]?.payload).toMatchObject({ round: 1, turn: 0, currentCombatant: { id: cDragon?.id } });
    drain(t.module);

    // The player ends the dragon's turn… from their own client.
    t.world.nextTurn(fight, playerClient);
    events = queued(t.module);
    expect(events.map((e) => e.event)).toEqual(['combat:turn']);
    expect(events[0]?.payload).toMatchObject({ round: 1, turn: 1, currentCombatant: { id: cRandal?.id } });
    expect(t.gmClient.Hooks.calls).not.toContain('combatTurn');
    expect(playerClient.Hooks.calls).toContain('combatTurn');
    drain(t.module);

    t.world.nextTurn(fight, playerClient);
    t.world.nextTurn(fight, t.gmClient); // past the last combatant: a new round
    events = queued(t.module);
    expect(events.map((e) => e.event)).toEqual(['combat:turn', 'combat:round']);
    expect(events[1]?.payload).toMatchObject({ round: 2, turn: 0, currentCombatant: { id: cDragon?.id } });
    drain(t.module);

    if (!cGoblin) throw new Error('no goblin');
    t.world.updateCombatant(cGoblin, { defeated: true }, t.gmClient);
    events = queued(t.module);
    expect(events.map((e) => e.event)).toEqual(['combat:update']);
    const defeated = (events[0]?.payload as Any | undefined)?.combatants.find((c: Any) => c.id === cGoblin.id);
    expect(defeated.isDefeated).toBe(true);
    drain(t.module);

    t.world.deleteCombat(fight, t.gmClient);
    expect(queued(t.module)).toEqual([
      { event: 'combat:end', payload: expect.objectContaining({ combatId: fight.id }) },
    ]);
  });

  it('the real K269 combat (round 4, turn 1) is in the campaign sync with fixture actors attached', async () => {
    const t = await table();
    const source = combatFixture('k269-combat-1') as Any;
    // The fixture's combatants point at actors of that world; attach our fixture actors under those ids.
    const actors = [
      'randal-human-fighter',
      'zanna-gnome-wizard',
      'beiro-half-elf-bard',
      'goblin',
      'young-red-dragon',
      'goblin',
    ] as const;
    source.combatants.forEach((c: Any, index: number) => {
      addActor(t.world, dnd5eActor(actors[index] as (typeof actors)[number]) as Source, {
        id: c.actorId,
        playerOwned: index < 3,
      });
    });
    const fight = t.world.createCombat({ _id: source._id, round: source.round, turn: source.turn, active: true });
    t.world.addCombatants(fight, source.combatants);
    const sync = t.module.campaignSync();
    expect(sync.combat).not.toBeNull();
    const state = sync.combat as Any;
    expect(
      CombatStatePayloadSchema.safeParse({
        ...state,
        eventId: '01JDKX7D4E5F6G7H8J9K0M1N2P',
        worldId: 'w',
        timestamp: 1,
      }).success,
    ).toBe(true);
    expect(state).toMatchObject({ combatId: source._id, round: 4, turn: 1 });
    const byInitiative = [...source.combatants].sort((a: Any, b: Any) => b.initiative - a.initiative);
    expect(state.combatants.map((c: Any) => c.initiative)).toEqual(byInitiative.map((c: Any) => c.initiative));
    expect(state.currentCombatant.id).toBe(byInitiative[1]._id);
    // Combatant names are empty in the source: the actor's name is shown.
    expect(state.combatants.every((c: Any) => c.name.length > 0)).toBe(true);
  });

  it('NPC visibility "combat" shares the visible NPCs of the active combat, and stops after it', async () => {
    const t = await table();
    await t.gmClient.game.settings.set('tumulte-integration', 'npcVisibility', 'combat');
    const goblin = addActor(t.world, dnd5eActor('goblin'));
    const dragon = addActor(t.world, dnd5eActor('young-red-dragon'));
    drain(t.module);
    const fight = t.world.createCombat({ _id: 'combatNpcShare01', active: true });
    t.world.addCombatants(fight, [
      { _id: 'cbtGoblin0000002', actorId: goblin.id, initiative: 12 },
      { _id: 'cbtDragon0000002', actorId: dragon.id, initiative: 20, hidden: true },
    ]);
    const shared = queued(t.module)
      .filter((e) => e.event === 'character:update')
      .map((e) => (e.payload as Any).character.name);
    expect(shared).toEqual([goblin.name]);
    drain(t.module);
    t.world.deleteCombat(fight);
    const after = queued(t.module).map((e) => e.event);
    expect(after).toEqual(['combat:end', 'character:delete']);
  });
});
