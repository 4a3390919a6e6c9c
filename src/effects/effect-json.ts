/** An effect's input and result as the guard keeps them in its checkpoint: plain JSON. */

/** A value as JSON (`undefined` is `null`; what cannot be serialized is kept as its text). */
export function asJson(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return { unserializable: String(value) };
  }
}
