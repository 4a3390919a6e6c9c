/**
 * Total review: every effect a producer attempt would have on the parent, as items the
 * challenger judges. A claim in the claims channel is one item; so is every other place the
 * attempt writes: each message it adds, replaces or removes, each other channel it sets (any
 * type), and each `goto` target and `Send` payload of its `Command`. What cannot be shown to
 * the challenger as data, or must never come from a producer (verdicts, guard records, keys the
 * parent does not have), makes the attempt invalid: it is blocked, never passed unseen. Keys
 * the user names in `passThrough` are the only content that is committed without review.
 */
import { Command, isCommand, Send } from "@langchain/langgraph";
import { FirebreakError } from "../../src/internal/errors.js";
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
    throw new FirebreakError(
      "INVALID_OPTIONS",
      `Guard on node "${name}": the producer must return an update object or a Command, got ${Array.isArray(raw) ? "an array" : typeof raw}.`,
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

/** Renders a value as JSON for the challenger; throws when it cannot be shown as data. */
export function render(value: unknown): string {
  const seen = new Set<unknown>();
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "function" || typeof v === "symbol") throw new TypeError(`a ${typeof v} is not data`);
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    if (typeof v === "object" && v !== null) {
      if (seen.has(v)) throw new TypeError("the value refers to itself");
      seen.add(v);
      if (messageType(v) !== undefined && "content" in (v as object)) return messageView(v);
    }
    return v;
  });
  return text ?? "undefined";
}

function messageView(m: unknown): Record<string, unknown> {
  const msg = m as { name?: unknown; tool_calls?: unknown[]; additional_kwargs?: Record<string, unknown>; tool_call_id?: unknown };
  const calls = Array.isArray(msg.tool_calls) ? msg.tool_calls.map((c) => ({ name: (c as { name?: unknown }).name, args: (c as { args?: unknown }).args })) : [];
  const extra = Object.keys(msg.additional_kwargs ?? {}).length > 0 ? msg.additional_kwargs : undefined;
  return {
    type: messageType(m),
    ...(typeof msg.name === "string" ? { name: msg.name } : {}),
    content: (m as { content?: unknown }).content,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
    ...(typeof msg.tool_call_id === "string" ? { tool_call_id: msg.tool_call_id } : {}),
    ...(extra === undefined ? {} : { additional_kwargs: extra }),
  };
}

/** A message as one line of review text: who, what, which tools it calls. */
function describeMessage(m: unknown): string {
  const type = messageType(m);
  if (type === undefined) return `a message ${render(m)}`;
  const view = messageView(m);
  const name = typeof view["name"] === "string" ? ` from "${view["name"]}"` : "";
  const text = messageText(m);
  const calls = view["tool_calls"] ? `; it calls tools ${render(view["tool_calls"])}` : "";
  const extra = view["additional_kwargs"] ? `; additional data ${render(view["additional_kwargs"])}` : "";
  const body = text.length > 0 ? render(text) : typeof (m as { content?: unknown }).content === "string" ? "(no text)" : render((m as { content?: unknown }).content);
  return `${type} message${name}: ${body}${calls}${extra}`;
}

function sameMessage(a: unknown, b: unknown): boolean {
  try {
    return render(messageView(a)) === render(messageView(b));
  } catch {
    return false;
  }
}

function isVerdictBatch(item: unknown): boolean {
  return typeof item === "object" && item !== null && (item as { kind?: unknown }).kind === "firebreak/verdicts";
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
      if (asList(value).some(isVerdictBatch)) problems.push(`it writes verdicts to "${key}"; only the guard's challenger (or a human through the escalation) labels claims`);
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
    if (key in parent && sameData(value, parent[key])) continue;
    if (key === keys.claimsKey && Array.isArray(parent[key])) {
      const stored = new Map((parent[key] as Array<{ id?: unknown }>).map((c) => [c?.id, c]));
      const kept = asList(value).filter((item) => {
        const id = (item as { id?: unknown } | null)?.id;
        return !(typeof id === "string" && stored.has(id) && sameData(item, stored.get(id)));
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
