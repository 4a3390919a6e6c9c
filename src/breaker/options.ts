/**
 * Options of `withSemanticBreaker`, and their one-time normalisation into a readonly
 * resolved form.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { invalidOption, parseOptions } from "../internal/options-schema.js";
import { nonEmpty } from "./checks/non-empty.js";
import {
  BreakerMiddlewareOptionsSchema,
  SemanticBreakerOptionsSchema,
  isChatModel,
  type ParsedBreakerOptions,
} from "./options-schema.js";
import type { HalfOpenAfter, TripRule } from "./provider-circuit.js";
import type { BreakerSnapshot, EngineSettings, ProviderSpec, RetryOptions } from "./semantic-breaker.js";
import { localCircuitStore, type CircuitStore } from "./store/circuit-store.js";
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
   * stops the rest). A failing answer counts against its provider like a 500. An empty
   * list is rejected (it would let empty answers through unnoticed); `"none"` is the
   * explicit opt-out: a plain circuit breaker on transport failures.
   * @default [nonEmpty()]
   */
  readonly checks?: readonly Check[] | "none";
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
   * becomes time to last token). Sealed: no callback handler, `streamEvents` consumer or
   * stream mode sees a token of a rejected answer, and the accepted answer's tokens arrive
   * once. `"passthrough"` emits tokens as they come and checks at the end (a bad answer has
   * already been seen; it is counted and the call throws, but cannot fail over once a token
   * went out).
   * @default "buffer"
   */
  readonly stream?: "buffer" | "passthrough";
  /**
   * Per-attempt timeout in milliseconds (a hung provider counts as a `timeout` failure);
   * `0` disables it. At most 2^31−1 (~24.8 days): Node fires longer timers at once.
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
  /**
   * Where the circuits live. `createRedisCircuitStore({ url })` shares each provider's failure
   * counts, state, open-until time and half-open probe with every process using the same store
   * (trip rules `consecutive` and `failure-rate` only; see docs/scaling.md). Calls still decide
   * in memory; a Redis outage falls back to local state.
   * @default localCircuitStore (each process keeps its own circuits)
   */
  readonly store?: CircuitStore;
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
 * Validates and normalises options once. `model` is `undefined` when the primary is only
 * known per call (the agent middleware); it is then named `options.name ?? "primary"`.
 * `where` names the factory in errors. @internal
 */
export function resolveBreakerOptions(
  model: BaseChatModel | undefined,
  input: unknown,
  where: "withSemanticBreaker" | "createBreakerMiddleware",
): ResolvedBreakerOptions {
  if (where === "withSemanticBreaker" && !isChatModel(model)) {
    throw invalidOption(where, "model", model, "a LangChain chat model (an object with invoke() and _generate(), e.g. new ChatOpenAI())");
  }
  const schema = where === "withSemanticBreaker" ? SemanticBreakerOptionsSchema : BreakerMiddlewareOptionsSchema;
  const options = parseOptions(schema, input ?? {}, where) as ParsedBreakerOptions;
  const trip = toTripRule(options.trip ?? 5);
  const halfOpenAfter = options.halfOpenAfter ?? 30_000;
  const entries: Array<{ model: BaseChatModel | undefined; name?: string; trip?: number | TripRule; halfOpenAfter?: HalfOpenAfter }> = [
    { model, ...(options.name !== undefined ? { name: options.name } : model === undefined ? { name: "primary" } : {}) },
    ...(options.fallbacks ?? []).map((f) => (isChatModel(f) ? { model: f } : f)),
  ];
  const used = new Set<string>();
  const providers = entries.map((entry, index): ProviderSpec => {
    let name = entry.name ?? defaultName(entry.model!);
    if (used.has(name)) {
      if (entry.name !== undefined) {
        throw invalidOption(where, index === 0 ? "name" : `fallbacks[${index - 1}].name`, entry.name, `a name no other provider has (names must be unique)`);
      }
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
  if (options.initialState) {
    for (const saved of Object.keys(options.initialState.providers)) {
      if (!used.has(saved)) {
        throw invalidOption(where, `initialState.providers`, saved, `state only for providers of this chain (${[...used].join(", ")})`);
      }
    }
  }
  const store = options.store ?? localCircuitStore;
  if (store.scope === "shared") providers.forEach((p, index) => checkSharedRule(where, index, p.trip, entries[index]!.trip !== undefined));
  const timeoutMs = options.timeoutMs ?? 120_000;
  return {
    models: entries.map((e) => e.model),
    providers,
    engine: {
      whenAllOpen: options.whenAllOpen ?? "fail-fast",
      timeoutMs: timeoutMs === 0 ? undefined : timeoutMs,
      retry: {
        attempts: options.retry?.attempts ?? 0,
        delayMs: options.retry?.delayMs ?? 500,
        maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
        maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 30_000,
      },
      initialState: options.initialState as BreakerSnapshot | undefined,
      store,
    },
    checks: options.checks === "none" ? [] : (options.checks ?? [nonEmpty()]),
    stream: (options as { stream?: "buffer" | "passthrough" }).stream ?? "buffer",
    innerRetries: options.innerRetries ?? "disable",
  };
}

/** A shared store counts `consecutive` and `failure-rate` rules; the others cannot be shared. */
function checkSharedRule(where: string, index: number, trip: TripRule, own: boolean): void {
  if (trip.kind === "consecutive" || trip.kind === "failure-rate") return;
  const option = index > 0 && own ? `fallbacks[${index - 1}].trip.kind` : "trip.kind";
  throw invalidOption(
    where,
    option,
    trip.kind,
    `"consecutive" or "failure-rate" with a shared store (a Redis store counts only these fleet-wide); use one of them, or drop the store option to keep this rule per process`,
  );
}

function toTripRule(trip: number | TripRule): TripRule {
  return typeof trip === "number" ? { kind: "consecutive", threshold: trip } : trip;
}

function defaultName(model: BaseChatModel): string {
  const m = model as unknown as { model?: unknown; modelName?: unknown };
  const id = typeof m.model === "string" ? m.model : typeof m.modelName === "string" ? m.modelName : undefined;
  const name = id ? `${model.getName()}:${id}` : model.getName();
  return name.length > 200 ? `${name.slice(0, 199)}…` : name;
}
