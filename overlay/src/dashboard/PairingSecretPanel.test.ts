import type { VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { fakeApi, settle } from '../../test/fake-api';
import { mountWithI18n } from '../../test/mount';
import { setFetch } from '../shared/api';
import type { Locale } from '../shared/lang';
import PairingSecretPanel from './PairingSecretPanel.vue';

const SECRET = 'hs256-secret-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const ROTATED = 'hs256-secret-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

let wrapper: VueWrapper | null = null;
let consoleSpies: MockInstance[] = [];

beforeEach(() => {
  consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation(() => undefined),
  );
  localStorage.clear();
  sessionStorage.clear();
});

afterEach(() => {
  // Nothing this panel did may have written a secret to the console or to the browser's storage.
  const logged = consoleSpies.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(' ')));
  for (const line of logged) {
    expect(line).not.toContain(SECRET);
    expect(line).not.toContain(ROTATED);
  }
  const stored = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
  expect(stored).not.toContain(SECRET);
  expect(stored).not.toContain(ROTATED);
  vi.restoreAllMocks();
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  setFetch((input, init) => fetch(input, init));
});

async function open(locale: Locale = 'en') {
  wrapper = mountWithI18n(PairingSecretPanel, {}, locale);
  await settle();
  return wrapper;
}

const button = (name: string) => {
  const found = wrapper?.findAll('button').find((candidate) => candidate.text() === name);
  if (!found) throw new Error(`no button "${name}"`);
  return found;
};
const shown = () => wrapper?.find<HTMLInputElement>('.copy-field__input');

describe('pairing secret panel', () => {
  it('asks for nothing until Reveal, then shows, copies and hides the secret', async () => {
    const server = fakeApi().on('GET /vtt/pairing-secret', 200, { secret: SECRET, algorithm: 'HS256' });
    await open();
    expect(wrapper?.find('h2').text()).toBe('Pairing secret (for Foundry opened over http:// from another computer)');
    expect(server.calls).toEqual([]);
    expect(shown()?.exists()).toBe(false);
    expect(document.body.innerHTML).not.toContain(SECRET);

    await button('Reveal').trigger('click');
    await settle();
    expect(server.calls).toEqual([
      { method: 'GET', path: '/vtt/pairing-secret', body: undefined, credentials: 'same-origin' },
    ]);
    expect(shown()?.element.value).toBe(SECRET);

    await button('Copy').trigger('click');
    await settle();
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(wrapper?.text()).toContain('Copied!');

    await button('Hide').trigger('click');
    expect(shown()?.exists()).toBe(false);
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(button('Reveal').exists()).toBe(true);
  });

  it('rotates only after the in-page confirmation, then shows the new secret', async () => {
    const server = fakeApi()
      .on('GET /vtt/pairing-secret', 200, { secret: SECRET, algorithm: 'HS256' })
      .on('POST /vtt/pairing-secret/rotate', 200, { secret: ROTATED, algorithm: 'HS256' });
    await open();
    await button('Reveal').trigger('click');
    await settle();
    await button('Copy').trigger('click');
    await settle();

    await button('Rotate the secret').trigger('click');
    const question = wrapper?.find('[role=alertdialog]');
    expect(question?.text()).toContain('Worlds already paired stay connected');
    expect(question?.text()).toContain('pairing links signed with the old one are refused');
    await button('Cancel').trigger('click');
    expect(server.calls.some((call) => call.method === 'POST')).toBe(false);

    await button('Rotate the secret').trigger('click');
    await wrapper?.find('[data-confirm=yes]').trigger('click');
    await settle();
    expect(server.calls.at(-1)).toEqual({
      method: 'POST',
      path: '/vtt/pairing-secret/rotate',
      body: undefined,
      credentials: 'same-origin',
    });
    expect(shown()?.element.value).toBe(ROTATED);
    expect(wrapper?.find('[role=status].alert--ok').text()).toBe(
      'New pairing secret ready. The old one no longer works for new pairings; paired worlds stay connected.',
    );
    // "Copied!" belonged to the old secret.
    expect(wrapper?.text()).not.toContain('Copied!');
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('rotates without revealing first', async () => {
    const server = fakeApi().on('POST /vtt/pairing-secret/rotate', 200, { secret: ROTATED, algorithm: 'HS256' });
    await open('fr');
    await button('Changer le secret').trigger('click');
    expect(wrapper?.find('[role=alertdialog]').text()).toContain('Les mondes déjà associés restent connectés');
    await button('Oui, le changer').trigger('click');
    await settle();
    expect(server.calls.map((call) => `${call.method} ${call.path}`)).toEqual(['POST /vtt/pairing-secret/rotate']);
    expect(shown()?.element.value).toBe(ROTATED);
  });

  it.each([
    ['en', 'RATE_LIMITED', 'Too many attempts. Wait a minute, then try again.'],
    ['en', 'STORAGE_UNAVAILABLE', 'The server cannot reach its database. Try again in a moment.'],
    ['fr', 'INTERNAL', 'Une erreur est survenue sur le serveur. Réessayez dans un instant.'],
  ] as const)('explains %s %s from the server', async (locale, code, message) => {
    fakeApi().fail('GET /vtt/pairing-secret', code).fail('POST /vtt/pairing-secret/rotate', code);
    await open(locale);
    await button(locale === 'en' ? 'Reveal' : 'Afficher').trigger('click');
    await settle();
    expect(wrapper?.find('[role=alert]').text()).toBe(message);
    expect(shown()?.exists()).toBe(false);

    await button(locale === 'en' ? 'Rotate the secret' : 'Changer le secret').trigger('click');
    await wrapper?.find('[data-confirm=yes]').trigger('click');
    await settle();
    expect(wrapper?.find('[role=alert]').text()).toBe(message);
    expect(wrapper?.find('[role=status].alert--ok').exists()).toBe(false);
  });

  it('explains an unreachable server and an unreadable answer', async () => {
    setFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    await open();
    await button('Reveal').trigger('click');
    await settle();
    expect(wrapper?.find('[role=alert]').text()).toBe(
      'The server cannot be reached. Check that it is running, then try again.',
    );
    fakeApi().on('GET /vtt/pairing-secret', 200, { secret: 'short', algorithm: 'HS256' });
    await button('Reveal').trigger('click');
    await settle();
    expect(wrapper?.find('[role=alert]').text()).toContain('The server sent an answer this page cannot read.');
    expect(shown()?.exists()).toBe(false);
  });
});

describe('pairing secret panel, answers arriving late', () => {
  /** A `fetch` whose answers the test releases one by one. */
  function heldFetch() {
    const held = new Map<string, (body: unknown) => void>();
    setFetch(
      (input, init) =>
        new Promise<Response>((resolve) => {
          held.set(`${init.method} ${input}`, (body) =>
            resolve(
              new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }),
            ),
          );
        }),
    );
    return async (key: string, secret: string) => {
      held.get(key)?.({ secret, algorithm: 'HS256' });
      await settle();
    };
  }

  it('a slow reveal does not bring back the secret a rotation replaced', async () => {
    const release = heldFetch();
    await open();
    await button('Rotate the secret').trigger('click');
    await button('Reveal').trigger('click');
    await wrapper?.find('[data-confirm=yes]').trigger('click');
    await settle();
    await release('POST /vtt/pairing-secret/rotate', ROTATED);
    await release('GET /vtt/pairing-secret', SECRET);
    expect(shown()?.element.value).toBe(ROTATED);
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('Hide wins over an answer still on its way', async () => {
    const release = heldFetch();
    await open();
    await button('Reveal').trigger('click');
    await release('GET /vtt/pairing-secret', SECRET);
    await button('Rotate the secret').trigger('click');
    await wrapper?.find('[data-confirm=yes]').trigger('click');
    await button('Hide').trigger('click');
    await release('POST /vtt/pairing-secret/rotate', ROTATED);
    expect(shown()?.exists()).toBe(false);
    expect(document.body.innerHTML).not.toContain(ROTATED);
    expect(button('Reveal').attributes('disabled')).toBeUndefined();
  });
});
