/**
 * The types of side-effecting tools (`effectTool`): how an effect behaves under a guard, what
 * `run` and `compensate` are told, and the ledger entry the guard keeps in its checkpoint.
 */
import type { RunnableConfig } from "@langchain/core/runnables";

/**
 * How an effect behaves inside a guarded producer:
 * - `"defer"` (outbox): recorded, and run only after the attempt passes, as part of the commit;
 * - `"compensate"` (saga): run at once; undone with `compensate` when the attempt is blocked.
 */
export type EffectMode = "defer" | "compensate";

/** What `run`, `compensate` and `idempotencyKey` are told about a call. */
export interface EffectContext {
  /** Give this to the external system so it can deduplicate: same call, same key, across retries and restarts. */
  readonly idempotencyKey: string;
  /** The tool call's id (a model's tool call), or `<tool>#<n>` for the n-th direct call in the attempt. */
  readonly toolCallId: string;
  /** The thread (`configurable.thread_id`), when there is one. */
  readonly threadId?: string;
  /** The guarded node, when the call is inside a guard. */
  readonly guard?: string;
  /** The guard's attempt (from 1), when the call is inside a guard. */
  readonly attempt?: number;
  /** True when the call is inside a guarded producer. */
  readonly guarded: boolean;
  /** `"run"` for the effect, `"compensate"` for its undoing. */
  readonly phase: "run" | "compensate";
  /** The config of the call (the tool's config in the producer; the guard stage's config later). */
  readonly config?: RunnableConfig;
}

/** What an `idempotencyKey` function is given: the call's parts and the key the pack would use. */
export interface IdempotencyKeyParts {
  readonly tool: string;
  readonly input: unknown;
  readonly toolCallId: string;
  readonly threadId?: string;
  readonly guard?: string;
  readonly attempt?: number;
  /** The key derived from thread, guarded handoff, attempt and tool call. */
  readonly derived: string;
}

/** Where an effect is in its life. */
export type EffectStatus =
  /** defer: recorded by the attempt; waiting for its verdict. */
  | "deferred"
  /** defer: the attempt was committed; waiting to run (a crash here re-runs it with the same key). */
  | "pending"
  /** defer: ran after the commit. */
  | "executed"
  /** defer: the attempt was not committed; it never ran. */
  | "dropped"
  /** compensate: ran in the attempt; its compensation is recorded. */
  | "applied"
  /** compensate: the attempt was committed; the effect stays. */
  | "kept"
  /** compensate: the attempt was blocked and the effect undone. */
  | "compensated"
  /** compensate: the attempt was blocked and undoing the effect failed (escalated). */
  | "compensation-failed";

/** One effect as the guard records it in its checkpoint (plain JSON). */
export interface EffectEntry {
  /** The idempotency key (unique per effect). */
  readonly key: string;
  readonly tool: string;
  readonly mode: EffectMode;
  /** The guard's attempt that made the call. */
  readonly attempt: number;
  readonly toolCallId: string;
  /** The tool's parsed input. */
  readonly input: unknown;
  /** What `run` returned (compensate: at once; defer: after execution), as JSON. */
  readonly result?: unknown;
  readonly status: EffectStatus;
  /** Why running or undoing it failed, when it did. */
  readonly error?: string;
}

/** The options of {@link effectTool}. */
export interface EffectToolOptions<I = any, O = unknown> {
  /** The tool's name (as the model sees it). Unique per process: the guard finds the effect by it after a restart. */
  readonly name: string;
  readonly description: string;
  /** The tool's input schema (zod, or JSON schema), as for LangChain's `tool()`. */
  readonly schema: unknown;
  /** Performs the effect. Use `ctx.idempotencyKey` so the target can deduplicate a re-run. */
  readonly run: (input: I, ctx: EffectContext) => O | Promise<O>;
  /** Undoes the effect (compensate mode): given the input, what `run` returned (as JSON) and the same key. */
  readonly compensate?: (input: I, result: unknown, ctx: EffectContext) => unknown;
  readonly mode: EffectMode;
  /** Chooses the idempotency key (default: the derived key). Must be the same for the same call. */
  readonly idempotencyKey?: (parts: IdempotencyKeyParts) => string;
}
