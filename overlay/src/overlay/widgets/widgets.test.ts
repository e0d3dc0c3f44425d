import { afterEach, describe, expect, it } from 'vitest';
import { character, combat, combatant, HOSTILE_NAME, poll, roll } from '../../../test/fixtures';
import { mountWithI18n } from '../../../test/mount';
import CombatTracker from './CombatTracker.vue';
import CritAlert from './CritAlert.vue';
import PartyPanel from './PartyPanel.vue';
import PollWidget from './PollWidget.vue';

afterEach(() => {
  document.body.innerHTML = '';
});

/** No element came out of game text: the only images are the ones the widgets draw themselves. */
function expectNoInjectedMarkup() {
  expect(document.querySelector('img[src="x"]')).toBeNull();
  expect(document.querySelector('[onerror]')).toBeNull();
}

describe('game text is rendered as text', () => {
  it('in the party panel', () => {
    const wrapper = mountWithI18n(PartyPanel, { characters: [character('a', HOSTILE_NAME)], assetsBase: null });
    expect(wrapper.find('.party__name').text()).toBe(HOSTILE_NAME);
    expectNoInjectedMarkup();
  });

  it('in the crit alert', () => {
    const hostile = { ...roll('r1', 'success', HOSTILE_NAME), flavor: '<b>bold</b>' };
    const wrapper = mountWithI18n(CritAlert, { roll: hostile, assetsBase: null });
    expect(wrapper.find('.crit__name').text()).toBe(HOSTILE_NAME);
    expect(wrapper.find('.crit__type').text()).toBe('<b>bold</b>');
    expect(document.querySelector('.crit b')).toBeNull();
    expectNoInjectedMarkup();
  });

  it('in the combat tracker', () => {
    const wrapper = mountWithI18n(CombatTracker, {
      combat: combat('c1', [combatant('c1', HOSTILE_NAME)]),
      assetsBase: null,
    });
    expect(wrapper.find('.combat__name').text()).toBe(HOSTILE_NAME);
    expectNoInjectedMarkup();
  });

  it('in the poll widget and its result line', () => {
    const hostile = poll([2, 1], 'closed', ['a']);
    hostile.question = HOSTILE_NAME;
    hostile.options = hostile.options.map((option) => ({ ...option, label: HOSTILE_NAME }));
    const wrapper = mountWithI18n(PollWidget, { poll: hostile, now: 0 });
    expect(wrapper.find('.overlay-poll__question').text()).toBe(HOSTILE_NAME);
    expect(wrapper.find('.poll-status').text()).toBe(`Winner: ${HOSTILE_NAME}`);
    expectNoInjectedMarkup();
  });
});

describe('crit alert', () => {
  it('shows the character, the total, the formula and the kind', () => {
    const success = mountWithI18n(CritAlert, { roll: roll('r1', 'success', 'Randal', 25), assetsBase: null });
    expect(success.find('.crit__title').text()).toBe('Critical success!');
    expect(success.find('.crit__total').text()).toBe('25');
    expect(success.find('.crit__formula').text()).toBe('1d20 + 5');
    expect(success.find('.crit__type').text()).toBe('Attack');
    expect(success.find('.avatar__initials').text()).toBe('R');
    success.unmount();
    const failure = mountWithI18n(CritAlert, { roll: roll('r2', 'failure', null, 1), assetsBase: null }, 'fr');
    expect(failure.find('.crit__title').text()).toBe('Échec critique !');
    expect(failure.find('.crit__name').text()).toBe('Meneur de jeu');
  });

  it('falls back to initials when a portrait fails to load', async () => {
    const withImage = roll('r3', 'success', 'Randal');
    const wrapper = mountWithI18n(CritAlert, {
      roll: { ...withImage, character: { id: 'a', name: 'Randal', img: 'https://cdn.example/broken.png' } },
      assetsBase: null,
    });
    const image = wrapper.find('img.avatar__img');
    expect(image.attributes('src')).toBe('https://cdn.example/broken.png');
    await image.trigger('error');
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.find('.avatar__initials').text()).toBe('R');
  });
});

describe('party panel', () => {
  it('draws HP bars with temporary HP and follows updates', async () => {
    const wrapper = mountWithI18n(PartyPanel, {
      characters: [character('a', 'Randal', { current: 9, max: 12, temp: 2 })],
      assetsBase: null,
    });
    expect(wrapper.find('.hp__current').attributes('style')).toContain('width: 75%');
    expect(wrapper.find('.hp__value').text()).toBe('9 / 12 HP');
    expect(wrapper.find('.hp__temp-value').text()).toBe('+2 temporary');
    // Props of the generic mount helper are untyped here.
    await wrapper.setProps({ characters: [character('a', 'Randal', { current: 0, max: 12, temp: 0 })] } as never);
    expect(wrapper.find('.hp').attributes('data-level')).toBe('down');
    expect(wrapper.find('.hp__down').text()).toBe('Down');
    expect(wrapper.find('.hp__temp-value').exists()).toBe(false);
  });
});

describe('combat tracker', () => {
  it('shows the round, highlights the current combatant and strikes the defeated', () => {
    const wrapper = mountWithI18n(
      CombatTracker,
      {
        combat: combat(
          'c2',
          [
            combatant('c1', 'Randal', { initiative: 17 }),
            combatant('c2', 'Goblin'),
            combatant('c3', 'Wolf', { isDefeated: true }),
          ],
          3,
        ),
        assetsBase: null,
      },
      'fr',
    );
    expect(wrapper.find('.combat__round').text()).toBe('Round 3');
    const rows = wrapper.findAll('.combat__row');
    expect(rows.map((row) => row.attributes('data-combatant-id'))).toEqual(['c1', 'c2', 'c3']);
    expect(rows[1]?.classes()).toContain('combat__row--current');
    expect(rows[1]?.attributes('aria-current')).toBe('true');
    expect(rows[2]?.find('s').text()).toBe('Wolf');
    expect(rows[0]?.find('.combat__init').text()).toBe('17');
  });
});

describe('poll widget', () => {
  it('shows live bars and the countdown while running', () => {
    const running = poll([3, 1], 'running', [], 1_000_090_000);
    const wrapper = mountWithI18n(PollWidget, { poll: running, now: 1_000_000_000 });
    expect(wrapper.find('.poll-status').text()).toBe('Ends in 1:30');
    expect(wrapper.findAll('.poll-bars__count').map((node) => node.text())).toEqual(['75% · 3 votes', '25% · 1 vote']);
    expect(wrapper.find('.poll-bars__row--leading').attributes('data-option-id')).toBe('a');
  });

  it('shows a tie as a tie', () => {
    const wrapper = mountWithI18n(PollWidget, { poll: poll([2, 2, 0], 'closed', ['a', 'b']), now: 0 }, 'fr');
    expect(wrapper.find('.poll-status').text()).toBe('Égalité : Option A, Option B');
    expect(wrapper.findAll('.poll-bars__row--winner')).toHaveLength(2);
  });

  it('says when nobody voted', () => {
    const wrapper = mountWithI18n(PollWidget, { poll: poll([0, 0], 'closed', []), now: 0 });
    expect(wrapper.find('.poll-status').text()).toBe('Nobody voted');
    expect(wrapper.findAll('.poll-bars__count').map((node) => node.text())).toEqual(['0% · no votes', '0% · no votes']);
  });
});
