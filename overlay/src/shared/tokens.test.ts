import { describe, expect, it } from 'vitest';
import { extractPairingToken, extractToken, takeTokenFromLocation, tokenFromUrl } from './tokens';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ2dHQ6Zm91bmRyeSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('tokens in links', () => {
  it('reads ?token=, #token= and a bare fragment', () => {
    expect(tokenFromUrl(new URL(`https://t.example/pair?token=${JWT}`))).toBe(JWT);
    expect(tokenFromUrl(new URL(`https://t.example/pair#token=${JWT}`))).toBe(JWT);
    expect(tokenFromUrl(new URL(`https://t.example/pair#${JWT}`))).toBe(JWT);
    expect(tokenFromUrl(new URL('https://t.example/setup#abc%20def'))).toBe('abc def');
    expect(tokenFromUrl(new URL('https://t.example/pair'))).toBeNull();
  });

  it('reduces a pasted pairing link or text to its token', () => {
    expect(extractPairingToken(`  http://127.0.0.1:3000/pair#${JWT}\n`)).toBe(JWT);
    expect(extractPairingToken(`https://tumulte.example/pair?token=${JWT}`)).toBe(JWT);
    expect(extractPairingToken(JWT)).toBe(JWT);
    expect(extractPairingToken(`Token: ${JWT} (expires in 5 min)`)).toBe(JWT);
    expect(extractPairingToken('not-a-token')).toBe('not-a-token');
  });

  it('reduces a pasted setup link to its token', () => {
    expect(extractToken('http://localhost:3000/setup#s3tup-t0ken')).toBe('s3tup-t0ken');
    expect(extractToken('http://localhost:3000/setup?token=s3tup')).toBe('s3tup');
    expect(extractToken(' s3tup ')).toBe('s3tup');
  });

  it('takes the token out of the address bar', () => {
    history.replaceState(null, '', `/pair?lang=fr&token=${JWT}`);
    expect(takeTokenFromLocation()).toBe(JWT);
    expect(location.pathname + location.search + location.hash).toBe('/pair?lang=fr');
    history.replaceState(null, '', `/pair#${JWT}`);
    expect(takeTokenFromLocation()).toBe(JWT);
    expect(location.hash).toBe('');
    expect(takeTokenFromLocation()).toBeNull();
  });
});
