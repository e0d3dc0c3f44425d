/** A JSON value as stored in a json/jsonb column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Stores a contract value (an interface without an index signature) in a JSON column. */
export function toJson(value: unknown): JsonValue {
  return value as JsonValue;
}

/** Reads back a value stored with `toJson`; its shape was validated before it was stored. */
export function fromJson<T>(value: JsonValue | null): T {
  return value as T;
}
