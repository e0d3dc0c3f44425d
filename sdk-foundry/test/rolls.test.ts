// Dice rolls from the real chat-message fixtures (Foundry 10 / dnd5e 2.1 layout: `user`, rolls as JSON strings)
// and, where no real document exists, messages built from the documented shapes (foundry-api.md §1.3, §2.4, §3):
// the v12+ layout (`author`, rolls as objects), dnd5e 4.1+ D20Die thresholds, pf2e CheckRoll with
// `flags.pf2e.context.outcome`. Both layouts go through the same module code.
import { DiceRollPayloadSchema } from '@tumulte/schemas';
import { describe, expect, it } from 'vitest';
import { chatMessage, decodedRoll, type Source } from './sim/fixtures.js';
import { drain, queuedOf, type Table, table } from './sim/harness.js';

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON, read as the tests need
type Any = Record<string, any>;

/** The fixture's author id (a GM of the K269 world) and a player of ours. */
const K269_GM = 'FFUC3PaRivS4DAFM';

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The v12+ layout of a stored message: `author` instead of `user`, `style` instead of `type`, rolls as objects. */
function v12(source: Source): Source {
  const { user, type, rolls, ...rest } = clone(source) as Any;
  return {
    ...rest,
    author: user,
    style: 0,
    rolls: (rolls as unknown[]).map((r) => (typeof r === 'string' ? JSON.parse(r) : r)),
  };
}

/** Sets the kept d20 of the first roll (and fixes the total) — how a different die face would have been stored. */
function withD20(source: Source, results: Array<{ result: number; active?: boolean; discarded?: boolean }>): Source {
  const message = clone(source) as Any;
  const roll = decodedRoll(message) as Any;
  // biome-ignore lint/suspicious/noExplicitAny: fixture JSON
  const die = (roll.terms as any[]).find((t) => t.faces === 20);
  const before = (die.results as Any[]).filter((r) => r.active !== false).reduce((n, r) => n + r.result, 0);
  die.results = results;
  const after = results.filter((r) => r.active !== false).reduce((n, r) => n + r.result, 0);
  roll.total += after - before;
  message.rolls = [JSON.stringify(roll)];
  return message;
}

/** dnd5e 4.1+ stores the d20 as a `D20Die` with `criticalSuccess`/`criticalFailure` options. */
function dnd5eV4(source: Source): Source {
  const message = v12(source) as Any;
  const roll = message.rolls[0];
  const { critical, fumble, ...options } = roll.options;
  roll.options = { ...options, criticalSuccess: critical, criticalFailure: fumble };
  for (const term of roll.terms) {
    if (term.faces === 20) {
      term.class = 'D20Die';
      term.options = { criticalSuccess: critical, criticalFailure: fumble };
    }
  }
  message.flags.dnd5e.messageType = 'roll';
  return message;
}

async function rollOnce(t: Table, source: Source) {
  drain(t.module);
  t.world.createChatMessage(source);
  const rolls = queuedOf(t.module, 'dice:roll');
  for (const roll of rolls) expect(DiceRollPayloadSchema.safeParse(roll).success).toBe(true);
  return rolls;
}

async function dnd5eTable(policy: { gmRolls?: string; hiddenRolls?: string } = {}) {
  const t = await table({ system: 'dnd5e' });
  if (policy.gmRolls) await t.gmClient.game.settings.set('tumulte-integration', 'gmRolls', policy.gmRolls);
  if (policy.hiddenRolls) await t.gmClient.game.settings.set('tumulte-integration', 'hiddenRolls', policy.hiddenRolls);
  return t;
}

describe('dnd5e rolls', () => {
  it('a public attack roll is sent in full (real message, v10 layout)', async () => {
    const t = await dnd5eTable();
    const source = chatMessage('dnd5e-d20roll-attack-guiding-bolt') as Any;
    const roll = decodedRoll(source) as Any;
    const [payload] = await rollOnce(t, source);
    expect(payload).toMatchObject({
      rollId: `${source._id}.0`,
      messageId: source._id,
      timestamp: source.timestamp,
      visibility: 'public',
      rollType: 'attack',
      critical: { kind: 'none', source: null },
      flavor: source.flavor,
      character: { id: source.speaker.actor, name: source.speaker.alias, img: null },
      result: {
        formula: roll.formula,
        total: roll.total,
        dice: [{ faces: 20, results: [{ value: 14, active: true }] }],
      },
    });
  });

  it('natural 20 and natural 1 on an attack (dnd5e 4.1+ D20Die, v12 layout)', async () => {
    const t = await dnd5eTable();
    const attack = chatMessage('dnd5e-d20roll-attack-guiding-bolt');
    const [twenty] = await rollOnce(t, dnd5eV4(withD20(attack, [{ result: 20, active: true }])));
    expect(twenty?.critical).toEqual({ kind: 'success', source: 'system' });
    const [one] = await rollOnce(
      t,
      dnd5eV4(withD20({ ...attack, _id: 'natOneMessage001' }, [{ result: 1, active: true }])),
    );
    expect(one?.critical).toEqual({ kind: 'failure', source: 'system' });
    expect(one?.result?.total).toBe(9);
  });

  it('advantage with a kept 20 is a critical success (real message)', async () => {
    const t = await dnd5eTable({ gmRolls: 'full' });
    const source = chatMessage('dnd5e-d20roll-skill-advantage-nat20') as Any;
    const [payload] = await rollOnce(t, source);
    expect(payload?.rollType).toBe('skill');
    expect(payload?.critical).toEqual({ kind: 'success', source: 'system' });
    expect(payload?.result?.dice).toEqual([
      {
        faces: 20,
        results: [
          { value: 14, active: false },
          { value: 20, active: true },
        ],
      },
    ]);
  });

  it('disadvantage with a discarded 20 is not a critical', async () => {
    const t = await dnd5eTable({ gmRolls: 'full' });
    const source = withD20(chatMessage('dnd5e-d20roll-save-disadvantage'), [
      { result: 20, active: false, discarded: true },
      { result: 7, active: true },
    ]);
    const [payload] = await rollOnce(t, source);
    expect(payload?.rollType).toBe('save');
    expect(payload?.critical).toEqual({ kind: 'none', source: null });
    expect(payload?.result?.dice[0]?.results).toEqual([
      { value: 20, active: false },
      { value: 7, active: true },
    ]);
  });

  it("a live D20Roll's own verdict wins (crit range 19–20)", async () => {
    const t = await dnd5eTable();
    const message = v12(
      withD20(chatMessage('dnd5e-d20roll-attack-guiding-bolt'), [{ result: 19, active: true }]),
    ) as Any;
    const data = message.rolls[0];
    class D20Roll {
      constructor() {
        Object.assign(this, data);
      }
      get isCritical() {
        return true;
      }
      get isFumble() {
        return false;
      }
    }
    message.rolls = [new D20Roll()];
    const [payload] = await rollOnce(t, message);
    expect(payload?.critical).toEqual({ kind: 'success', source: 'system' });
  });

  it('damage rolls are never criticals by the d20 rule', async () => {
    const t = await dnd5eTable();
    const damage = chatMessage('dnd5e-damageroll-guiding-bolt-radiant') as Any;
    const [real] = await rollOnce(t, damage);
    expect(real).toMatchObject({ rollType: 'damage', critical: { kind: 'none', source: null } });
    expect(real?.result?.dice[0]?.results.map((r) => r.value)).toEqual([6, 6, 6, 2]);

    // A damage roll whose only die is a d20 showing 20.
    const d20Damage = clone(damage) as Any;
    const roll = decodedRoll(d20Damage) as Any;
    roll.formula = '1d20';
    roll.terms = [
      { class: 'Die', number: 1, faces: 20, modifiers: [], results: [{ result: 20, active: true }], evaluated: true },
    ];
    roll.total = 20;
    d20Damage._id = 'damageD20Msg0001';
    d20Damage.rolls = [JSON.stringify(roll)];
    const [byD20] = await rollOnce(t, d20Damage);
    expect(byD20?.critical).toEqual({ kind: 'none', source: null });

    // dnd5e 4+ marks critical damage itself.
    const critical = v12({ ...clone(damage), _id: 'critDamageMsg001' }) as Any;
    critical.rolls[0].options.isCritical = true;
    const [crit] = await rollOnce(t, critical);
    expect(crit?.critical).toEqual({ kind: 'success', source: 'system' });
  });

  it('a core roll without a speaker or d20 (real NPC HP roll) is type other, no verdict', async () => {
    // Stored as a whisper to its GM author alone with no roll mode in the roll: indistinguishable from a self
    // roll, so it is treated as one (the more private reading) and not sent by default.
    const t = await dnd5eTable({ gmRolls: 'full' });
    const stored = chatMessage('core-roll-npc-hp') as Any;
    expect(await rollOnce(t, stored)).toEqual([]);
    const [payload] = await rollOnce(t, { ...clone(stored), _id: 'publicHpRoll0001', whisper: [] });
    expect(payload).toMatchObject({ rollType: 'other', character: null, critical: { kind: 'none', source: null } });
    expect(payload?.result?.total).toBe(61);
    expect(payload?.result?.dice[0]?.results).toHaveLength(9);
  });
});

describe('pf2e rolls', () => {
  /** A pf2e check as pf2e writes it: CheckRoll with `degreeOfSuccess`, context type and outcome in flags. */
  function checkMessage(id: string, type: string, outcome: string | null, d20: number, modifier: number): Source {
    const context: Any = { type, actor: 'pf2eActor0000001', domains: [], options: [] };
    if (outcome) context.outcome = outcome;
    const degree = outcome ? { criticalFailure: 0, failure: 1, success: 2, criticalSuccess: 3 }[outcome] : undefined;
    return {
      _id: id,
      author: 'PLaaaaaaaaaaaaa1',
      speaker: { actor: 'pf2eActor0000001', alias: 'Valeros' },
      flavor: '<h4 class="action"><strong>Strike: Longsword</strong></h4>',
      whisper: [],
      blind: false,
      timestamp: 1764064860000,
      flags: { pf2e: { context } },
      rolls: [
        {
          class: 'CheckRoll',
          options: { rollerId: 'PLaaaaaaaaaaaaa1', ...(degree === undefined ? {} : { degreeOfSuccess: degree }) },
          formula: `1d20 + ${modifier}`,
          terms: [
            {
              class: 'Die',
              number: 1,
              faces: 20,
              modifiers: [],
              results: [{ result: d20, active: true }],
              evaluated: true,
            },
            { class: 'OperatorTerm', operator: '+', evaluated: true },
            { class: 'NumericTerm', number: modifier, evaluated: true },
          ],
          total: d20 + modifier,
          evaluated: true,
        },
      ],
    };
  }

  it('critical success and critical failure come from context.outcome (degree of success)', async () => {
    const t = await table({ system: 'pf2e', systemVersion: '7.0.0' });
    const [success] = await rollOnce(t, checkMessage('pf2eCritSuccess1', 'attack-roll', 'criticalSuccess', 14, 9));
    expect(success).toMatchObject({ rollType: 'attack', critical: { kind: 'success', source: 'degree' } });
    expect(success?.flavor).toBe('Strike: Longsword');
    const [failure] = await rollOnce(t, checkMessage('pf2eCritFailure1', 'saving-throw', 'criticalFailure', 5, 3));
    expect(failure).toMatchObject({ rollType: 'save', critical: { kind: 'failure', source: 'degree' } });
  });

  it('a natural 20 that pf2e calls only a success is no critical', async () => {
    const t = await table({ system: 'pf2e' });
    const [payload] = await rollOnce(t, checkMessage('pf2eNat20Success', 'skill-check', 'success', 20, 1));
    expect(payload).toMatchObject({ rollType: 'skill', critical: { kind: 'none', source: null } });
  });

  it('the real pf2e strike damage (max on its d6) is damage, not a critical', async () => {
    const t = await table({ system: 'pf2e' });
    const source = chatMessage('pf2e-damageroll-strike-success') as Any;
    const [payload] = await rollOnce(t, source);
    expect(payload).toMatchObject({
      rollType: 'damage',
      critical: { kind: 'none', source: null },
      visibility: 'public',
    });
    expect(payload?.result).toEqual({
      formula: '{(1d6 + 2)[piercing]}',
      total: 8,
      dice: [{ faces: 6, results: [{ value: 6, active: true }] }],
    });
    expect(payload?.flavor?.startsWith('Damage Roll: Beak (Hit)')).toBe(true);
    // The same damage after a critical strike is critical damage.
    const crit = clone(source) as Any;
    crit._id = 'pf2eCritDamage01';
    crit.flags.pf2e.context.outcome = 'criticalSuccess';
    const [critical] = await rollOnce(t, crit);
    expect(critical?.critical).toEqual({ kind: 'success', source: 'degree' });
  });
});

describe('visibility and the privacy policy', () => {
  const GM_ID = 'GMaaaaaaaaaaaaa1';
  const PLAYER_ID = 'PLaaaaaaaaaaaaa1';

  function publicAttack(id: string, layout: 'v10' | 'v12'): Any {
    const source = { ...clone(chatMessage('dnd5e-d20roll-attack-guiding-bolt')), _id: id } as Any;
    return layout === 'v12' ? v12(source) : source;
  }

  function as(source: Any, author: string, whisper: string[], blind: boolean, rollMode: string): Any {
    const message = clone(source);
    if ('author' in message) message.author = author;
    else message.user = author;
    message.whisper = whisper;
    message.blind = blind;
    const roll = typeof message.rolls[0] === 'string' ? JSON.parse(message.rolls[0]) : message.rolls[0];
    roll.options.rollMode = rollMode;
    message.rolls = [typeof message.rolls[0] === 'string' ? JSON.stringify(roll) : roll];
    return message;
  }

  it.each(['v10', 'v12'] as const)(
    'default policy (%s layout): blind and self not sent, GM redacted',
    async (layout) => {
      const t = await dnd5eTable();
      expect(
        await rollOnce(t, as(publicAttack('blindRollMessage', layout), PLAYER_ID, [GM_ID], true, 'blindroll')),
      ).toEqual([]);
      expect(
        await rollOnce(t, as(publicAttack('selfRollMessage1', layout), PLAYER_ID, [PLAYER_ID], false, 'selfroll')),
      ).toEqual([]);
      const [gm] = await rollOnce(t, as(publicAttack('gmRollMessage001', layout), PLAYER_ID, [GM_ID], false, 'gmroll'));
      expect(gm).toMatchObject({
        visibility: 'gm',
        result: null,
        character: null,
        flavor: null,
        critical: { kind: 'none', source: null },
        rollType: 'attack',
      });
      const [pub] = await rollOnce(t, publicAttack('publicRollMsg001', layout));
      expect(pub?.visibility).toBe('public');
      expect(pub?.result).not.toBeNull();
    },
  );

  it('the real GM roll (whisper to the GM author alone, rollMode gmroll) is a GM roll, not a self roll', async () => {
    const t = await dnd5eTable();
    const source = chatMessage('dnd5e-d20roll-save-disadvantage') as Any;
    expect(source.whisper).toEqual([K269_GM]);
    expect(source.user).toBe(K269_GM);
    const [payload] = await rollOnce(t, source);
    expect(payload).toMatchObject({ visibility: 'gm', result: null });
  });

  it('policy settings: GM rolls skipped or in full, blind rolls redacted', async () => {
    const t = await dnd5eTable({ gmRolls: 'skip', hiddenRolls: 'redacted' });
    expect(await rollOnce(t, as(publicAttack('gmSkipMessage001', 'v12'), PLAYER_ID, [GM_ID], false, 'gmroll'))).toEqual(
      [],
    );
    const [blind] = await rollOnce(
      t,
      as(publicAttack('blindRedacted001', 'v12'), PLAYER_ID, [GM_ID], true, 'blindroll'),
    );
    expect(blind).toMatchObject({ visibility: 'blind', result: null });
    await t.gmClient.game.settings.set('tumulte-integration', 'gmRolls', 'full');
    const [full] = await rollOnce(t, as(publicAttack('gmFullMessage001', 'v12'), PLAYER_ID, [GM_ID], false, 'gmroll'));
    expect(full?.visibility).toBe('gm');
    expect(full?.result?.total).toBe(22);
  });
});

describe('generic system', () => {
  it('natural 20/1 on a single d20; initiative from the core flag; one event per roll', async () => {
    const t = await table({ system: 'wfrp-like', systemVersion: '1.0' });
    const attack = v12(
      withD20(chatMessage('dnd5e-d20roll-attack-guiding-bolt'), [{ result: 20, active: true }]),
    ) as Any;
    delete attack.flags.dnd5e;
    attack.flags.core = { initiativeRoll: true };
    attack.rolls.push(JSON.parse((chatMessage('core-roll-npc-hp') as Any).rolls[0]));
    const payloads = await rollOnce(t, attack);
    expect(payloads.map((p) => p.rollId)).toEqual([`${attack._id}.0`, `${attack._id}.1`]);
    expect(payloads[0]).toMatchObject({ rollType: 'initiative', critical: { kind: 'success', source: 'natural' } });
    expect(payloads[1]).toMatchObject({ rollType: 'initiative', critical: { kind: 'none', source: null } });
  });
});
