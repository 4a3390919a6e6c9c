/**
 * Internal: a guard's options, checked once with one zod schema (unknown keys, wrong types,
 * out-of-range numbers and timers Node cannot honour rejected with `INVALID_OPTIONS` naming
 * the option, the value received and what is allowed) and resolved into the form every
 * stage reads. The documented `BicrGuardOptions` is kept in step with the schema by a type test.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import { ClaimsOptionsSchema, type ClaimsOptions } from "../../src/claims/index.js";
import { fn, integer, invalidOption, numberIn, oneOf, parseOptions, retryPolicy, strict, text, timerMs } from "../../src/internal/options-schema.js";
import { IntentSelectorSchema, isJudgeModel, ReviewPolicySchema } from "../challenger/challenger-options.js";
import { createChallenger, type Challenger } from "../challenger/create-challenger.js";
import type { IntentSelector } from "../challenger/intent.js";
import type { ReviewPolicy } from "../challenger/review-policy.js";
import type { ClaimKeys } from "./guard-claims.js";
import { GUARD_RECORDS_KEY } from "./guard-record.js";
import { claimsOptionsOf, parentKeysOf } from "./guard-state.js";
import type { BicrGuardOptions, ClaimExtractor, ExhaustedMode, FeedbackInjector, GuardProducer, ParentStateSource } from "./guard-types.js";
import { TRACER_HANDLER_NAMES } from "./isolate.js";

/** A guard's options after defaults. */
export interface ResolvedGuard {
  readonly producer: GuardProducer;
  readonly challenger: Challenger;
  readonly parentKeys: readonly string[];
  readonly name: string | undefined;
  readonly maxAttempts: number;
  readonly policy: ReviewPolicy;
  readonly hub: () => boolean;
  readonly confidenceFloor: number;
  readonly blockOn: ReadonlySet<string>;
  readonly onExhausted: ExhaustedMode;
  readonly keys: ClaimKeys;
  readonly extractClaims: ClaimExtractor | undefined;
  readonly feedback: "message" | "config" | FeedbackInjector;
  readonly notes: boolean;
  readonly humanVerifier: string;
  readonly claimsOptions: ClaimsOptions | undefined;
  /** True when the parent has a claims channel. */
  readonly hasClaims: boolean;
  readonly intent: IntentSelector | undefined;
  readonly passThrough: ReadonlySet<string>;
  readonly invalidReply: "block" | "label";
  readonly challengeTimeoutMs: number;
  readonly redLedger: boolean;
  readonly repeatedRed: "exhaust" | "retry";
  readonly yellowOnShakyParents: "block" | "pass";
  readonly tracers: ReadonlySet<string>;
}

const WHERE = "createBicrGuard";

/** Most producer runs per handoff (`maxAttempts`). */
export const MAX_GUARD_ATTEMPTS = 100;
/** Most names in `passThrough` or `tracers`. */
const MAX_NAMES = 256;

const isObject = (v: unknown): v is object => typeof v === "object" && v !== null;
const isRunnable = (v: unknown): boolean => isObject(v) && typeof (v as { invoke?: unknown }).invoke === "function";

const ProducerSchema = z.custom<GuardProducer>((v) => typeof v === "function" || isRunnable(v), {
  error: "a node function (state, config) => update, or a runnable with invoke() (e.g. a compiled agent)",
});

const ChallengerSchema = z.custom<Challenger | BaseChatModel>(
  (v) => (typeof v === "function" && typeof (v as Challenger).review === "function") || isJudgeModel(v),
  { error: "a challenger from createChallenger({ model }), or a chat model with withStructuredOutput() to build one with defaults" },
);

const StateSourceSchema = z.custom<ParentStateSource>((v) => isObject(v), {
  error: "the parent graph's state: an Annotation.Root, a zod object, a StateSchema, the StateGraph builder, or its key list",
});

const nameList = (what: string) =>
  z
    .array(text(200), { error: `a list of ${what}` })
    .max(MAX_NAMES, { error: `at most ${MAX_NAMES} names` });

const blockOnError = '["red"] or ["red", "yellow"] (a red verdict always blocks)';

/** Every option of `createBicrGuard` (`guardNodeInPlace` takes the same without `producer`, `state`, `name`). */
export const BicrGuardOptionsSchema = strict({
  producer: ProducerSchema,
  challenger: ChallengerSchema,
  state: StateSourceSchema,
  name: text(200).optional(),
  maxAttempts: integer(1, MAX_GUARD_ATTEMPTS).optional(),
  policy: ReviewPolicySchema.optional(),
  hub: z.union([z.boolean(), fn<() => boolean>("a function () => boolean")], { error: "true, false, or a function () => boolean asked once" }).optional(),
  confidenceFloor: numberIn(0, 1).optional(),
  blockOn: z
    .array(z.enum(["red", "yellow"], { error: '"red" or "yellow"' }), { error: blockOnError })
    .min(1, { error: blockOnError })
    .max(2, { error: blockOnError })
    .refine((list) => list.includes("red"), { error: blockOnError })
    .optional(),
  onExhausted: oneOf(["interrupt", "degrade", "fail"]).optional(),
  intent: IntentSelectorSchema.optional(),
  claimsKey: text(200).optional(),
  claimsOptions: ClaimsOptionsSchema.optional(),
  messagesKey: text(200).optional(),
  recordKey: text(200).optional(),
  extractClaims: fn<ClaimExtractor>("a function (update, context) => claims").optional(),
  feedback: z
    .union([z.enum(["message", "config"]), fn<FeedbackInjector>("a function (state, feedback) => state")], {
      error: '"message", "config", or a function (state, feedback) => state',
    })
    .optional(),
  notes: z.boolean({ error: "true or false" }).optional(),
  humanVerifier: text(200).optional(),
  producerRetryPolicy: retryPolicy().optional(),
  passThrough: nameList("parent state keys").optional(),
  invalidReply: oneOf(["block", "label"]).optional(),
  challengeTimeoutMs: timerMs({ min: 1 }).optional(),
  redLedger: z.boolean({ error: "true or false" }).optional(),
  repeatedRed: oneOf(["exhaust", "retry"]).optional(),
  yellowOnShakyParents: oneOf(["block", "pass"]).optional(),
  tracers: nameList("callback handler names").optional(),
});

/** Every option of `guardNodeInPlace`: the producer, the state and the name come from the builder. */
export const GuardNodeOptionsSchema = BicrGuardOptionsSchema.omit({ producer: true, state: true, name: true });

function chatModelChallenger(raw: Challenger | BaseChatModel): Challenger {
  if (typeof raw === "function" && typeof (raw as Challenger).review === "function") return raw as Challenger;
  return createChallenger({ model: raw as BaseChatModel });
}

/** Checks a guard's options (one zod schema, `INVALID_OPTIONS` naming the option) and fills in the defaults. */
export function resolveGuard(options: BicrGuardOptions, where = WHERE): ResolvedGuard {
  const o = parseOptions(BicrGuardOptionsSchema, options, where);
  const challenger = chatModelChallenger(o.challenger);
  const parentKeys = parentKeysOf(o.state, where);
  const claimsKey = o.claimsKey ?? challenger.options.claimsKey;
  const keys: ClaimKeys = { claimsKey, messagesKey: o.messagesKey ?? "messages", recordKey: o.recordKey ?? GUARD_RECORDS_KEY };
  const passThrough = o.passThrough ?? [];
  const reserved = passThrough.findIndex((k) => k === keys.claimsKey || k === keys.recordKey);
  if (reserved >= 0) {
    throw invalidOption(where, `passThrough[${reserved}]`, passThrough[reserved], `a parent key other than "${keys.claimsKey}" and "${keys.recordKey}" (passThrough cannot name "${passThrough[reserved]}": claims are always reviewed and guard records come only from the guard)`);
  }
  const unknown = passThrough.findIndex((k) => !parentKeys.includes(k));
  if (unknown >= 0) {
    throw invalidOption(where, `passThrough[${unknown}]`, passThrough[unknown], `a key of the parent state (passThrough names "${passThrough[unknown]}", which the parent state does not have; keys: ${parentKeys.slice(0, 20).join(", ")})`);
  }
  return {
    producer: o.producer,
    challenger,
    parentKeys,
    name: o.name,
    maxAttempts: o.maxAttempts ?? 3,
    policy: o.policy ?? challenger.options.policy,
    hub: once(o.hub ?? challenger.options.hub),
    confidenceFloor: o.confidenceFloor ?? challenger.options.confidenceFloor,
    blockOn: new Set(o.blockOn ?? ["red"]),
    onExhausted: o.onExhausted ?? "fail",
    keys,
    extractClaims: o.extractClaims,
    feedback: o.feedback ?? "message",
    notes: o.notes ?? true,
    humanVerifier: o.humanVerifier ?? "human",
    // The caller's own object (checked above): the channel caches its resolution by identity.
    claimsOptions: (options as BicrGuardOptions).claimsOptions ?? claimsOptionsOf(o.state, claimsKey),
    hasClaims: parentKeys.includes(claimsKey),
    intent: o.intent ?? challenger.options.intent,
    passThrough: new Set(passThrough),
    invalidReply: o.invalidReply ?? "block",
    challengeTimeoutMs: o.challengeTimeoutMs ?? 300_000,
    redLedger: o.redLedger ?? true,
    repeatedRed: o.repeatedRed ?? "retry",
    yellowOnShakyParents: o.yellowOnShakyParents ?? "block",
    tracers: new Set([...TRACER_HANDLER_NAMES, ...(o.tracers ?? [])]),
  };
}

/** A hub flag, or a function asked once. */
function once(hub: boolean | (() => boolean)): () => boolean {
  if (typeof hub !== "function") return () => hub;
  let value: boolean | undefined;
  return () => (value ??= hub() === true);
}

/** The producer's node name: given, or the parent node this guard runs as (from the checkpoint namespace). */
export function producerName(o: ResolvedGuard, config: RunnableConfig | undefined): string {
  if (o.name !== undefined) return o.name;
  const ns = String(config?.configurable?.["checkpoint_ns"] ?? "");
  const parts = ns.split("|").filter(Boolean);
  // Inside a guard node the namespace ends "…|<parent node>:<task>|<guard node>:<task>".
  const parent = parts.length >= 2 ? parts[parts.length - 2]!.split(":")[0] : undefined;
  return parent || "producer";
}
