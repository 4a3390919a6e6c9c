/**
 * Internal: what a node returns is read once. A node-time check (the identity of a verdict
 * batch, the author of a new claim) and the seal it mints must judge the same content, and so
 * must the channel when it applies the update; an object whose getters (or a Proxy) answer
 * differently on a later read would otherwise pass the check as one thing and be applied as
 * another ("sneaky" at the check, "challenger" when recorded). So the checks take a plain-data
 * copy of each update item, every property read exactly once, and everything after them uses
 * that copy.
 */
import { isFrozenByChannel } from "./frozen.js";

/** Deeper than this, values are kept as given (what is checked lies within a few levels). */
const MAX_DEPTH = 16;

/**
 * A plain-data copy of `value`: arrays and plain objects copied, each element and own enumerable
 * property read once; primitives, objects the channel froze itself (immutable all the way down),
 * and other objects (a `Date`, a class instance — left to the schema) as they are.
 */
export function snapshot<T>(value: T, depth = 0): T {
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH || isFrozenByChannel(value)) return value;
  if (Array.isArray(value)) {
    const n = value.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = snapshot(value[i], depth + 1);
    return out as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === "__proto__") continue;
    out[key] = snapshot((value as Record<string, unknown>)[key], depth + 1);
  }
  return out as T;
}
