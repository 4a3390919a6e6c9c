/**
 * Internal: a guard's options, checked once and resolved into the form every stage reads.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { ClaimsOptions } from "../../src/claims/index.js";
import { FirebreakError } from "../../src/internal/errors.js";
import { MAX_TIMER_MS } from "../../src/internal/options-schema.js";
import { quote } from "../../src/internal/quote.js";
import { createChallenger, type Challenger } from "../challenger/create-challenger.js";
import type { IntentSelector } from "../challenger/intent.js";
import { assertReviewPolicy, type ReviewPolicy } from "../challenger/review-policy.js";
import type { ClaimKeys } from "./guard-claims.js";
import { GUARD_RECORDS_KEY } from "./guard-record.js";
import { claimsOptionsOf, parentKeysOf } from "./guard-state.js";
import type { BicrGuardOptions, ClaimExtractor, ExhaustedMode, FeedbackInjector, GuardProducer } from "./guard-types.js";
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
  readonly tracers: ReadonlySet<string>;
}

const WHERE = "createBicrGuard";

function fail(message: string): never {
  throw new FirebreakError("INVALID_OPTIONS", `${WHERE}: ${message}`);
}

const shown = (value: unknown): string => quote(value);

function resolveChallenger(raw: unknown): Challenger {
  if (typeof raw === "function" && typeof (raw as Challenger).review === "function") return raw as Challenger;
  if (typeof (raw as { invoke?: unknown } | undefined)?.invoke === "function" && typeof (raw as { withStructuredOutput?: unknown }).withStructuredOutput === "function") {
    return createChallenger({ model: raw as never });
  }
  return fail("`challenger` must come from createChallenger({ model }) or be a chat model.");
}

function stringList(value: unknown, option: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((k) => typeof k !== "string" || k.length === 0)) fail(`${option} must be a list of non-empty strings, got ${shown(value)}.`);
  return [...(value as string[])];
}

/** Checks a guard's options and fills in the defaults. */
export function resolveGuard(options: BicrGuardOptions): ResolvedGuard {
  if (options === undefined || options === null || typeof options !== "object") fail("options are required ({ producer, challenger, state }).");
  const producer = options.producer;
  if (typeof producer !== "function" && typeof (producer as { invoke?: unknown } | undefined)?.invoke !== "function") {
    fail("`producer` must be a node function or a runnable (e.g. a compiled agent).");
  }
  const challenger = resolveChallenger(options.challenger);
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) fail(`maxAttempts must be an integer from 1 to 100 (producer runs, the first included), got ${shown(maxAttempts)}.`);
  const onExhausted = options.onExhausted ?? "fail";
  if (!["interrupt", "degrade", "fail"].includes(onExhausted)) fail(`onExhausted must be "interrupt", "degrade" or "fail", got ${shown(onExhausted)}.`);
  const blockOn = options.blockOn ?? ["red"];
  if (!Array.isArray(blockOn) || blockOn.length === 0 || blockOn.some((v) => v !== "red" && v !== "yellow") || !blockOn.includes("red")) {
    fail(`blockOn must be ["red"] or ["red", "yellow"] (a red verdict always blocks), got ${shown(blockOn)}.`);
  }
  const floor = options.confidenceFloor ?? challenger.options.confidenceFloor;
  if (typeof floor !== "number" || !(floor >= 0 && floor <= 1)) fail(`confidenceFloor must be a number in [0, 1], got ${shown(floor)}.`);
  const feedback = options.feedback ?? "message";
  if (feedback !== "message" && feedback !== "config" && typeof feedback !== "function") fail(`feedback must be "message", "config" or a function, got ${shown(feedback)}.`);
  const invalidReply = options.invalidReply ?? "block";
  if (invalidReply !== "block" && invalidReply !== "label") fail(`invalidReply must be "block" or "label", got ${shown(invalidReply)}.`);
  const timeout = options.challengeTimeoutMs ?? 300_000;
  if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMER_MS) {
    fail(`challengeTimeoutMs must be an integer from 1 to ${MAX_TIMER_MS} (Node's longest timer), got ${shown(timeout)}.`);
  }
  const parentKeys = parentKeysOf(options.state, WHERE);
  const claimsKey = options.claimsKey ?? challenger.options.claimsKey;
  const keys: ClaimKeys = { claimsKey, messagesKey: options.messagesKey ?? "messages", recordKey: options.recordKey ?? GUARD_RECORDS_KEY };
  const passThrough = stringList(options.passThrough, "passThrough");
  const reserved = passThrough.find((k) => k === keys.claimsKey || k === keys.recordKey);
  if (reserved !== undefined) fail(`passThrough cannot name "${reserved}": claims are always reviewed and guard records come only from the guard.`);
  const unknown = passThrough.find((k) => !parentKeys.includes(k));
  if (unknown !== undefined) fail(`passThrough names "${unknown}", which the parent state does not have (keys: ${parentKeys.join(", ")}).`);
  return {
    producer,
    challenger,
    parentKeys,
    name: options.name,
    maxAttempts,
    policy: assertReviewPolicy(options.policy ?? challenger.options.policy, WHERE),
    hub: once(options.hub ?? challenger.options.hub),
    confidenceFloor: floor,
    blockOn: new Set(blockOn),
    onExhausted,
    keys,
    extractClaims: options.extractClaims,
    feedback,
    notes: options.notes ?? true,
    humanVerifier: options.humanVerifier ?? "human",
    claimsOptions: options.claimsOptions ?? claimsOptionsOf(options.state, claimsKey),
    hasClaims: parentKeys.includes(claimsKey),
    intent: options.intent ?? challenger.options.intent,
    passThrough: new Set(passThrough),
    invalidReply,
    challengeTimeoutMs: timeout,
    tracers: new Set([...TRACER_HANDLER_NAMES, ...stringList(options.tracers, "tracers")]),
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
