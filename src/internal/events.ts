/**
 * The one way every part of the pack reports a decision it took inside a run: a guard stage,
 * a challenger verdict, a breaker decision, a rollback — the names of `src/events.ts`'s catalogue.
 *
 * Each event becomes (a) a child run named `firebreak/<name>` under the node where it
 * happened, carrying `firebreak.*` metadata, so it lands in any LangChain tracer (LangSmith,
 * Langfuse, OpenInference/Phoenix) on the right node — the active OpenTelemetry span inside
 * a node is not the node's span in any of those SDKs, so child runs are the portable route;
 * (b) a custom event `firebreak/<name>` for `streamEvents`; (c) a chunk on `config.writer`
 * for `streamMode: "custom"`. Without callbacks and without a writer it does no work at all.
 *
 * This file depends only on the host packages (`@langchain/core`, `@langchain/langgraph`):
 * the root import may load it. OpenTelemetry lives in `langgraph-firebreak/tracing`.
 */
import type { Callbacks } from "@langchain/core/callbacks/manager";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch/web";
import { RunnableLambda, type RunnableConfig } from "@langchain/core/runnables";
import { isGraphBubbleUp } from "@langchain/langgraph";
import type { FirebreakEventKind } from "../events.js";

/**
 * The short name of an event the pack emits (`firebreak/<name>`); the catalogue with each
 * payload type is `src/events.ts` (`FirebreakEvents`). Nothing else may be emitted.
 */
export type FirebreakEventName = FirebreakEventKind;

/**
 * What the emit helpers accept: a catalogue name; any other string is only for this helper's
 * own tests (test/tracing still emits made-up names), and the event-catalogue test fails when
 * the pack's code emits a name the catalogue does not list.
 */
type EmittedName = FirebreakEventName | (string & {});

/** The config an event is emitted with: a node's config, or any `RunnableConfig`. */
export type FirebreakEventConfig = RunnableConfig & {
  /** LangGraph's `streamMode: "custom"` writer, present in a node's config. */
  writer?: (chunk: unknown) => void;
};

/** A chunk written to `streamMode: "custom"` for each event. */
export interface FirebreakStreamChunk {
  /** `firebreak/<event name>`. */
  name: string;
  /** The payload as emitted. */
  data: Record<string, unknown>;
}

/** The metadata prefix of every firebreak attribute. */
export const FIREBREAK_PREFIX = "firebreak.";

/** An OpenTelemetry-compatible attribute value. */
export type FirebreakAttributeValue = string | number | boolean | string[] | number[] | boolean[];

let identity: RunnableLambda<Record<string, unknown>, Record<string, unknown>> | undefined;

/** The payloads and stream chunks the pack itself emitted (so a guard can tell them from a producer's forgeries). */
const genuine = new WeakSet<object>();

/**
 * True when `value` is a payload or custom-stream chunk emitted by {@link emitFirebreakEvent}
 * in this process (not one a node built by hand under a `firebreak/` name).
 */
export function isGenuineFirebreakEvent(value: unknown): boolean {
  return typeof value === "object" && value !== null && genuine.has(value);
}

/**
 * Records a firebreak event under the node whose `config` is given, and streams it.
 * Never throws (LangGraph control flow excepted); resolves at once when there is nothing
 * to report to.
 *
 * @example
 * await emitFirebreakEvent("breaker", { state: "open", failingCheck: "schema" }, config);
 */
export async function emitFirebreakEvent(
  name: EmittedName,
  payload: Record<string, unknown>,
  config?: FirebreakEventConfig,
  options: { readonly childRun?: boolean } = {},
): Promise<void> {
  if (config === undefined) return;
  const traced = hasHandlers(config.callbacks);
  const writer = config.writer;
  if (!traced && typeof writer !== "function") return;
  const eventName = `firebreak/${name}`;
  genuine.add(payload);
  try {
    if (traced) {
      if (options.childRun !== false) {
        identity ??= RunnableLambda.from((input: Record<string, unknown>) => input);
        await identity.invoke(payload, childRunConfig(config, eventName, name, payload));
      }
      await dispatchCustomEvent(eventName, payload, config);
    }
    if (typeof writer === "function") {
      const chunk: FirebreakStreamChunk = { name: eventName, data: payload };
      genuine.add(chunk);
      writer(chunk);
    }
  } catch (error) {
    // Observability must never break the run it observes; LangGraph's control flow must pass.
    if (isGraphBubbleUp(error)) throw error;
  }
}

/**
 * Runs `fn` inside a child run named `firebreak/<name>` (so model calls made with the config
 * it receives nest under it), then returns what `fn` returned. Errors from `fn`, interrupts
 * included, propagate unchanged; a failure of the tracing itself only drops the child run.
 * Without callbacks it simply calls `fn(config)`.
 *
 * @example
 * const verdict = await withFirebreakRun("guard", { stage: "challenge", attempt }, config,
 *   (childConfig) => challenger.invoke(prompt, childConfig));
 */
export async function withFirebreakRun<T>(
  name: EmittedName,
  payload: Record<string, unknown>,
  config: FirebreakEventConfig | undefined,
  fn: (config: FirebreakEventConfig | undefined) => T | Promise<T>,
): Promise<T> {
  if (config === undefined || !hasHandlers(config.callbacks)) return fn(config);
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  const eventName = `firebreak/${name}`;
  const scope = RunnableLambda.from(async (_input: Record<string, unknown>, childConfig?: RunnableConfig) => {
    try {
      const value = await fn({ ...childConfig, writer: config.writer } as FirebreakEventConfig);
      outcome = { ok: true, value };
      // The box keeps RunnableLambda from invoking or draining a Runnable or iterable result.
      return { output: value as unknown };
    } catch (error) {
      outcome = { ok: false, error };
      throw error;
    }
  });
  try {
    await scope.invoke(payload, childRunConfig(config, eventName, name, payload));
  } catch (error) {
    if (outcome === undefined && isGraphBubbleUp(error)) throw error;
  }
  // The tracing failed before `fn` ran: run it untraced rather than lose the work.
  if (outcome === undefined) return fn(config);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** `firebreak.*` metadata for an event: the event name plus each payload key, made attribute-safe. */
export function toFirebreakMetadata(
  name: EmittedName,
  payload: Record<string, unknown>,
): Record<string, FirebreakAttributeValue> {
  const out: Record<string, FirebreakAttributeValue> = { [`${FIREBREAK_PREFIX}event`]: name };
  for (const key of Object.keys(payload)) {
    const value = toAttributeValue(payload[key]);
    if (value === undefined) continue;
    out[key.startsWith(FIREBREAK_PREFIX) ? key : FIREBREAK_PREFIX + key] = value;
  }
  return out;
}

function childRunConfig(
  config: FirebreakEventConfig,
  runName: string,
  name: EmittedName,
  payload: Record<string, unknown>,
): RunnableConfig {
  // A caller-chosen runId belongs to the node's own run; the child must get a fresh one.
  const { runId: _runId, ...rest } = config;
  return { ...rest, runName, metadata: { ...config.metadata, ...toFirebreakMetadata(name, payload) } };
}

function hasHandlers(callbacks: Callbacks | undefined): boolean {
  if (callbacks === undefined || callbacks === null) return false;
  if (Array.isArray(callbacks)) return callbacks.length > 0;
  return callbacks.handlers.length > 0;
}

function toAttributeValue(value: unknown): FirebreakAttributeValue | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return String(value);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    default:
      break;
  }
  if (value === null) return "null";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return value as string[];
    if (value.every((v) => typeof v === "number" && Number.isFinite(v))) return value as number[];
    if (value.every((v) => typeof v === "boolean")) return value as boolean[];
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
