/**
 * Options of `withSemanticBreaker`, and their one-time normalisation into a readonly
 * resolved form.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { FirebreakError } from "../internal/errors.js";
import { nonEmpty } from "./checks/non-empty.js";
import type { HalfOpenAfter, TripRule } from "./provider-circuit.js";
import type { BreakerSnapshot, EngineSettings, ProviderSpec, RetryOptions } from "./semantic-breaker.js";
import type { Check } from "./types.js";

/** A fallback provider with its own name or circuit settings. */
export interface ProviderOptions {
  /** The chat model. */
  readonly model: BaseChatModel;
  /**
   * Name in events, errors, metadata and saved state.
   * @default "<class name>:<model name>" (e.g. "ChatOpenAI:gpt-4o-mini")
   */
  readonly name?: string;
  /**
   * This provider's trip rule.
   * @default the wrapper's `trip`
   */
  readonly trip?: number | TripRule;
  /**
   * This provider's cool-down.
   * @default the wrapper's `halfOpenAfter`
   */
  readonly halfOpenAfter?: HalfOpenAfter;
}

/** Options of {@link withSemanticBreaker}. */
export interface SemanticBreakerOptions {
  /**
   * Checks every answer must pass, run in order (put cheap ones first; the first failure
   * stops the rest). A failing answer counts against its provider like a 500.
   * @default [nonEmpty()]
   */
  readonly checks?: readonly Check[];
  /**
   * Models to fail over to, in order, each with its own circuit.
   * @default []
   */
  readonly fallbacks?: readonly (BaseChatModel | ProviderOptions)[];
  /**
   * The primary provider's name.
   * @default "<class name>:<model name>"
   */
  readonly name?: string;
  /**
   * When a circuit opens: a number is shorthand for `{ kind: "consecutive", threshold }`.
   * @default { kind: "consecutive", threshold: 5 }
   */
  readonly trip?: number | TripRule;
  /**
   * Cool-down of an open circuit before its half-open probe: milliseconds, or a cockatiel
   * backoff (e.g. `new ExponentialBackoff({ initialDelay: 5_000, maxDelay: 300_000 })`).
   * @default 30_000
   */
  readonly halfOpenAfter?: HalfOpenAfter;
  /**
   * When every circuit is open: throw `CircuitOpenError` at once (`"fail-fast"`), or send
   * the call to the primary anyway (`"bypass"`, Portkey's behaviour; its outcome is still
   * checked but does not move the circuit).
   * @default "fail-fast"
   */
  readonly whenAllOpen?: "fail-fast" | "bypass";
  /**
   * Streaming: `"buffer"` collects and checks the whole answer before the first token goes
   * out (a bad answer never reaches the caller and can fail over; time to first token
   * becomes time to last token). `"passthrough"` emits tokens as they come and checks at
   * the end (a bad answer has already been seen; it is counted and the call throws, but
   * cannot fail over once a token went out).
   * @default "buffer"
   */
  readonly stream?: "buffer" | "passthrough";
  /**
   * Per-attempt timeout in milliseconds (a hung provider counts as a `timeout` failure);
   * `0` disables it.
   * @default 120_000
   */
  readonly timeoutMs?: number;
  /**
   * The wrapper's own retries (it is the only retry owner; see `innerRetries`).
   * @default { attempts: 0 }
   */
  readonly retry?: RetryOptions;
  /**
   * `"disable"` passes `maxRetries: 0` to every inner call, so LangChain's `AsyncCaller`
   * (6 retries with exponential backoff by default: a 500 took 93 s to surface) does not
   * retry underneath the breaker. ChatOpenAI honours it; for a provider that does not,
   * construct it with `maxRetries: 0`. `"keep"` leaves the provider's retries alone.
   * @default "disable"
   */
  readonly innerRetries?: "disable" | "keep";
  /**
   * State saved by `breaker.toJSON()`, restored by provider name.
   * @default undefined (all circuits closed)
   */
  readonly initialState?: BreakerSnapshot;
}

/** Options after normalisation. @internal */
export interface ResolvedBreakerOptions {
  /** Primary first; the primary is `undefined` for the agent middleware (the agent's own model). */
  readonly models: readonly (BaseChatModel | undefined)[];
  readonly providers: readonly ProviderSpec[];
  readonly engine: EngineSettings;
  readonly checks: readonly Check[];
  readonly stream: "buffer" | "passthrough";
  readonly innerRetries: "disable" | "keep";
}

/**
 * Normalises options once. `model` is `undefined` when the primary is only known per call
 * (the agent middleware); it is then named `options.name ?? "primary"`. @internal
 */
export function resolveBreakerOptions(model: BaseChatModel | undefined, options: SemanticBreakerOptions): ResolvedBreakerOptions {
  const trip = toTripRule(options.trip ?? 5);
  const halfOpenAfter = options.halfOpenAfter ?? 30_000;
  if (typeof halfOpenAfter === "number" && !(halfOpenAfter >= 0)) {
    throw invalid(`halfOpenAfter must be a non-negative number of milliseconds, got ${halfOpenAfter}`);
  }
  const entries: Array<Omit<ProviderOptions, "model"> & { model: BaseChatModel | undefined }> = [
    { model, ...(options.name !== undefined ? { name: options.name } : model === undefined ? { name: "primary" } : {}) },
    ...(options.fallbacks ?? []).map((f) => ("model" in f && !isChatModel(f) ? f : { model: f as BaseChatModel })),
  ];
  const used = new Set<string>();
  const providers = entries.map((entry, index): ProviderSpec => {
    if (!(index === 0 && model === undefined) && !isChatModel(entry.model)) {
      throw invalid(`${index === 0 ? "the model" : `fallbacks[${index - 1}]`} is not a chat model (it has no invoke/_generate)`);
    }
    let name = entry.name ?? defaultName(entry.model!);
    if (used.has(name)) {
      if (entry.name !== undefined) throw invalid(`two providers are named "${name}"; names must be unique`);
      let k = 2;
      while (used.has(`${name}#${k}`)) k++;
      name = `${name}#${k}`;
    }
    used.add(name);
    return {
      name,
      trip: entry.trip !== undefined ? toTripRule(entry.trip) : trip,
      halfOpenAfter: entry.halfOpenAfter ?? halfOpenAfter,
    };
  });
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!(timeoutMs >= 0)) throw invalid(`timeoutMs must be >= 0, got ${timeoutMs}`);
  const attempts = options.retry?.attempts ?? 0;
  if (!Number.isSafeInteger(attempts) || attempts < 0) throw invalid(`retry.attempts must be an integer >= 0, got ${attempts}`);
  if (options.initialState !== undefined && options.initialState.version !== 1) {
    throw invalid(`initialState has version ${String((options.initialState as { version?: unknown }).version)}; expected a snapshot from breaker.toJSON()`);
  }
  return {
    models: entries.map((e) => e.model),
    providers,
    engine: {
      whenAllOpen: options.whenAllOpen ?? "fail-fast",
      timeoutMs: timeoutMs === 0 || timeoutMs === Infinity ? undefined : timeoutMs,
      retry: {
        attempts,
        delayMs: options.retry?.delayMs ?? 500,
        maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
        maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 30_000,
      },
      initialState: options.initialState,
    },
    checks: options.checks ?? [nonEmpty()],
    stream: options.stream ?? "buffer",
    innerRetries: options.innerRetries ?? "disable",
  };
}

function toTripRule(trip: number | TripRule): TripRule {
  return typeof trip === "number" ? { kind: "consecutive", threshold: trip } : trip;
}

function defaultName(model: BaseChatModel): string {
  const m = model as unknown as { model?: unknown; modelName?: unknown };
  const id = typeof m.model === "string" ? m.model : typeof m.modelName === "string" ? m.modelName : undefined;
  return id ? `${model.getName()}:${id}` : model.getName();
}

function isChatModel(value: unknown): value is BaseChatModel {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { invoke?: unknown }).invoke === "function" &&
    typeof (value as { _generate?: unknown })._generate === "function"
  );
}

function invalid(message: string): FirebreakError {
  return new FirebreakError("INVALID_OPTIONS", `withSemanticBreaker: ${message}.`);
}
