// Text both databases can hold. A contract-valid string may contain U+0000 or a lone UTF-16 surrogate (a name cut
// in the middle of an emoji); PostgreSQL refuses both (text and jsonb), so such an event was answered INTERNAL
// there — and retried by the module forever — while SQLite stored it; an HTTP body, path parameter or pairing
// claim holding one was a 500. Every inbound value goes through here first (socket events, contract routes,
// pairing claims), so both stores keep U+FFFD in their place and answer alike.
//
// Done on the JSON text, not by walking the value: payloads may nest thousands of levels deep (free-form
// `extensions`), and JSON.stringify escapes exactly what is unstorable — U+0000 as \u0000 and a lone surrogate as
// \udXXX (a well-formed pair is written as is) — so an escape preceded by an even number of backslashes is one.
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/** `value` with U+0000 and lone surrogates replaced by U+FFFD in every string and key; the same value when none. */
export function storableText<T>(value: T): T {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return value; // Too deep to write as JSON: refused as too large before it gets here, never stored.
  }
  if (json === undefined || !json.includes('\\u')) return value;
  UNSTORABLE_ESCAPE.lastIndex = 0;
  if (!UNSTORABLE_ESCAPE.test(json)) return value;
  return JSON.parse(json.replace(UNSTORABLE_ESCAPE, '$1\\ufffd')) as T;
}
