import { describe, expect, it } from 'vitest';
import { detectLocale } from './lang';
import { matchRoute, navigate, route } from './router';

describe('routes', () => {
  it('matches the overlay, vote and dashboard pages', () => {
    expect(matchRoute('/overlay/abc.def-ghi')).toEqual({ name: 'overlay', token: 'abc.def-ghi' });
    expect(matchRoute('/overlay/abc/')).toEqual({ name: 'overlay', token: 'abc' });
    expect(matchRoute('/vote/01JDKXFN2P3Q4R5S6T7V8W9X0Y')).toEqual({
      name: 'vote',
      pollId: '01JDKXFN2P3Q4R5S6T7V8W9X0Y',
    });
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/connections')).toEqual({ name: 'home' });
    for (const name of ['setup', 'login', 'pair', 'overlays', 'polls'] as const) {
      expect(matchRoute(`/${name}`)).toEqual({ name });
    }
    expect(matchRoute('/overlay/')).toEqual({ name: 'notFound' });
    expect(matchRoute('/overlay/%E0%A4%A')).toEqual({ name: 'notFound' });
    expect(matchRoute('/nothing')).toEqual({ name: 'notFound' });
  });

  it('navigates without reloading', () => {
    navigate('/polls');
    expect(route.value).toEqual({ name: 'polls' });
    expect(location.pathname).toBe('/polls');
    navigate('/vote/p1', { replace: true });
    expect(route.value).toEqual({ name: 'vote', pollId: 'p1' });
  });
});

describe('language', () => {
  it('takes the lang URL parameter first, then the browser languages, then English', () => {
    expect(detectLocale('?lang=fr', ['en-US'])).toBe('fr');
    expect(detectLocale('?lang=FR-ca', [])).toBe('fr');
    expect(detectLocale('?lang=de', ['fr-FR'])).toBe('fr');
    expect(detectLocale('', ['de-DE', 'fr-BE'])).toBe('fr');
    expect(detectLocale('', ['en-GB'])).toBe('en');
    expect(detectLocale('', ['de'])).toBe('en');
  });
});
