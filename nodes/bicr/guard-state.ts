/**
 * Internal: the guard subgraph's state. The parent's keys are mirrored as plain last-value
 * copies (written once, by the subgraph's input, and never again), so the producer reads the
 * parent's state as it was; everything the guard itself writes lives in private `bicr_*`
 * channels that the parent does not have. The subgraph's output schema holds only the private
 * commit, which the guard's node turns into the `Command` it returns to the parent.
 */
import { Annotation } from "@langchain/langgraph";
import type { ClaimsOptions } from "../../src/claims/index.js";
import { InvalidOptionsError } from "../../src/internal/options-schema.js";
import type { ChallengeResult } from "../challenger/types.js";
import type { AttemptRecord, BufferedClaim, EscalationResume, GuardFeedback, ParentStateSource } from "./guard-types.js";
import type { HeldEvent } from "./isolate.js";
import type { RedOrigin } from "./red-ledger.js";
import type { EffectEntry } from "../../src/effects/effect-types.js";

/** The private channels of the guard subgraph. */
export const PRIVATE_KEYS = ["bicr_attempt", "bicr_buffer", "bicr_review", "bicr_attempts", "bicr_feedback", "bicr_outcome", "bicr_commit", "bicr_effects"] as const;

/** The node names of the guard subgraph. */
export const GUARD_NODES = ["produce", "challenge", "recover", "escalate", "commit", "bicr_undo", "bicr_outbox"] as const;

/** The producer's held-back output (Buffer). */
export interface Buffered {
  readonly attempt: number;
  /** The producer's update, feedback messages stripped, claim ids filled in. */
  readonly update: Record<string, unknown>;
  /** The producer's `Command` goto (node names and `Send`s), if it returned one. */
  readonly goto: readonly unknown[];
  /** True when the producer addressed the graph above the guarded node (`graph: Command.PARENT`). */
  readonly toParent: boolean;
  /** Every effect of the attempt on the parent, as review items: claims, messages, channels, routing. */
  readonly claims: readonly BufferedClaim[];
  /** Custom events and custom-stream chunks the attempt emitted, held until its verdict. */
  readonly held: readonly HeldEvent[];
  /** Why the update is invalid (checked before review), if it is. */
  readonly invalid?: string;
}

/** The challenge of one attempt. */
export interface Review extends ChallengeResult {
  readonly attempt: number;
  /** Ids of the items sent to the challenger. */
  readonly reviewed: readonly string[];
  /** Ids of the items whose verdict blocks. */
  readonly blocking: readonly string[];
  /** Why the review is incomplete (no valid verdict for an item, a failed challenger), when it is. */
  readonly incomplete?: string;
  readonly blocked: boolean;
  /** Items the red ledger blocked without asking the challenger, by item id: the red claim each repeats. */
  readonly repeats?: Readonly<Record<string, RedOrigin>>;
  /** Yellow claims blocked because they are built on a claim that is not green, by claim id: that claim's id. */
  readonly shaky?: Readonly<Record<string, string>>;
}

/** What the guard hands the parent: the committed update and routing, and the held events to replay. */
export interface Committed {
  readonly update: Record<string, unknown>;
  readonly goto: readonly unknown[];
  readonly toParent: boolean;
  readonly held: readonly HeldEvent[];
}

/** How the handoff is to be committed, decided by the escalation (absent on a clean pass). */
export type Outcome = { readonly action: "degrade" } | EscalationResume;

/** The guard subgraph's state, as its nodes read it. */
export interface GuardState extends Record<string, unknown> {
  bicr_attempt: number;
  bicr_buffer: Buffered | null;
  bicr_review: Review | null;
  bicr_attempts: AttemptRecord[];
  bicr_feedback: GuardFeedback | null;
  bicr_outcome: Outcome | null;
  bicr_commit: Committed | null;
  /** Every effect of the handoff's attempts (`effectTool`), with where it is (deferred, executed, compensated…). */
  bicr_effects: EffectEntry[];
}

/** The parent's keys, from whatever describes its state. */
export function parentKeysOf(source: ParentStateSource, where: string): string[] {
  let keys: string[] | undefined;
  if (Array.isArray(source)) keys = [...(source as readonly string[])];
  else if (typeof source === "object" && source !== null) {
    const s = source as Record<string, unknown>;
    if (typeof s["getChannelKeys"] === "function") keys = (s["getChannelKeys"] as () => string[])();
    else if (typeof s["spec"] === "object" && s["spec"] !== null) keys = Object.keys(s["spec"] as object);
    else if (typeof s["channels"] === "object" && s["channels"] !== null) keys = Object.keys(s["channels"] as object);
    else if (typeof s["shape"] === "object" && s["shape"] !== null) keys = Object.keys(s["shape"] as object);
  }
  if (keys === undefined || keys.length === 0 || keys.some((k) => typeof k !== "string" || k.length === 0)) {
    const allowed = "an Annotation.Root, a zod object, a StateSchema, the StateGraph builder, or its key list";
    throw new InvalidOptionsError(where, [{ option: "state", received: describe(source), allowed }], {
      message: `${where}: \`state\` must describe the parent graph's state (${allowed}); got ${describe(source)}.`,
    });
  }
  const clash = keys.find((k) => (PRIVATE_KEYS as readonly string[]).includes(k) || (GUARD_NODES as readonly string[]).includes(k));
  if (clash !== undefined) {
    throw new InvalidOptionsError(where, [{ option: "state", received: `a key "${clash}"`, allowed: "keys other than the guard's internal names" }], {
      message: `${where}: the parent state key "${clash}" clashes with a name the guard uses internally; rename that key.`,
    });
  }
  return keys;
}

/** The options of the parent's claims channel, when the state description carries the channel object. */
export function claimsOptionsOf(source: ParentStateSource, claimsKey: string): ClaimsOptions | undefined {
  if (typeof source !== "object" || source === null || Array.isArray(source)) return undefined;
  const s = source as Record<string, unknown>;
  for (const holder of [s["spec"], s["fields"], s["channels"], s["_schemaDefinition"]]) {
    const channel = (holder as Record<string, unknown> | undefined)?.[claimsKey] as { claimsOptions?: ClaimsOptions } | undefined;
    if (typeof channel === "object" && channel !== null && typeof channel.claimsOptions === "object") return channel.claimsOptions;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === "object" ? `an object with keys ${Object.keys(value).slice(0, 5).join(", ") || "(none)"}` : typeof value;
}

const lastValue = <T>(initial: () => T) => Annotation<T>({ reducer: (_old: T, next: T) => next, default: initial });

/** Builds the subgraph's state, input and output annotations for the given parent keys. */
export function guardAnnotations(parentKeys: readonly string[]) {
  const mirror = Object.fromEntries(parentKeys.map((k) => [k, Annotation<unknown>()]));
  const input = Annotation.Root(mirror);
  const commit = lastValue<Committed | null>(() => null);
  const state = Annotation.Root({
    ...mirror,
    bicr_attempt: lastValue<number>(() => 0),
    bicr_buffer: lastValue<Buffered | null>(() => null),
    bicr_review: lastValue<Review | null>(() => null),
    bicr_attempts: Annotation<AttemptRecord[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
    bicr_feedback: lastValue<GuardFeedback | null>(() => null),
    bicr_outcome: lastValue<Outcome | null>(() => null),
    bicr_commit: commit,
    bicr_effects: lastValue<EffectEntry[]>(() => []),
  });
  const output = Annotation.Root({ bicr_commit: commit });
  return { input, state, output };
}

/** The parent's values out of the guard's state (the producer's view, before feedback). */
export function parentValues(state: Record<string, unknown>, parentKeys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of parentKeys) if (state[k] !== undefined) out[k] = state[k];
  return out;
}
