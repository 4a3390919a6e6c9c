/**
 * Isolate: what keeps a producer attempt away from everything outside the guard until a
 * verdict lets it out.
 *
 * - **State**: the producer works on a deep copy of the parent's values ({@link snapshot}), so
 *   mutating what it was given in place never reaches the parent, the next node or the
 *   checkpoint.
 * - **Streams**: the guard subgraph runs with a sealed config ({@link sealConfig}): no
 *   LangGraph stream of the parent (`updates`, `values`, `debug`, `tasks`, `checkpoints`,
 *   `custom`, with or without `subgraphs`), and no callback handler except the tracers, sees
 *   anything that happens inside it. Only the guard's own `firebreak/bicr` events and, after a
 *   passing verdict, the committed attempt leave it.
 * - **Route**: a blocked attempt goes to Recover or to the escalation, never to the parent.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { BaseTracer } from "@langchain/core/tracers/base";
import type { CallbackManager, Callbacks } from "@langchain/core/callbacks/manager";
import type { RunnableConfig } from "@langchain/core/runnables";
import { END, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { isGenuineFirebreakEvent } from "../../src/internal/events.js";
import type { GuardListeners } from "./guard-listeners.js";

/** LangGraph's configurable key through which a subgraph streams into its parent's stream. */
const STREAM_KEY = "__pregel_stream";
/** The configurable key under which the guard finds the parent-side sink for its own events. */
export const GUARD_SINK_KEY = "__firebreak_guard_sink";

/**
 * Callback handlers that only record (tracing backends): they keep seeing the guard's
 * internals, blocked attempts included, so a trace shows what was blocked and why. Every
 * other handler — LangGraph's `messages`/`tools` stream handlers, `streamEvents`, a caller's
 * own handlers — is cut off inside the guard.
 */
export const TRACER_HANDLER_NAMES: ReadonlySet<string> = new Set([
  "langchain_tracer",
  "LangfuseCallbackHandler",
  "OpenInferenceLangChainTracer",
  "console_callback_handler",
  "RootListenersTracer",
  "run_collector",
  // The chaos campaign's per-trial recorder (counts calls, tokens and blocks; streams nothing).
  "firebreak-chaos-trial",
]);

/** The parent-side sink: where the guard's own events and the committed attempt's events go. */
export interface GuardSink {
  /** The parent node's custom-stream writer (`streamMode: "custom"`). */
  readonly writer?: (chunk: unknown) => void;
  /** The parent node's config without its tracers, for `dispatchCustomEvent` (`streamEvents`). */
  readonly config: RunnableConfig;
  /** The guard's listeners (`onStage`, `onVerdict`, …), told of every stage. */
  readonly listeners?: GuardListeners;
}

/**
 * A deep copy of a state value that keeps class instances (messages) working: same
 * prototypes, own properties copied, cycles and shared references preserved. Functions and
 * other non-data values are shared, not copied.
 */
export function snapshot<T>(value: T, seen: Map<unknown, unknown> = new Map()): T {
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return seen.get(value) as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(snapshot(item, seen));
    return out as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(snapshot(k, seen), snapshot(v, seen));
    return out as T;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(snapshot(v, seen));
    return out as T;
  }
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): unknown }).slice() as T;
  if (value instanceof ArrayBuffer || value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) return value;
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<PropertyKey, unknown>;
  seen.set(value, out);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if ("value" in descriptor) descriptor.value = snapshot(descriptor.value, seen);
    Object.defineProperty(out, key, descriptor);
  }
  if (Object.isFrozen(value)) Object.freeze(out);
  return out as T;
}

function handlerName(handler: unknown): string {
  return String((handler as { name?: unknown } | null)?.name ?? "");
}

/** Tracers built on LangChain's `BaseTracer`: a handler taking one of these names must be one. */
const BASE_TRACER_NAMES: ReadonlySet<string> = new Set(["langchain_tracer", "OpenInferenceLangChainTracer", "console_callback_handler", "RootListenersTracer", "run_collector"]);

/** Whether a handler is a tracer that may see inside the guard: named as one (and, for `BaseTracer` kinds, being one). */
export function isTracer(handler: unknown, tracers: ReadonlySet<string>): boolean {
  const name = handlerName(handler);
  if (!tracers.has(name)) return false;
  return !BASE_TRACER_NAMES.has(name) || handler instanceof BaseTracer;
}

/** `callbacks` with only the handlers `keep` accepts (a copy; the original is untouched). */
export function filterCallbacks(callbacks: Callbacks | undefined, keep: (handler: BaseCallbackHandler) => boolean): Callbacks | undefined {
  if (callbacks === undefined || callbacks === null) return undefined;
  if (Array.isArray(callbacks)) return callbacks.filter((h) => keep(h as BaseCallbackHandler));
  const manager = callbacks as CallbackManager;
  const copy = manager.copy();
  for (const handler of [...copy.handlers]) if (!keep(handler)) copy.removeHandler(handler);
  for (const handler of [...copy.inheritableHandlers]) if (!keep(handler)) copy.removeHandler(handler);
  return copy;
}

/**
 * The config the guard subgraph runs with: the parent node's config without its stream and
 * with tracers as its only callback handlers; the parent-side sink rides along so the guard's
 * stages can still report to the parent's streams.
 */
export function sealConfig(config: LangGraphRunnableConfig | undefined, tracers: ReadonlySet<string>, listeners?: GuardListeners): LangGraphRunnableConfig {
  const base = config ?? {};
  const tracer = (h: BaseCallbackHandler) => isTracer(h, tracers);
  const sink: GuardSink = {
    ...(typeof base.writer === "function" ? { writer: base.writer } : {}),
    config: { ...base, callbacks: filterCallbacks(base.callbacks, (h) => !tracer(h)) } as RunnableConfig,
    ...(listeners === undefined ? {} : { listeners }),
  };
  const { [STREAM_KEY]: _stream, ...configurable } = (base.configurable ?? {}) as Record<string, unknown>;
  return {
    ...base,
    callbacks: filterCallbacks(base.callbacks, tracer),
    // A no-op writer: LangGraph keeps a writer it finds (`config.writer ??= …`), so nothing inside reaches the parent's custom stream.
    writer: () => {},
    configurable: { ...configurable, [GUARD_SINK_KEY]: sink },
  } as LangGraphRunnableConfig;
}

/** The parent-side sink of the guard this config runs in, if any. */
export function guardSink(config: RunnableConfig | undefined): GuardSink | undefined {
  const sink = config?.configurable?.[GUARD_SINK_KEY];
  return typeof sink === "object" && sink !== null ? (sink as GuardSink) : undefined;
}

/** A custom event or custom-stream chunk a producer attempt emitted, held until its verdict. */
export type HeldEvent = { readonly kind: "custom"; readonly chunk: unknown } | { readonly kind: "event"; readonly name: string; readonly data: unknown };

/**
 * The held events that claim to be the pack's own (`firebreak/…`) without being emitted by it:
 * a producer forging the guard's audit trail. Their names, for the attempt's invalid reason.
 */
export function forgedEvents(held: readonly HeldEvent[]): string[] {
  const out: string[] = [];
  for (const e of held) {
    if (e.kind === "event" && e.name.startsWith("firebreak/") && !isGenuineFirebreakEvent(e.data)) out.push(e.name);
    if (e.kind === "custom") {
      const name = (e.chunk as { name?: unknown } | null)?.name;
      if (typeof name === "string" && name.startsWith("firebreak/") && !isGenuineFirebreakEvent(e.chunk)) out.push(name);
    }
  }
  return out;
}

/** Records the custom events (`dispatchCustomEvent`) of a producer attempt. */
class HeldEventRecorder extends BaseCallbackHandler {
  name = "firebreak_held_events";
  constructor(private readonly held: HeldEvent[]) {
    super();
  }
  override handleCustomEvent(eventName: string, data: unknown): void {
    this.held.push({ kind: "event", name: eventName, data });
  }
}

/**
 * The config a producer attempt runs with: the (sealed) stage config, with its custom-stream
 * writes and custom events held in `held` instead of emitted. The guard replays them to the
 * parent only when the attempt is committed.
 */
export function attemptConfig(config: LangGraphRunnableConfig, held: HeldEvent[], extra: Record<string, unknown>): LangGraphRunnableConfig {
  const recorder = new HeldEventRecorder(held);
  const callbacks = config.callbacks;
  let withRecorder: Callbacks;
  if (callbacks === undefined || callbacks === null) withRecorder = [recorder];
  else if (Array.isArray(callbacks)) withRecorder = [...callbacks, recorder];
  else {
    const copy = (callbacks as CallbackManager).copy();
    copy.addHandler(recorder, true);
    withRecorder = copy;
  }
  return {
    ...config,
    callbacks: withRecorder,
    writer: (chunk: unknown) => void held.push({ kind: "custom", chunk }),
    configurable: { ...config.configurable, ...extra },
  } as LangGraphRunnableConfig;
}

/** Isolate's route after a challenge: a committed pass ends the guard; a blocked attempt goes to Recover while attempts remain, else to the escalation. */
export function route(s: { bicr_commit: unknown; bicr_attempt: number }, maxAttempts: number): "recover" | "escalate" | typeof END {
  if (s.bicr_commit !== null && s.bicr_commit !== undefined) return END;
  return s.bicr_attempt < maxAttempts ? "recover" : "escalate";
}

