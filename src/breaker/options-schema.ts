/**
 * The zod schemas of the breaker's options: what `withSemanticBreaker` and
 * `createBreakerMiddleware` accept, checked once at construction (unknown keys, wrong
 * types, out-of-range numbers and timers Node cannot honour are rejected with the option's
 * path, the value received and what is allowed). The README's option table is this file.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { IBackoffFactory, IBreaker, IHalfOpenAfterBackoffContext } from "cockatiel";
import { z } from "zod";
import { fn, integer, oneOf, share, strict, text, timerMs } from "../internal/options-schema.js";
import { isCircuitStore, type CircuitStore } from "./store/circuit-store.js";
import type { Check } from "./types.js";

/** Most extra passes over the provider chain (`retry.attempts`). */
export const MAX_RETRY_ATTEMPTS = 10;
/** Most fallback providers. */
export const MAX_FALLBACKS = 16;
/** Most checks in one list. */
export const MAX_CHECKS = 64;
/** Largest consecutive-failure threshold and rate window. */
export const MAX_TRIP_COUNT = 100_000;

/** A LangChain chat model, recognised by shape (duplicate installs of core stay compatible). */
export function isChatModel(value: unknown): value is BaseChatModel {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { invoke?: unknown }).invoke === "function" &&
    typeof (value as { _generate?: unknown })._generate === "function"
  );
}

/** A chat model. */
export const ChatModelSchema = z.custom<BaseChatModel>(isChatModel, {
  error: "a LangChain chat model (an object with invoke() and _generate(), e.g. new ChatOpenAI())",
});

/** One check: a function returning a verdict. */
export const CheckSchema = fn<Check>("a check: a function (answer, context) => { ok, reason? }, e.g. nonEmpty() (note the call)");

/** The checks list: at least one check, or the explicit opt-out `"none"`. */
export const ChecksSchema = z.union(
  [
    z.literal("none"),
    z
      .array(CheckSchema)
      .min(1, {
        error: `at least one check, e.g. [nonEmpty()]; to judge no answer at all (count transport failures only), pass checks: "none"`,
      })
      .max(MAX_CHECKS, { error: `at most ${MAX_CHECKS} checks` }),
  ],
  { error: `an array of checks, e.g. [nonEmpty(), repetition()], or "none"` },
);

const consecutive = strict({ kind: z.literal("consecutive"), threshold: integer(1, MAX_TRIP_COUNT) });
const failureRate = strict({
  kind: z.literal("failure-rate"),
  threshold: share(),
  window: integer(1, MAX_TRIP_COUNT),
  minimumCalls: integer(1, MAX_TRIP_COUNT).optional(),
}).refine((rule) => rule.minimumCalls === undefined || rule.minimumCalls <= rule.window, {
  error: "at most trip.window (more calls than the window holds would never trip)",
  path: ["minimumCalls"],
});
const failureRateOverTime = strict({
  kind: z.literal("failure-rate-over-time"),
  threshold: share(),
  durationMs: timerMs({ min: 1 }),
  minimumCalls: integer(1, MAX_TRIP_COUNT).optional(),
});
const custom = strict({ kind: z.literal("custom"), create: fn<() => IBreaker>("a function returning a new cockatiel IBreaker") });

/** A trip rule object. */
export const TripRuleSchema = z.discriminatedUnion("kind", [consecutive, failureRate, failureRateOverTime, custom]);

/** `trip`: a count of consecutive failures, or a rule. */
export const TripSchema = z.union([integer(1, MAX_TRIP_COUNT), TripRuleSchema], {
  error: `an integer from 1 to ${MAX_TRIP_COUNT} (consecutive failures), or a rule { kind: "consecutive" | "failure-rate" | "failure-rate-over-time" | "custom", … }`,
});

/** `halfOpenAfter`: milliseconds, or a cockatiel backoff. */
export const HalfOpenAfterSchema = z.union(
  [
    timerMs(),
    z.custom<IBackoffFactory<IHalfOpenAfterBackoffContext>>(
      (v) => typeof v === "object" && v !== null && typeof (v as { next?: unknown }).next === "function",
    ),
  ],
  {
    error:
      "a number of milliseconds from 0 to 2147483647 (2^31−1: Node fires longer timers at once), or a cockatiel backoff such as new ExponentialBackoff()",
  },
);

/** A fallback with its own name or circuit settings. */
export const ProviderOptionsSchema = strict({
  model: ChatModelSchema,
  name: text().optional(),
  trip: TripSchema.optional(),
  halfOpenAfter: HalfOpenAfterSchema.optional(),
});

/** One fallback: a chat model, or a provider with its own settings. */
export const FallbackSchema = z.union([ChatModelSchema, ProviderOptionsSchema], {
  error: "a chat model, or { model, name?, trip?, halfOpenAfter? }",
});

/** `retry`. */
export const RetryOptionsSchema = strict({
  attempts: integer(0, MAX_RETRY_ATTEMPTS).optional(),
  delayMs: timerMs().optional(),
  maxDelayMs: timerMs().optional(),
  maxRetryAfterMs: timerMs().optional(),
});

/** One provider's saved cockatiel state (`policy.toJSON()`). */
const CircuitSnapshotSchema = z
  .object(
    {
      ownState: z.looseObject(
        {
          value: integer(0, 3),
          openedAt: z.number({ error: "a timestamp in milliseconds" }).optional(),
          attemptNo: integer(0, Number.MAX_SAFE_INTEGER).optional(),
        },
        { error: "cockatiel's { value, openedAt?, attemptNo? }" },
      ),
      breakerState: z.unknown(),
    },
    { error: "one provider's state as saved by breaker.toJSON()" },
  )
  .refine((v) => "breakerState" in v, { error: "one provider's state as saved by breaker.toJSON() (breakerState is missing)" });

/** `initialState`: a snapshot from `breaker.toJSON()`. */
export const BreakerSnapshotSchema = strict(
  {
    version: z.literal(1, { error: "1 (the format of breaker.toJSON())" }),
    providers: z.record(z.string(), CircuitSnapshotSchema, { error: "an object: provider name → saved circuit state" }),
  },
  "a snapshot returned by breaker.toJSON()",
);

/** `store`: where the circuits live (`createRedisCircuitStore(...)` to share them across processes). */
export const CircuitStoreSchema = z.custom<CircuitStore>(isCircuitStore, {
  error: "a circuit store: createRedisCircuitStore({ url }) (shared by every process) or localCircuitStore (the default)",
});

/** Every option of `withSemanticBreaker`. */
export const SemanticBreakerOptionsSchema = strict({
  checks: ChecksSchema.optional(),
  fallbacks: z
    .array(FallbackSchema, { error: "an array of chat models or { model, name?, trip?, halfOpenAfter? }" })
    .max(MAX_FALLBACKS, { error: `at most ${MAX_FALLBACKS} fallbacks` })
    .optional(),
  name: text().optional(),
  trip: TripSchema.optional(),
  halfOpenAfter: HalfOpenAfterSchema.optional(),
  whenAllOpen: oneOf(["fail-fast", "bypass"]).optional(),
  stream: oneOf(["buffer", "passthrough"]).optional(),
  timeoutMs: timerMs({ zeroMeans: "disables the timeout" }).optional(),
  retry: RetryOptionsSchema.optional(),
  innerRetries: oneOf(["disable", "keep"]).optional(),
  initialState: BreakerSnapshotSchema.optional(),
  store: CircuitStoreSchema.optional(),
});

/** Every option of `createBreakerMiddleware` (the agent decides how it streams: no `stream`). */
export const BreakerMiddlewareOptionsSchema = SemanticBreakerOptionsSchema.omit({ stream: true });

/** The options as parsed. @internal */
export type ParsedBreakerOptions = z.output<typeof SemanticBreakerOptionsSchema>;
