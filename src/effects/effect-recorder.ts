/**
 * The scoped recorder a guard hands to the effects of one producer attempt, through the
 * attempt's `configurable` (the path every LangChain tool and nested graph inherits). Only
 * recorders the guard made are honoured (a private brand), and the guard reads effects from
 * its own recorder, never from what the producer returns, so an attempt cannot forge them.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RunnableConfig } from "@langchain/core/runnables";
import { guardedKey } from "./effect-key.js";
import type { EffectEntry } from "./effect-types.js";

/** The `configurable` key under which a guarded attempt's effects find their recorder. */
export const EFFECT_RECORDER_KEY = "__firebreak_effect_recorder";

const GENUINE = new WeakSet<object>();

/** How long a guard waits, after its producer returned, for the effect calls the producer left running. */
export const LEFT_RUNNING_GRACE_MS = 1_000;

/** Where the attempt runs: enough to derive each effect's idempotency key. */
export interface RecorderScope {
  readonly guard: string;
  readonly attempt: number;
  readonly threadId?: string;
  /** The guarded handoff (see `handoffScope`). */
  readonly scope: string;
}

/** Collects one attempt's effects, in call order. */
export class EffectRecorder {
  readonly #entries: EffectEntry[] = [];
  readonly #calls = new Map<string, number>();
  /** Tool call ids already used in this attempt: a repeated one gets `#2`, `#3`… so every call has its own key. */
  readonly #used = new Set<string>();
  /** Calls made in this attempt that have not finished. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(readonly where: RecorderScope) {
    GENUINE.add(this);
  }

  /** The id of a call without a model's tool call id: `<tool>#<n>`, counted per attempt. */
  nextCallId(tool: string): string {
    const n = (this.#calls.get(tool) ?? 0) + 1;
    this.#calls.set(tool, n);
    return `${tool}#${n}`;
  }

  /**
   * The id a call is recorded under: the model's tool call id, or `<tool>#<n>` without one; a
   * repeated id (a model that numbers calls per reply, a producer that reuses one) gets `#2`,
   * `#3`… in call order, the same order when a killed run replays the attempt.
   */
  callId(tool: string, given: string | undefined): string {
    let id = given ?? this.nextCallId(tool);
    for (let n = 2; this.#used.has(id); n++) id = `${given ?? tool}#${n}`;
    this.#used.add(id);
    return id;
  }

  /** The derived key of a call in this attempt. */
  keyFor(toolCallId: string): string {
    return guardedKey({ ...this.where, toolCallId });
  }

  /** Tracks a call made in this attempt until it settles (see {@link settle}). */
  track<T>(call: Promise<T>): Promise<T> {
    this.#inFlight.add(call);
    const done = () => void this.#inFlight.delete(call);
    call.then(done, done);
    return call;
  }

  /**
   * Waits, at most `graceMs`, for the calls made in this attempt that are still running (calls a
   * producer left running when it returned, and calls they made): those that finish in time are
   * part of the attempt; a later one finds the attempt closed (refused, or undone at once).
   */
  async settle(graceMs: number = LEFT_RUNNING_GRACE_MS): Promise<void> {
    if (this.#inFlight.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    const all = (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    })();
    await Promise.race([all, late]);
    clearTimeout(timer);
  }

  /** True once the attempt is over: an effect called later has no attempt to belong to. */
  get closed(): boolean {
    return this.#closed;
  }

  record(entry: EffectEntry): void {
    this.#entries.push(entry);
  }

  /** Ends the attempt and returns its effects. */
  close(): EffectEntry[] {
    this.#closed = true;
    return [...this.#entries];
  }
}

/** The attempt running in this async context: found even when a producer hands a tool a config of its own. */
const ambient = new AsyncLocalStorage<EffectRecorder>();

/** Runs a guarded attempt with `recorder` as its ambient recorder. */
export function runWithRecorder<T>(recorder: EffectRecorder, fn: () => Promise<T>): Promise<T> {
  return ambient.run(recorder, fn);
}

/**
 * The recorder of the guarded attempt a call belongs to, if any (only one a guard made): the
 * config's, else the attempt's the call runs in (a producer that passes a config it built
 * itself — `{ configurable: { thread_id } }` — is still inside its attempt).
 */
export function recorderOf(config: RunnableConfig | undefined): EffectRecorder | undefined {
  const value = config?.configurable?.[EFFECT_RECORDER_KEY];
  if (typeof value === "object" && value !== null && GENUINE.has(value)) return value as EffectRecorder;
  return ambient.getStore();
}
