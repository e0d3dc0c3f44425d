// A small world in the VTT's terms, turned into contract payloads: a party of two, a goblin, one combat.
const character = (id, name, type, hp, max, ac, level, className) => ({
  vttCharacterId: id,
  name,
  avatarUrl: null,
  characterType: type,
  stats: {
    hp: { current: hp, max, temp: 0 },
    ac,
    abilities: { str: { value: 14, mod: 2 }, dex: { value: 12, mod: 1 } },
    level,
    classes: className ? [{ name: className, level }] : [],
  },
  inventory: [],
  metadata: { system: 'example', systemVersion: '1.0.0' },
});

const combatant = (id, actor, initiative) => ({
  id,
  characterId: actor.vttCharacterId,
  name: actor.name,
  img: null,
  initiative,
  isDefeated: false,
  isNPC: actor.characterType === 'npc',
  isHidden: false,
});

export function createWorld({ id, name }) {
  const party = [
    character('hero-ayla', 'Ayla', 'pc', 22, 22, 15, 3, 'Ranger'),
    character('hero-bram', 'Bram', 'pc', 30, 30, 18, 3, 'Fighter'),
  ];
  const goblin = character('npc-goblin', 'Goblin', 'npc', 7, 7, 13, null, null);
  const fighters = [
    combatant('c-ayla', party[0], 18),
    combatant('c-goblin', goblin, 12),
    combatant('c-bram', party[1], 9),
  ];
  let combat = null;
  const combatState = () => ({
    ...combat,
    currentCombatant: combat.turn === null ? null : combat.combatants[combat.turn],
  });

  return {
    id,
    name,
    gmUserId: 'gm-user-1',
    gmName: 'The GM',
    characters: () => party,
    sync: () => ({
      world: {
        name,
        system: { id: 'example', version: '1.0.0' },
        vtt: { name: 'example-node', version: '1.0.0' },
        moduleVersion: '1.0.0',
      },
      characters: party,
      combat: combat ? combatState() : null,
    }),
    roll: (who, { faces = 20, value, bonus = 0, rollType = 'attack', visibility = 'public' }) => {
      const messageId = `msg-${Math.random().toString(36).slice(2, 10)}`;
      const natural = faces === 20 && value === 20 ? 'success' : faces === 20 && value === 1 ? 'failure' : 'none';
      const redacted = visibility !== 'public';
      return {
        rollId: `${messageId}.0`,
        messageId,
        character: { id: who.vttCharacterId, name: who.name, img: null },
        result: redacted
          ? null
          : {
              formula: `1d${faces} + ${bonus}`,
              total: value + bonus,
              dice: [{ faces, results: [{ value, active: true }] }],
            },
        rollType,
        critical:
          redacted || natural === 'none' ? { kind: 'none', source: null } : { kind: natural, source: 'natural' },
        visibility,
        flavor: `${who.name}: ${rollType}`,
      };
    },
    hurt: (who, damage) => {
      who.stats.hp.current = Math.max(0, who.stats.hp.current - damage);
      return { character: who };
    },
    startCombat: () => {
      combat = { combatId: 'combat-1', round: 1, turn: 0, combatants: fighters };
      return combatState();
    },
    nextTurn: () => {
      combat.turn = (combat.turn + 1) % combat.combatants.length;
      if (combat.turn === 0) combat.round += 1;
      return combatState();
    },
    endCombat: () => {
      const { combatId } = combat;
      combat = null;
      return { combatId };
    },
    party,
    goblin,
  };
}
