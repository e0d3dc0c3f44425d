// Tokens arrive in links: `/pair#<token>`, `/pair?token=<token>`, `/setup#<token>`, `/setup?token=<token>`,
// or pasted by hand (the whole link, or the token alone).

const JWT = /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The token carried by a URL's `?token=` or fragment (`#<token>` or `#token=<token>`). */
export function tokenFromUrl(url: Pick<URL, 'search' | 'hash'>): string | null {
  const query = new URLSearchParams(url.search).get('token');
  if (query) return query.trim();
  const fragment = url.hash.replace(/^#/, '');
  if (!fragment) return null;
  if (fragment.includes('=')) return new URLSearchParams(fragment).get('token')?.trim() || null;
  return decode(fragment).trim() || null;
}

function asHttpUrl(text: string): URL | null {
  if (!/^https?:\/\//i.test(text)) return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** What the streamer pasted, reduced to the token when it is a link; otherwise the text itself. */
export function extractToken(input: string): string {
  const text = input.trim();
  const url = asHttpUrl(text);
  return (url && tokenFromUrl(url)) ?? text;
}

/** Like `extractToken`, and finds a JWT in other surrounding text (the pairing token is a JWT). */
export function extractPairingToken(input: string): string {
  const text = input.trim();
  const url = asHttpUrl(text);
  const fromUrl = url && tokenFromUrl(url);
  if (fromUrl) return fromUrl;
  return JWT.exec(text)?.[0] ?? text;
}

/** Reads a token from this page's address and removes it, so it does not linger in the address bar or history. */
export function takeTokenFromLocation(): string | null {
  const token = tokenFromUrl(location);
  if (token !== null) {
    const params = new URLSearchParams(location.search);
    params.delete('token');
    const search = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
  }
  return token;
}
