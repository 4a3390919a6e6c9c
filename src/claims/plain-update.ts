/**
 * Internal: in zod and `StateSchema` state the node-time check cannot replace the update a node
 * returned — LangGraph keeps that very object, applies it and saves it as the task's pending write.
 * So what was checked must be what is applied and saved: the update must be plain data (arrays and
 * plain objects, no getters, no Proxies, no `toJSON`, no other prototypes), and once checked (and
 * its verdict batches sealed in place) it is deep-frozen, so neither a later read nor a later edit
 * (a microtask, a timer) nor the checkpoint's serializer can see anything else.
 */
import { types } from "node:util";
import { InvalidClaimError, preview } from "./errors.js";
import { freezeDeep } from "./frozen.js";

/** Nested deeper than this, an update is refused (a claim is a few levels deep; a cycle never ends). */
const MAX_DEPTH = 32;

/** Throws `InvalidClaimError` naming where `update` is not plain data (see the module comment). */
export function checkPlainUpdate(update: unknown): void {
  const items: readonly unknown[] = Array.isArray(update) ? update : [update];
  checkValue(update, "(update)", 0, -1);
  for (let i = 0; i < items.length; i++) checkValue(items[i], "(item)", 1, i);
}

function refuse(index: number, field: string, received: string): never {
  throw new InvalidClaimError({
    index: Math.max(0, index),
    field,
    expected:
      "plain data: arrays and plain objects as a node builds them (claimVerdicts(), object literals), without getters, " +
      "Proxies, toJSON or class instances — the check at node time must see what the channel applies and the checkpoint saves",
    received,
  });
}

function checkValue(value: unknown, field: string, depth: number, index: number): void {
  if (typeof value === "function") refuse(index, field, "a function");
  if (typeof value !== "object" || value === null) return;
  if (types.isProxy(value)) refuse(index, field, "a Proxy");
  if (depth > MAX_DEPTH) refuse(index, field, `data nested more than ${MAX_DEPTH} levels deep (a cycle?)`);
  const proto = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (isArray ? proto !== Array.prototype : proto !== Object.prototype && proto !== null) {
    if (depth >= 3 && value instanceof Date) return; // a Date inside meta: serialized as its ISO string
    if (depth >= 3) return; // other objects deep inside `meta` are kept as given (they cannot make an item another kind)
    refuse(index, field, `an object with prototype ${preview(proto?.constructor?.name ?? "unknown")}`);
  }
  if (depth === 0 && isArray) {
    for (const key of Object.getOwnPropertyNames(value)) {
      if (key === "length") continue;
      if (!/^\d+$/.test(key)) refuse(index, field, `an array with a property ${preview(key)}`);
      const d = Object.getOwnPropertyDescriptor(value, key)!;
      if (d.get !== undefined || d.set !== undefined) refuse(Number(key), "(item)", "a getter or setter");
    }
    return; // the items are checked one by one
  }
  for (const key of Object.getOwnPropertyNames(value)) {
    if (key === "length" && isArray) continue;
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if (d.get !== undefined || d.set !== undefined) refuse(index, `${field}.${key}`, "a getter or setter");
    if (key === "toJSON") refuse(index, `${field}.${key}`, "a toJSON method");
    checkValue(d.value, key, depth + 1, index);
  }
}

/** Deep-freezes a checked update in place (its arrays and plain objects): from now on every read sees what was checked. */
export function freezeUpdate(update: unknown): void {
  if (typeof update === "object" && update !== null) freezeDeep(update);
}
