/**
 * `EffectFailedError`: a recorded effect could not be run after its attempt passed (its `run`
 * threw, or no `effectTool` of its name exists in this process). The guard's commit waits: the
 * effect stays pending in the checkpoint, and resuming the thread runs it again with the same
 * idempotency key.
 */
import { FirebreakError, hasFirebreakCode } from "../internal/errors.js";

/** Where the failed effect belongs: the guarded node, the tool, its key and tool call. */
export interface EffectFailure {
  readonly guard: string;
  readonly tool: string;
  readonly key: string;
  readonly toolCallId: string;
}

/** Thrown when a deferred effect fails after its attempt passed review; `cause` is what `run` threw. */
export class EffectFailedError extends FirebreakError {
  override name = "EffectFailedError";
  readonly guard: string;
  readonly tool: string;
  readonly key: string;
  readonly toolCallId: string;

  constructor(failure: EffectFailure, options: { cause?: unknown } = {}) {
    const why = options.cause instanceof Error ? options.cause.message : options.cause === undefined ? "no detail" : String(options.cause);
    super(
      "EFFECT_FAILED",
      `Guard on node "${failure.guard}": the deferred effect "${failure.tool}" (tool call ${failure.toolCallId}, idempotency key ${failure.key}) ` +
        `failed after its attempt passed review: ${why.slice(0, 500)}. The attempt's state reaches the graph once its deferred effects ran; ` +
        `the effect stays pending in the checkpoint. Fix the cause and resume the thread (invoke(null, config)): it runs again with the same key.`,
      options,
    );
    this.guard = failure.guard;
    this.tool = failure.tool;
    this.key = failure.key;
    this.toolCallId = failure.toolCallId;
  }
}

/** True for an {@link EffectFailedError}, also one thrown by another copy of the package. */
export function isEffectFailedError(error: unknown): error is EffectFailedError {
  return hasFirebreakCode(error, "EFFECT_FAILED");
}
