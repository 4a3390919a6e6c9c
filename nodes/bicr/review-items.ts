/**
 * Total review: every effect a producer attempt would have on the parent, as items the
 * challenger judges. A claim in the claims channel is one item; so is every other place the
 * attempt writes: each message it adds, replaces or removes, each other channel it sets (any
 * type), and each `goto` target and `Send` payload of its `Command`. What cannot be shown to
 * the challenger as data, or must never come from a producer (verdicts, guard records, keys the
 * parent does not have), makes the attempt invalid: it is blocked, never passed unseen. Keys
 * the user names in `passThrough` are the only content that is committed without review.
 */
import { Command, isCommand, Overwrite, Send } from "@langchain/langgraph";
import type { Claim } from "../../src/claims/claim-schema.js";
import { positionOf } from "../../src/claims/claims-index.js";
import { isClaimVerdicts } from "../../src/claims/verdicts.js";
import { InvalidOutputError } from "../../src/internal/invalid-output-error.js";
import { asList, messageId, messageText, messageType, type ClaimKeys } from "./guard-claims.js";
import type { BufferedClaim } from "./guard-types.js";

/** The id `RemoveMessage` uses to clear every message. */
const REMOVE_ALL = "__remove_all__";

/** What the producer's attempt amounts to, before review. */
export interface ProducerOutput {
  /** The channel writes. */
  readonly update: Record<string, unknown>;
  /** The `Command`'s `goto`: node names and `Send`s, in order. */
  readonly goto: readonly (string | Send)[];
  /** True when the attempt addressed the graph above the guarded node (`graph: Command.PARENT` returned by a function producer). */
  readonly toParent: boolean;
}

/** Reads a producer's return value (an update, a `Command`, or nothing). */
export function readProducerOutput(raw: unknown, name: string): ProducerOutput {
  if (raw === null || raw === undefined) return { update: {}, goto: [], toParent: false };
  if (isCommand(raw)) return fromCommand(raw as Command, false);
  if (typeof raw !== "object" || Array.isArray(raw)) {
    const received = Array.isArray(raw) ? "an array" : typeof raw;
    throw new InvalidOutputError(
      { source: name, expected: "an update object, a Command, or nothing", received },
      `Guard on node "${name}": the producer must return an update object or a Command, got ${received}.`,
    );
  }
  return { update: raw as Record<string, unknown>, goto: [], toParent: false };
}

/** A producer `Command` as an output; `caught` marks one thrown by a nested agent's tool (a handoff). */
export function fromCommand(cmd: Command, caught: boolean): ProducerOutput {
  const update = Array.isArray(cmd.update) ? Object.fromEntries(cmd.update as [string, unknown][]) : ((cmd.update as Record<string, unknown> | undefined) ?? {});
  const goto = (Array.isArray(cmd.goto) ? cmd.goto : cmd.goto === undefined || cmd.goto === null ? [] : [cmd.goto]) as (string | Send)[];
  return { update, goto, toParent: !caught && cmd.graph === Command.PARENT };
}

/** Why a value cannot be shown to the challenger as data. */
class NotData extends Error {}

function isMessage(value: object): boolean {
  return messageType(value) !== undefined && "content" in value;
}

/**
 * A value as the data it really is, for the challenger: plain objects, arrays, strings,
 * numbers, booleans, null, dates, `Map`s, `Set`s, `Overwrite` wrappers and messages. Anything
 * else — functions, symbols (as values or keys), getters, cycles, class instances (errors,
 * regexps, buffers, custom classes), a `toJSON` that would show something else — is not data
 * and throws: what the challenger is shown is exactly what would be committed.
 */
export function toData(value: unknown, path = "value", seen: Set<object> = new Set()): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? (Object.is(value, -0) ? "-0" : value) : String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return null;
    case "function":
    case "symbol":
      throw new NotData(`${path} is a ${typeof value}`);
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) throw new NotData(`${path} refers back to itself`);
  seen.add(object);
  try {
    if (Array.isArray(object)) return object.map((v, i) => toData(v, `${path}[${i}]`, seen));
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? "Invalid Date" : object.toISOString();
    if (object instanceof Map) return { Map: [...object].map(([k, v], i) => [toData(k, `${path}.key${i}`, seen), toData(v, `${path}.get(${i})`, seen)]) };
    if (object instanceof Set) return { Set: [...object].map((v, i) => toData(v, `${path}.item${i}`, seen)) };
    if (object instanceof Overwrite) return { Overwrite: toData((object as { value: unknown }).value, `${path}.value`, seen) };
    if (isMessage(object)) return messageData(object, path, seen);
    const proto = Object.getPrototypeOf(object) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? "class";
      throw new NotData(`${path} is a ${name} instance, not plain data`);
    }
    return ownData(object, path, seen, false);
  } finally {
    seen.delete(object);
  }
}

/** An object's own properties as data: symbol keys and getters are not data (skipped on messages' own bookkeeping). */
function ownData(object: object, path: string, seen: Set<object>, message: boolean): Record<string, unknown> {
  // No prototype, and every key defined as an own property: an own "__proto__" key stays a key.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Reflect.ownKeys(object)) {
    if (typeof key === "symbol") {
      if (message) continue;
      throw new NotData(`${path} has a symbol-keyed property`);
    }
    if (message && (key.startsWith("lc_") || key === "id")) continue;
    const descriptor = Object.getOwnPropertyDescriptor(object, key)!;
    if (!("value" in descriptor)) throw new NotData(`${path}.${key} is a getter`);
    if (descriptor.value === undefined) continue;
    Object.defineProperty(out, key, { value: toData(descriptor.value, `${path}.${key}`, seen), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A message as data: every field it carries (content blocks, tool calls, metadata, artifacts), its type first. */
function messageData(m: object, path: string, seen: Set<object>): Record<string, unknown> {
  const own = ownData(m, path, seen, true);
  const { type: _type, ...fields } = own;
  const kwargs = (m as { lc_kwargs?: unknown }).lc_kwargs;
  if (typeof kwargs === "object" && kwargs !== null) {
    // A message is checkpointed from its lc_kwargs: whatever they hold beyond its fields is shown too.
    const serialized: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(kwargs)) {
      if (key === "id" || raw === undefined) continue;
      const shown = toData(raw, `${path}.lc_kwargs.${key}`, seen);
      if (!(key in fields)) fields[key] = shown;
      else if (!contains(fields[key], shown)) serialized[key] = shown;
    }
    if (Object.keys(serialized).length > 0) fields["serialized"] = serialized;
  }
  return { type: messageType(m), ...fields };
}

/** Whether data `b` says nothing `a` does not (equal leaves; `b`'s objects may have fewer keys). */
function contains(a: unknown, b: unknown): boolean {
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    return Object.entries(b).every(([k, v]) => contains((a as Record<string, unknown>)[k], v));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Renders a value as JSON for the challenger; throws when it cannot be shown as data. */
export function render(value: unknown): string {
  return JSON.stringify(toData(value)) ?? "null";
}

/** The fields of a message's data worth naming apart from its text. */
const EMPTY = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0);

/** A message as one line of review text: who, what, which tools it calls, and every other field it carries. */
function describeMessage(m: unknown): string {
  const type = messageType(m);
  if (type === undefined || typeof m !== "object" || m === null) return `a message ${render(m)}`;
  // A message given as a plain object (OpenAI's format, a serialized message): shown whole, as LangGraph will read it.
  if (!("lc_kwargs" in m)) return `${type} message given as data: ${render(m)}`;
  const { type: _t, content, name, tool_calls, ...rest } = toData(m) as Record<string, unknown>;
  const who = typeof name === "string" ? ` from "${name}"` : "";
  const text = messageText(m);
  const body = typeof content === "string" ? (text.length > 0 ? JSON.stringify(text) : "(no text)") : JSON.stringify(content);
  const calls = EMPTY(tool_calls) ? "" : `; it calls tools ${JSON.stringify((tool_calls as Array<{ name?: unknown; args?: unknown }>).map((c) => ({ name: c.name, args: c.args })))}`;
  const more = Object.fromEntries(Object.entries(rest).filter(([, v]) => !EMPTY(v)));
  const extra = Object.keys(more).length > 0 ? `; it also carries ${JSON.stringify(more)}` : "";
  return `${type} message${who}: ${body}${calls}${extra}`;
}

function sameMessage(a: unknown, b: unknown): boolean {
  try {
    return render(a) === render(b);
  } catch {
    return false;
  }
}

/** The context items are built in. */
export interface ReviewContext {
  readonly producer: string;
  readonly parent: Readonly<Record<string, unknown>>;
  readonly parentKeys: readonly string[];
  readonly keys: ClaimKeys;
  readonly passThrough: ReadonlySet<string>;
  /** True when the parent has a claims channel (prose from AI messages then becomes claims). */
  readonly hasClaims: boolean;
  /** Makes a fresh item id. */
  readonly newId: () => string;
}

/** The result: the items to review, and why the attempt is invalid when it is. */
export interface ReviewItems {
  readonly items: BufferedClaim[];
  readonly invalid?: string;
}

/**
 * Every effect of `output` on the parent as review items. `claims` are the items already
 * found in the claims channel (or by a custom extractor): the places they name are covered.
 */
export function reviewItems(output: ProducerOutput, claims: readonly BufferedClaim[], ctx: ReviewContext): ReviewItems {
  const items: BufferedClaim[] = [...claims];
  const problems: string[] = [];
  const covered = new Set(claims.map((c) => placeOf(c.from)));
  const { update } = output;
  for (const key of Object.keys(update)) {
    const value = update[key];
    if (value === undefined) continue;
    if (key === ctx.keys.claimsKey) {
      if (asList(value).some(isClaimVerdicts)) problems.push(`it writes verdicts to "${key}"; only the guard's challenger (or a human through the escalation) labels claims`);
      claimDetails(value, items, problems);
      continue;
    }
    if (key === ctx.keys.recordKey) {
      problems.push(`it writes guard records to "${key}"; only the guard does`);
      continue;
    }
    if (!ctx.parentKeys.includes(key)) {
      problems.push(`it writes "${key}", which the parent state does not have`);
      continue;
    }
    if (ctx.passThrough.has(key)) continue;
    if (key === ctx.keys.messagesKey) {
      messageItems(value, ctx, claims.length === 0, covered, items, problems);
      continue;
    }
    if (covered.has(`field:${key}`)) continue;
    try {
      items.push({ id: ctx.newId(), text: `Sets "${key}" to ${render(value)}`, ...primitive(value), basedOn: [], from: { kind: "field", key } });
    } catch (error) {
      problems.push(`"${key}" holds a value that cannot be shown to the challenger (${(error as Error).message}); return JSON data, or name "${key}" in passThrough`);
    }
  }
  output.goto.forEach((target, index) => {
    try {
      if (typeof target === "string") items.push({ id: ctx.newId(), text: `Hands control to node "${target}"`, basedOn: [], from: { kind: "route", index } });
      else items.push({ id: ctx.newId(), text: `Sends to node "${target.node}" the input ${render(target.args)}`, basedOn: [], from: { kind: "send", index } });
    } catch (error) {
      problems.push(`the Send to "${(target as Send).node}" carries a value that cannot be shown to the challenger (${(error as Error).message})`);
    }
  });
  if (output.goto.some((g) => typeof g !== "string" && !(g instanceof Send) && typeof (g as { node?: unknown })?.node !== "string")) {
    problems.push("its Command's goto holds something that is neither a node name nor a Send");
  }
  return problems.length === 0 ? { items } : { items, invalid: `The update cannot be committed: ${problems.join("; ")}.` };
}

/**
 * What a claim carries beyond its text and value that the challenger must see: its
 * alternatives' answers, its `meta`, its source reference. (Not its confidence or lineage:
 * the challenger judges the statement, not who said it or how sure they were; nor fault-
 * injection taints.) Attached to the claim's item as `details`; a claim that is not data is a problem.
 */
function claimDetails(value: unknown, items: BufferedClaim[], problems: string[]): void {
  const raw = asList(value);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.from.kind !== "claims") continue;
    const claim = raw[item.from.index] as Record<string, unknown> | undefined;
    if (typeof claim !== "object" || claim === null) continue;
    try {
      toData(claim, `claim ${item.id}`);
      const origin = (claim["origin"] ?? {}) as Record<string, unknown>;
      const alternatives = Array.isArray(claim["alternatives"]) ? (claim["alternatives"] as Array<{ value?: unknown }>).map((a) => a?.value) : [];
      const details: Record<string, unknown> = {};
      if (alternatives.length > 0) details["alternatives"] = toData(alternatives);
      if (claim["meta"] !== undefined) details["meta"] = toData(claim["meta"]);
      if (origin["ref"] !== undefined) details["sourceRef"] = toData(origin["ref"]);
      if (Object.keys(details).length > 0) items[i] = { ...item, details };
    } catch (error) {
      problems.push(`claim ${item.id} cannot be shown to the challenger (${(error as Error).message})`);
    }
  }
}

function messageItems(value: unknown, ctx: ReviewContext, prose: boolean, covered: Set<string>, items: BufferedClaim[], problems: string[]): void {
  const byId = new Map<string, unknown>();
  for (const m of asList(ctx.parent[ctx.keys.messagesKey])) {
    const id = messageId(m);
    if (id !== undefined) byId.set(id, m);
  }
  asList(value).forEach((m, index) => {
    if (covered.has(`message:${index}`)) return;
    const id = messageId(m);
    const type = messageType(m);
    try {
      if (type === "remove") {
        const text = id === REMOVE_ALL ? "Removes every message of the conversation" : `Removes ${byId.has(id!) ? describeMessage(byId.get(id!)) : `message ${render(id)}`}`;
        items.push({ id: ctx.newId(), text, basedOn: [], from: { kind: "message", index, op: "remove" } });
        return;
      }
      if (id !== undefined && byId.has(id)) {
        if (sameMessage(byId.get(id), m)) return; // an echo of the history: no effect
        items.push({ id: ctx.newId(), text: `Replaces ${describeMessage(byId.get(id))} with ${describeMessage(m)}`, basedOn: [], from: { kind: "message", index, op: "replace" } });
        return;
      }
      const isProse = prose && ctx.hasClaims && type === "ai" && messageText(m).trim().length > 0;
      items.push({ id: ctx.newId(), text: `Adds ${describeMessage(m)}`, basedOn: [], from: { kind: "message", index, op: "add", ...(isProse ? { prose: true } : {}) } });
    } catch (error) {
      problems.push(`message ${index} cannot be shown to the challenger (${(error as Error).message})`);
    }
  });
}

function primitive(value: unknown): { value?: string | number | boolean | null } {
  if (value === null || typeof value === "string" || typeof value === "boolean") return { value: value as string | boolean | null };
  if (typeof value === "number" && Number.isFinite(value)) return { value };
  return {};
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return render(a) === render(b);
  } catch {
    return false;
  }
}

/**
 * The update without echoes of the parent's state: a prebuilt agent (`createReactAgent`)
 * returns its whole state, so every channel it was given comes back unchanged. A channel whose
 * value equals the parent's, and claims already stored exactly as they are, have no effect
 * and are dropped (re-adding them would double an append channel). Messages echoed by id are
 * handled in review.
 */
export function dropEchoes(update: Record<string, unknown>, parent: Readonly<Record<string, unknown>>, keys: ClaimKeys): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(update)) {
    if (key === keys.messagesKey) {
      out[key] = value;
      continue;
    }
    const before = parent[key];
    // Cheap tests first: an echo of a list has the list's length.
    const sameShape = !Array.isArray(value) || (Array.isArray(before) && before.length === value.length);
    if (key in parent && sameShape && sameData(value, before)) continue;
    if (key === keys.claimsKey && Array.isArray(before)) {
      const stored = before as Claim[];
      const kept = asList(value).filter((item) => {
        const id = (item as { id?: unknown } | null)?.id;
        if (typeof id !== "string") return true;
        const at = positionOf(stored, id);
        return !(at >= 0 && sameData(item, stored[at]));
      });
      if (kept.length > 0) out[key] = kept;
      continue;
    }
    out[key] = value;
  }
  return out;
}

/** A stable name for the place an item comes from. */
export function placeOf(from: BufferedClaim["from"]): string {
  switch (from.kind) {
    case "claims":
      return `claims:${from.index}`;
    case "message":
      return `message:${from.index}`;
    case "field":
      return `field:${from.key}`;
    case "route":
    case "send":
      return `goto:${from.index}`;
  }
}

/** The text of a prose item as a claim: the AI message's own words. */
export function proseText(update: Record<string, unknown>, item: BufferedClaim, messagesKey: string): string {
  if (item.from.kind !== "message") return item.text;
  return messageText(asList(update[messagesKey])[item.from.index]).trim();
}
