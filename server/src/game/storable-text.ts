// Text both databases can hold. A contract-valid string may contain U+0000 or a lone UTF-16 surrogate (a name cut
// in the middle of an emoji); PostgreSQL refuses both (text and jsonb), so such an event was answered INTERNAL
// there — and retried by the module forever — while SQLite stored it. Every inbound value goes through here
// first, so both stores keep U+FFFD in their place and acknowledge the event alike.

// A high surrogate not followed by a low one, or a low one not preceded by a high one (UTF-16 code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function text(value: string): string {
  const withoutNul = value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
  return HAS_LONE_SURROGATE.test(withoutNul) ? withoutNul.replace(LONE_SURROGATE, '\uFFFD') : withoutNul;
}

/** `value` with U+0000 and lone surrogates replaced by U+FFFD in every string and key; the same object when none. */
export function storableText<T>(value: T): T {
  if (typeof value === 'string') return text(value) as T;
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item: unknown) => {
      const next = storableText(item);
      changed ||= next !== item;
      return next;
    });
    return (changed ? items : value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const entry: [string, unknown] = [text(key), storableText(item)];
    changed ||= entry[0] !== key || entry[1] !== item;
    return entry;
  });
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return (changed ? Object.fromEntries(entries) : value) as T;
}
