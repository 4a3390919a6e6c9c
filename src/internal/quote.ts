/**
 * Bounded quoting of untrusted values for error messages: whatever the caller passed (a
 * 1 MB string, a model instance, a cyclic object, NaN), the quote is at most `max`
 * characters and says what the value was. Never echo a value into an error without it.
 *
 * @example
 * ```ts
 * quote("x".repeat(1_000_000)); // → "xxxxxxxx…" (1000000 characters)
 * quote(NaN);                   // → NaN            (JSON.stringify would say null)
 * quote({ kind: "rate" });      // → { kind: "rate" }
 * quote(new ChatOpenAI());      // → a ChatOpenAI
 * ```
 */

/** Default longest quote, in characters (the length suffix of a cut string comes on top). */
export const QUOTE_MAX = 80;

/** Longest string shown inside an object or array preview. */
const INNER_STRING_MAX = 24;
/** Keys or items shown per object or array level. */
const INNER_ITEMS_MAX = 4;

/**
 * Quotes `value` for an error message in at most `max` characters (plus a short
 * `(N characters)` suffix when a string was cut). Numbers keep `NaN`, `Infinity` and `-0`;
 * strings are JSON-quoted; objects show a shallow preview; class instances their class.
 */
export function quote(value: unknown, max: number = QUOTE_MAX): string {
  if (typeof value === "string") {
    if (value.length <= max) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, Math.max(1, max - 3)))}… (${value.length} characters)`;
  }
  return cut(preview(value, 2), max);
}

/** A short phrase for the kind of `value`: `a string`, `NaN`, `an array`, `a ChatOpenAI`… */
export function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    return "a number";
  }
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const name = className(value);
    return name ? `${article(name)} ${name}` : "an object";
  }
  return `${article(typeof value)} ${typeof value}`;
}

function preview(value: unknown, depth: number): string {
  switch (typeof value) {
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "string":
      return value.length <= INNER_STRING_MAX ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, INNER_STRING_MAX))}…`;
    case "undefined":
    case "boolean":
      return String(value);
    case "symbol":
      return cut(value.toString(), 40);
    case "function":
      return value.name ? `function ${cut(value.name, 40)}` : "a function";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (depth === 0) return `[…${value.length} items]`;
    const shown = value.slice(0, INNER_ITEMS_MAX).map((item) => preview(item, depth - 1));
    if (value.length > INNER_ITEMS_MAX) shown.push(`…${value.length - INNER_ITEMS_MAX} more`);
    return `[${shown.join(", ")}]`;
  }
  const name = className(value as object);
  if (name) return `${article(name)} ${cut(name, 40)}`;
  if (depth === 0) return "{…}";
  let keys: string[];
  try {
    keys = Object.keys(value as object);
  } catch {
    return "an object";
  }
  const shown: string[] = [];
  for (const key of keys.slice(0, INNER_ITEMS_MAX)) {
    let inner: string;
    try {
      inner = preview((value as Record<string, unknown>)[key], depth - 1);
    } catch {
      inner = "?";
    }
    shown.push(`${/^[A-Za-z_$][\w$]*$/.test(key) ? cut(key, INNER_STRING_MAX) : JSON.stringify(cut(key, INNER_STRING_MAX))}: ${inner}`);
  }
  if (keys.length > INNER_ITEMS_MAX) shown.push(`…${keys.length - INNER_ITEMS_MAX} more`);
  return shown.length === 0 ? "{}" : `{ ${shown.join(", ")} }`;
}

/** The class name of a non-plain object, or undefined for plain objects. */
function className(value: object): string | undefined {
  let proto: unknown;
  try {
    proto = Object.getPrototypeOf(value);
  } catch {
    return undefined;
  }
  if (proto === null || proto === Object.prototype) return undefined;
  const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === "string" && ctor.name !== "" && ctor.name !== "Object" ? ctor.name : undefined;
}

function article(word: string): string {
  return /^[aeiouAEIOU]/.test(word) ? "an" : "a";
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
