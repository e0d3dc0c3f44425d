import type { PublicPoll } from '@tumulte/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApi, settle } from '../../test/fake-api';
import { HOSTILE_NAME, poll } from '../../test/fixtures';
import { mountWithI18n } from '../../test/mount';
import VotePage from './VotePage.vue';

const GET = 'GET /api/public/polls/poll-1';
const VOTE = 'POST /api/public/polls/poll-1/votes';
const view = (state: PublicPoll, votedOptionId: string | null = null) => ({ poll: state, votedOptionId });

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  document.body.innerHTML = '';
});

async function open(locale: 'en' | 'fr' = 'en') {
  const wrapper = mountWithI18n(VotePage, { pollId: 'poll-1' }, locale);
  unmount = () => wrapper.unmount();
  await settle();
  return wrapper;
}

describe('viewer vote page', () => {
  it('votes once and shows the live results with the viewer’s choice', async () => {
    const server = fakeApi()
      .on(GET, 200, view(poll([1, 0])))
      .on(VOTE, 201, { poll: poll([1, 1]), votedOptionId: 'b' });
    const wrapper = await open();
    expect(wrapper.find('.vote__question').text()).toBe('Which door do we open?');
    expect(wrapper.find('button[type=submit]').attributes('disabled')).toBeDefined();
    await wrapper.find('[data-option-id="b"] input').setValue(true);
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(server.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/public/polls/poll-1/votes',
      body: { optionId: 'b' },
    });
    expect(wrapper.find('.vote__thanks').text()).toBe('Thanks! You voted for “Option B”.');
    expect(wrapper.find('form').exists()).toBe(false);
    expect(wrapper.find('.poll-bars__row--mine').attributes('data-option-id')).toBe('b');
  });

  it('shows ALREADY_VOTED nicely and the earlier vote', async () => {
    const server = fakeApi()
      .on(GET, 200, view(poll([1, 0])))
      .fail(VOTE, 'ALREADY_VOTED');
    const wrapper = await open('fr');
    await wrapper.find('[data-option-id="a"] input').setValue(true);
    server.reset(GET).on(GET, 200, view(poll([1, 0]), 'a'));
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('.alert--info').text()).toBe('Vous avez déjà voté à ce sondage.');
    expect(wrapper.find('.vote__thanks').text()).toContain('Option A');
  });

  it('refuses votes on a closed poll and shows the winner', async () => {
    fakeApi()
      .on(GET, 200, view(poll([1, 0])))
      .fail(VOTE, 'POLL_CLOSED');
    const wrapper = await open();
    await wrapper.find('[data-option-id="a"] input').setValue(true);
    fakeApi()
      .on(GET, 200, view(poll([3, 1], 'closed', ['a'])))
      .fail(VOTE, 'POLL_CLOSED');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('[role=alert]').text()).toBe('This poll is not open for votes.');
    expect(wrapper.find('form').exists()).toBe(false);
    expect(wrapper.text()).toContain('This poll is closed.');
    expect(wrapper.find('.poll-status').text()).toBe('Winner: Option A');
  });

  it('says so when the poll does not exist', async () => {
    fakeApi().fail(GET, 'NOT_FOUND');
    const wrapper = await open();
    expect(wrapper.text()).toContain('This poll does not exist.');
  });

  it('shows a hostile question and options as text', async () => {
    const hostile = poll([0, 0]);
    hostile.question = HOSTILE_NAME;
    hostile.options = hostile.options.map((option) => ({ ...option, label: HOSTILE_NAME }));
    fakeApi().on(GET, 200, view(hostile));
    const wrapper = await open();
    expect(wrapper.find('.vote__question').text()).toBe(HOSTILE_NAME);
    expect(wrapper.findAll('.vote__option span').map((node) => node.text())).toEqual([HOSTILE_NAME, HOSTILE_NAME]);
    expect(document.querySelector('img[src="x"]')).toBeNull();
  });
});
