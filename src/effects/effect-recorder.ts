/**
 * The scoped recorder a guard hands to the effects of one producer attempt, through the
 * attempt's `configurable` (the path every LangChain tool and nested graph inherits). Only
 * recorders the guard made are honoured (a private brand), and the guard reads effects from
 * its own recorder, never from what the producer returns, so an attempt cannot forge them.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { guardedKey } from "./effect-key.js";
import type { EffectEntry } from "./effect-types.js";

/** The `configurable` key under which a guarded attempt's effects find their recorder. */
export const EFFECT_RECORDER_KEY = "__firebreak_effect_recorder";

const GENUINE = new WeakSet<object>();

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

  /** The derived key of a call in this attempt. */
  keyFor(toolCallId: string): string {
    return guardedKey({ ...this.where, toolCallId });
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

/** The recorder of the guarded attempt this config runs in, if any (only one a guard made). */
export function recorderOf(config: RunnableConfig | undefined): EffectRecorder | undefined {
  const value = config?.configurable?.[EFFECT_RECORDER_KEY];
  return typeof value === "object" && value !== null && GENUINE.has(value) ? (value as EffectRecorder) : undefined;
}
