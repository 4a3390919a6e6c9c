/**
 * Internal: what the channel stores cannot be changed after the fact. Every claim a commit stores
 * is a deep copy, frozen (its origin, alternatives, taint and verdict history too), so a node
 * that edits the claims in its input state throws (ES modules are strict) and an object a node
 * returned — mutated later, in a microtask — is never the stored one.
 */
import type { Claim } from "./claim-schema.js";

/** A frozen deep copy of plain data (arrays and objects; other values as they are). */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (frozen.has(value)) return value; // ours already: immutable all the way down
  if (!Array.isArray(value) && !isPlain(value)) return value; // a Date or class instance in `meta`: kept as given
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = frozenCopy(value[i]);
    Object.freeze(out);
    frozen.add(out);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === "__proto__") continue;
    out[key] = frozenCopy((value as Record<string, unknown>)[key]);
  }
  Object.freeze(out);
  frozen.add(out);
  return out as T;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Objects this module froze (deeply): they can be shared as they are. */
const frozen = new WeakSet<object>();

/** True for an object the channel froze itself (deeply): it reads the same every time. */
export function isFrozenByChannel(value: object): boolean {
  return frozen.has(value);
}

/** A stored claim as the channel keeps it: a frozen deep copy (the same object when it already is one). */
export function storedClaim(claim: Claim): Claim {
  return frozenCopy(claim);
}

/**
 * Freezes, in place, the claims of an array the channel holds but did not make (loaded from a
 * checkpoint), and the array itself. A no-op for an array already frozen.
 */
export function freezeStored(claims: readonly Claim[]): void {
  if (Object.isFrozen(claims)) return;
  for (const claim of claims) deepFreeze(claim);
  Object.freeze(claims);
}

/** Deep-freezes plain data in place (arrays and plain objects; other values as they are) and marks it as the channel's own. */
export function freezeDeep(value: unknown): void {
  deepFreeze(value);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || frozen.has(value)) return;
  if (!Array.isArray(value) && !isPlain(value)) return;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  Object.freeze(value);
  frozen.add(value);
}
