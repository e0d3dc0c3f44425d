import type {
  Character,
  Combatant,
  OverlayCombat,
  OverlayRoll,
  OverlayStatePayload,
  PublicPoll,
} from '@tumulte/schemas';

// Contract-typed builders for tests (the types come from @tumulte/schemas, so a contract change breaks them).

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

export function character(id: string, name: string, hp: Partial<Character['stats']['hp']> = {}): Character {
  return {
    vttCharacterId: id,
    name,
    avatarUrl: null,
    characterType: 'pc',
    stats: {
      hp: { current: 10, max: 12, temp: 0, ...hp },
      ac: 15,
      abilities: {},
      level: 1,
      classes: [],
    },
    inventory: [],
    metadata: { system: 'dnd5e', systemVersion: '5.3.3' },
  };
}

export function roll(
  rollId: string,
  kind: OverlayRoll['critical']['kind'],
  name: string | null = 'Randal',
  total = 25,
): OverlayRoll {
  return {
    rollId,
    character: name === null ? null : { id: `actor-${name}`, name, img: null },
    result: { formula: '1d20 + 5', total, dice: [{ faces: 20, results: [{ value: total - 5, active: true }] }] },
    rollType: 'attack',
    critical: { kind, source: kind === 'none' ? null : 'natural' },
    flavor: null,
    timestamp: 1764064860000,
  };
}

export function combatant(id: string, name: string, extra: Partial<Combatant> = {}): Combatant {
  return {
    id,
    characterId: null,
    name,
    img: null,
    initiative: 10,
    isDefeated: false,
    isNPC: false,
    isHidden: false,
    ...extra,
  };
}

export function combat(currentCombatantId: string | null, combatants: Combatant[], round = 1): OverlayCombat {
  const turn = combatants.findIndex((entry) => entry.id === currentCombatantId);
  return { combatId: 'combat-1', round, turn: turn === -1 ? null : turn, currentCombatantId, combatants };
}

export function poll(
  votes: number[],
  status: PublicPoll['status'] = 'running',
  winners: string[] = [],
  endsAt: number | null = 1_000_060_000,
): PublicPoll {
  const options = votes.map((count, index) => ({
    id: String.fromCharCode(97 + index),
    label: `Option ${String.fromCharCode(65 + index)}`,
    votes: count,
  }));
  return {
    pollId: 'poll-1',
    question: 'Which door do we open?',
    options,
    status,
    startedAt: 1_000_000_000,
    endsAt,
    totalVotes: votes.reduce((sum, count) => sum + count, 0),
    winners,
  };
}

export function snapshot(seq: number, extra: Partial<OverlayStatePayload> = {}): OverlayStatePayload {
  return {
    seq,
    world: { name: 'Lost Mine', system: 'dnd5e', online: true },
    characters: [],
    combat: null,
    poll: null,
    recentRolls: [],
    ...extra,
  };
}
