import type { PairingPreview } from '@tumulte/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeApi, settle } from '../../test/fake-api';
import { mountWithI18n } from '../../test/mount';
import { navigate } from '../shared/router';
import DashboardApp from './DashboardApp.vue';
import { session } from './session';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ2dHQ6Zm91bmRyeSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const ACCOUNT = { accountId: 'acc-1', username: 'streamer', role: 'owner', createdAt: 1 } as const;
const PREVIEW: PairingPreview = {
  worldId: 'lost-mine',
  worldName: 'Lost Mine of Phandelver',
  gmUserId: 'gm1',
  gmName: 'Gamemaster',
  moduleVersion: '1.0.0',
  pairingCode: 'ABCD-2345',
  expiresAt: Date.now() + 300_000,
  algorithm: 'ES256',
};

let unmount: (() => void) | null = null;
beforeEach(() => {
  session.value = null;
});
afterEach(() => {
  unmount?.();
  document.body.innerHTML = '';
});

async function openAt(path: string, locale: 'en' | 'fr' = 'en') {
  navigate(path, { replace: true });
  const wrapper = mountWithI18n(DashboardApp, {}, locale);
  unmount = () => wrapper.unmount();
  await settle();
  return wrapper;
}

describe('first-run setup', () => {
  it('takes the setup token from the link, hides it from the address bar and signs in', async () => {
    const server = fakeApi()
      .on('GET /api/session', 200, { account: null, setupRequired: true })
      .on('POST /api/setup', 201, ACCOUNT)
      .on('GET /vtt/connections', 200, { connections: [] });
    const wrapper = await openAt('/setup?token=one-time-setup');
    expect(location.search).toBe('');
    expect(wrapper.find('input[name=setupToken]').exists()).toBe(false);
    await wrapper.find('input[name=username]').setValue('streamer');
    await wrapper.find('input[name=password]').setValue('correct horse battery');
    await wrapper.find('input[name=confirmPassword]').setValue('correct horse battery');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(server.calls.find((call) => call.path === '/api/setup')?.body).toEqual({
      setupToken: 'one-time-setup',
      username: 'streamer',
      password: 'correct horse battery',
    });
    expect(location.pathname).toBe('/');
    expect(wrapper.text()).toContain('No VTT is paired yet.');
  });

  it('accepts the fragment form of the setup link and reports mismatched passwords', async () => {
    fakeApi().on('GET /api/session', 200, { account: null, setupRequired: true });
    const wrapper = await openAt('/setup#frag-token');
    expect(location.hash).toBe('');
    await wrapper.find('input[name=password]').setValue('correct horse battery');
    await wrapper.find('input[name=confirmPassword]').setValue('something else');
    expect(wrapper.find('[role=alert]').text()).toBe('The two passwords are different.');
  });
});

describe('login', () => {
  it('shows a translated error for a wrong password, then signs in', async () => {
    fakeApi()
      .on('GET /api/session', 200, { account: null, setupRequired: false })
      .fail('POST /api/login', 'UNAUTHORIZED');
    const wrapper = await openAt('/login', 'fr');
    await wrapper.find('input[name=username]').setValue('streamer');
    await wrapper.find('input[name=password]').setValue('wrong');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('[role=alert]').text()).toContain('Nom d’utilisateur ou mot de passe incorrect');
    fakeApi().on('POST /api/login', 200, ACCOUNT).on('GET /vtt/connections', 200, { connections: [] });
    await wrapper.find('input[name=password]').setValue('correct horse battery');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(location.pathname).toBe('/');
    expect(wrapper.text()).toContain('Connecté en tant que streamer');
  });
});

describe('pairing', () => {
  const signedIn = () => fakeApi().on('GET /api/session', 200, { account: ACCOUNT, setupRequired: false });

  it('opens a QR link, shows what to compare, then pairs', async () => {
    const server = signedIn().on('POST /vtt/pair/preview', 200, PREVIEW).on('POST /vtt/pair', 201, {
      connectionId: 'conn-1',
      worldId: 'lost-mine',
      worldName: 'Lost Mine of Phandelver',
    });
    const wrapper = await openAt(`/pair#${JWT}`);
    expect(location.hash).toBe('');
    expect(wrapper.find('[data-testid=pairing-code]').text()).toBe('ABCD-2345');
    expect(wrapper.text()).toContain('Lost Mine of Phandelver');
    expect(wrapper.text()).toContain('Gamemaster');
    expect(wrapper.text()).toContain('1.0.0');
    const confirm = wrapper.findAll('button').find((button) => button.text() === 'The codes match: pair');
    await confirm?.trigger('click');
    await settle();
    expect(server.calls.filter((call) => call.path.startsWith('/vtt/pair')).map((call) => call.body)).toEqual([
      { pairingToken: JWT },
      { pairingToken: JWT },
    ]);
    expect(wrapper.find('[data-state=paired]').text()).toContain('Lost Mine of Phandelver is paired.');
  });

  it('keeps a QR link’s token through the login form', async () => {
    const server = fakeApi()
      .on('GET /api/session', 200, { account: null, setupRequired: false })
      .on('POST /api/login', 200, ACCOUNT)
      .on('POST /vtt/pair/preview', 200, PREVIEW);
    const wrapper = await openAt(`/pair#${JWT}`);
    await wrapper.find('input[name=username]').setValue('streamer');
    await wrapper.find('input[name=password]').setValue('correct horse battery');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(server.calls.at(-1)).toMatchObject({ path: '/vtt/pair/preview', body: { pairingToken: JWT } });
    expect(wrapper.find('[data-testid=pairing-code]').text()).toBe('ABCD-2345');
    expect(location.hash).toBe('');
  });

  it('reduces a pasted pairing URL to its token', async () => {
    const server = signedIn().on('POST /vtt/pair/preview', 200, PREVIEW);
    const wrapper = await openAt('/pair');
    await wrapper.find('textarea').setValue(`http://127.0.0.1:3000/pair?token=${JWT}`);
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(server.calls.at(-1)?.body).toEqual({ pairingToken: JWT });
  });

  it('shows the pairing secret panel hidden, loading nothing until asked', async () => {
    const secret = 'hs256-secret-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const server = signedIn().on('GET /vtt/pairing-secret', 200, { secret, algorithm: 'HS256' });
    const wrapper = await openAt('/pair');
    const panel = wrapper.find('[data-testid=pairing-secret]');
    expect(panel.text()).toContain('Pairing secret (for Foundry opened over http:// from another computer)');
    expect(server.calls.map((call) => call.path)).toEqual(['/api/session']);
    await panel
      .findAll('button')
      .find((button) => button.text() === 'Reveal')
      ?.trigger('click');
    await settle();
    expect(panel.find<HTMLInputElement>('.copy-field__input').element.value).toBe(secret);
    // Leaving the page drops it.
    navigate('/');
    await settle();
    expect(document.body.innerHTML).not.toContain(secret);
  });

  it('goes back to the login form when the session ended before Reveal', async () => {
    signedIn().fail('GET /vtt/pairing-secret', 'UNAUTHORIZED');
    const wrapper = await openAt('/pair');
    await wrapper
      .find('[data-testid=pairing-secret]')
      .findAll('button')
      .find((button) => button.text() === 'Reveal')
      ?.trigger('click');
    await settle();
    expect(wrapper.find('input[name=password]').exists()).toBe(true);
  });

  it.each([
    ['PAIRING_EXPIRED', 'This pairing link has expired (it lasts 5 minutes). Generate a new one in Foundry.'],
    ['PAIRING_USED', 'This pairing link was already used. Generate a new one in Foundry.'],
    ['PAIRING_INVALID', 'This is not a valid pairing link. Copy it again from Foundry.'],
  ] as const)('explains %s', async (code, message) => {
    signedIn().fail('POST /vtt/pair/preview', code);
    const wrapper = await openAt(`/pair?token=${JWT}`);
    expect(wrapper.find('[role=alert]').text()).toBe(message);
    expect(wrapper.find('[data-state=preview]').exists()).toBe(false);
  });
});

describe('connections', () => {
  it('lists status, last seen and latency, and revokes after confirmation', async () => {
    const connection = {
      connectionId: 'conn-1',
      online: true,
      lastSeenAt: Date.now(),
      latencyMs: 42.4,
      moduleVersion: '1.0.0',
      world: { id: 'lost-mine', name: 'Lost Mine', system: 'dnd5e' },
      revoked: false,
      createdAt: 1,
    };
    const server = fakeApi()
      .on('GET /api/session', 200, { account: ACCOUNT, setupRequired: false })
      .on('GET /vtt/connections', 200, { connections: [connection] })
      .on('POST /vtt/connections/conn-1/revoke', 200, { connectionId: 'conn-1', revoked: true });
    const wrapper = await openAt('/');
    const card = wrapper.find('[data-connection-id=conn-1]');
    expect(card.attributes('data-status')).toBe('online');
    expect(card.text()).toContain('42 ms');
    expect(card.text()).toContain('dnd5e');
    await card.find('.button--danger').trigger('click');
    expect(server.calls.some((call) => call.path.endsWith('/revoke'))).toBe(false);
    server.reset('GET /vtt/connections').on('GET /vtt/connections', 200, {
      connections: [{ ...connection, online: false, revoked: true }],
    });
    await wrapper.find('[data-confirm=yes]').trigger('click');
    await settle();
    expect(server.calls.some((call) => call.path === '/vtt/connections/conn-1/revoke')).toBe(true);
    expect(wrapper.find('[data-connection-id=conn-1]').attributes('data-status')).toBe('revoked');
    expect(wrapper.text()).toContain('Lost Mine is disconnected.');
  });

  it('re-reads the characters of an online VTT, and says so when the VTT does not answer', async () => {
    const connection = {
      connectionId: 'conn-1',
      online: true,
      lastSeenAt: Date.now(),
      latencyMs: 12,
      moduleVersion: '1.1.0',
      world: { id: 'lost-mine', name: 'Lost Mine', system: 'dnd5e' },
      revoked: false,
      createdAt: 1,
    };
    const offline = { ...connection, connectionId: 'conn-2', online: false, world: { ...connection.world, id: 'b' } };
    const server = fakeApi()
      .on('GET /api/session', 200, { account: ACCOUNT, setupRequired: false })
      .on('GET /vtt/connections', 200, { connections: [connection, offline] })
      .on('POST /vtt/connections/conn-1/characters/refresh', 200, {
        connectionId: 'conn-1',
        characterCount: 4,
        refreshedAt: 2,
      });
    const wrapper = await openAt('/');
    const refreshButton = () =>
      wrapper
        .find('[data-connection-id=conn-1]')
        .findAll('button')
        .find((button) => button.text() === 'Refresh characters');
    // Only an online VTT can be asked.
    expect(
      wrapper
        .find('[data-connection-id=conn-2]')
        .findAll('button')
        .some((button) => button.text() === 'Refresh characters'),
    ).toBe(false);
    await refreshButton()?.trigger('click');
    await settle();
    expect(server.calls.some((call) => call.path === '/vtt/connections/conn-1/characters/refresh')).toBe(true);
    expect(wrapper.text()).toContain('Lost Mine: 4 character(s) read from the VTT; the overlays show them now.');

    server
      .reset('POST /vtt/connections/conn-1/characters/refresh')
      .fail('POST /vtt/connections/conn-1/characters/refresh', 'CONFLICT');
    await refreshButton()?.trigger('click');
    await settle();
    expect(wrapper.find('[role=alert]').text()).toBe(
      'The VTT did not answer. Open the world in Foundry as its GM, then try again.',
    );
  });

  it('goes back to the login form when the session ended', async () => {
    fakeApi()
      .on('GET /api/session', 200, { account: ACCOUNT, setupRequired: false })
      .fail('GET /vtt/connections', 'UNAUTHORIZED');
    const wrapper = await openAt('/');
    expect(wrapper.find('input[name=password]').exists()).toBe(true);
  });
});

describe('overlay links', () => {
  it('shows a new link once, with the chosen widgets, and revokes links', async () => {
    const connection = {
      connectionId: 'conn-1',
      online: true,
      lastSeenAt: 1,
      latencyMs: null,
      moduleVersion: '1.0.0',
      world: { id: 'w', name: 'Lost Mine', system: null },
      revoked: false,
      createdAt: 1,
    };
    const link = { overlayId: 'ov-1', connectionId: 'conn-1', label: 'Main scene', createdAt: 1, revoked: false };
    const server = fakeApi()
      .on('GET /api/session', 200, { account: ACCOUNT, setupRequired: false })
      .on('GET /vtt/connections', 200, { connections: [connection] })
      .on('GET /api/overlays', 200, { overlays: [] })
      .on('POST /api/overlays', 201, { ...link, url: '/overlay/secret-token' })
      .on('POST /api/overlays/ov-1/revoke', 200, { ...link, url: null, revoked: true });
    const wrapper = await openAt('/overlays');
    await wrapper.find('input[name=label]').setValue('Main scene');
    server.reset('GET /api/overlays').on('GET /api/overlays', 200, { overlays: [{ ...link, url: null }] });
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(server.calls.find((call) => call.method === 'POST')?.body).toEqual({
      connectionId: 'conn-1',
      label: 'Main scene',
    });
    const url = () => (wrapper.find('.copy-field__input').element as HTMLInputElement).value;
    expect(url()).toBe(`${location.origin}/overlay/secret-token?widgets=dice,party,combat,poll&lang=en`);
    await wrapper.find('input[type=checkbox][value=party]').setValue(false);
    expect(url()).toContain('widgets=dice,combat,poll');
    const done = wrapper.findAll('button').find((button) => button.text() === 'Done');
    await done?.trigger('click');
    expect(wrapper.find('.copy-field__input').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('secret-token');

    server
      .reset('GET /api/overlays')
      .on('GET /api/overlays', 200, { overlays: [{ ...link, url: null, revoked: true }] });
    await wrapper.find('[data-overlay-id=ov-1] .button--danger').trigger('click');
    await wrapper.find('[data-confirm=yes]').trigger('click');
    await settle();
    expect(server.calls.some((call) => call.path === '/api/overlays/ov-1/revoke')).toBe(true);
    expect(wrapper.find('[data-overlay-id=ov-1]').attributes('data-revoked')).toBe('true');
  });
});

describe('polls', () => {
  it('creates and starts a poll with 2 to 10 options, then ends it early', async () => {
    const connection = {
      connectionId: 'conn-1',
      online: true,
      lastSeenAt: 1,
      latencyMs: 3,
      moduleVersion: '1.0.0',
      world: { id: 'w', name: 'Lost Mine', system: 'dnd5e' },
      revoked: false,
      createdAt: 1,
    };
    const draft = {
      pollId: 'p1',
      connectionId: 'conn-1',
      question: 'Which door?',
      options: [
        { id: 'a', label: 'Red', votes: 0 },
        { id: 'b', label: 'Blue', votes: 0 },
        { id: 'c', label: 'Green', votes: 0 },
      ],
      status: 'draft',
      durationSeconds: 120,
      createdAt: 1,
      startedAt: null,
      endsAt: null,
      endedAt: null,
      totalVotes: 0,
      winners: [],
    };
    const running = { ...draft, status: 'running', startedAt: Date.now(), endsAt: Date.now() + 120_000 };
    const server = fakeApi()
      .on('GET /api/session', 200, { account: ACCOUNT, setupRequired: false })
      .on('GET /vtt/connections', 200, { connections: [connection] })
      .on('GET /api/polls', 200, { polls: [] })
      .on('POST /api/polls', 201, draft)
      .on('POST /api/polls/p1/start', 200, running)
      .on('POST /api/polls/p1/end', 200, { ...running, status: 'closed', winners: ['a', 'b'] });
    const wrapper = await openAt('/polls');
    const submit = () => wrapper.find('form .button--primary[type=submit]');
    expect(submit().attributes('disabled')).toBeDefined();
    await wrapper.find('input[name=question]').setValue('Which door?');
    await wrapper.find('input[name=option-1]').setValue('Red');
    await wrapper.find('input[name=option-2]').setValue('Blue');
    const add = wrapper.findAll('button').find((button) => button.text().includes('Add an option'));
    for (let extra = 0; extra < 8; extra += 1) await add?.trigger('click');
    expect(wrapper.findAll('.poll-form__option')).toHaveLength(10);
    expect(add?.attributes('disabled')).toBeDefined();
    await wrapper.find('input[name=option-3]').setValue('Green');
    const twoMinutes = wrapper.findAll('button').find((button) => button.text() === '2 min');
    await twoMinutes?.trigger('click');
    server.reset('GET /api/polls').on('GET /api/polls', 200, { polls: [running] });
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(server.calls.find((call) => call.path === '/api/polls' && call.method === 'POST')?.body).toEqual({
      connectionId: 'conn-1',
      question: 'Which door?',
      options: ['Red', 'Blue', 'Green'],
      durationSeconds: 120,
    });
    expect(server.calls.some((call) => call.path === '/api/polls/p1/start')).toBe(true);
    const card = wrapper.find('[data-poll-id=p1]');
    expect(card.attributes('data-status')).toBe('running');
    expect((card.find('.copy-field__input').element as HTMLInputElement).value).toBe(`${location.origin}/vote/p1`);

    server
      .reset('GET /api/polls')
      .on('GET /api/polls', 200, { polls: [{ ...running, status: 'closed', winners: ['a', 'b'] }] });
    await card.find('.button--danger').trigger('click');
    await settle();
    expect(wrapper.find('[data-poll-id=p1]').attributes('data-status')).toBe('closed');
    expect(wrapper.find('[data-poll-id=p1] .poll-status').text()).toBe('Tie: Red, Blue');
  });
});
