import type { RunnableConfig } from "@langchain/core/runnables";
import type { StateSnapshot } from "@langchain/langgraph";
import { emitFirebreakEvent } from "../src/internal/events.js";
import type { RollbackEventPayload } from "../src/events.js";
import { checkpointerError } from "./checkpointer-error.js";
import type { CheckpointedGraph } from "./graph-like.js";
import { invalidOption } from "../src/internal/options-schema.js";
import { requireGraph, requireThreadId } from "./threads.js";

/**
 * Which earlier checkpoint to roll back to. History is searched newest first and the
 * first match wins, so `{ beforeNode: "writer" }` is the *latest* moment the writer was
 * about to run.
 */
export type RollbackTarget =
  | { readonly beforeNode: string }
  | { readonly step: number }
  | { readonly checkpointId: string }
  | ((snapshot: StateSnapshot) => boolean);

/** What `rollbackTo` did. */
export interface RollbackResult {
  /** The snapshot that matched the target. */
  readonly target: StateSnapshot;
  /** Config of the new head checkpoint (the fork); `invoke(null, config)` continues from it. */
  readonly config: RunnableConfig;
}

const TARGET_FORMS =
  '{ beforeNode: "<node name>" }, { step: <integer ≥ -1> }, { checkpointId: "<id>" } or a predicate (snapshot) => boolean';

/** Throws an `InvalidOptionsError` unless `target` is one of the {@link RollbackTarget} forms. */
function checkTarget(target: unknown): asserts target is RollbackTarget {
  if (typeof target === "function") return;
  const t = target as Partial<Record<string, unknown>> | null;
  const keys = typeof t === "object" && t !== null ? Object.keys(t) : [];
  const ok =
    keys.length === 1 &&
    ((keys[0] === "beforeNode" && typeof t!.beforeNode === "string" && t!.beforeNode !== "") ||
      (keys[0] === "step" && Number.isInteger(t!.step) && (t!.step as number) >= -1) ||
      (keys[0] === "checkpointId" && typeof t!.checkpointId === "string" && t!.checkpointId !== ""));
  if (!ok) throw invalidOption("rollbackTo", "target", target, TARGET_FORMS);
}

function describeTarget(target: RollbackTarget): string {
  if (typeof target === "function") return `the predicate ${target.name || "(anonymous)"}`;
  if ("beforeNode" in target) return `a checkpoint before node "${target.beforeNode}"`;
  if ("step" in target) return `a checkpoint at step ${target.step}`;
  return `checkpoint "${target.checkpointId}"`;
}

function matcher(target: RollbackTarget): (s: StateSnapshot) => boolean {
  if (typeof target === "function") return target;
  if ("beforeNode" in target) return (s) => s.next.includes(target.beforeNode);
  if ("step" in target) return (s) => s.metadata?.step === target.step;
  return (s) => s.config.configurable?.["checkpoint_id"] === target.checkpointId;
}

/**
 * Rolls a thread back to an earlier checkpoint by **forking** it: the matching checkpoint
 * is copied (`updateState(snapshot.config, undefined, "__copy__")`, metadata `source:
 * "fork"`) and the copy becomes the thread's head. Nothing is deleted: the later history
 * stays in `getStateHistory` and each old checkpoint can still be read or replayed.
 * Continue with `graph.invoke(null, durableConfig(threadId))` (or the returned `config`);
 * to change values first, call `graph.updateState(result.config, values, asNode)`.
 *
 * Emits a `firebreak/rollback` event (`RollbackEventPayload`: thread, source and fork checkpoint
 * ids, step, next nodes) with `config`'s callbacks and writer: with tracing on it is a
 * `firebreak/rollback` span. Throws a `CheckpointNotFoundError` (`CHECKPOINT_NOT_FOUND`),
 * naming the thread and the target, when nothing matches, and an `InvalidOptionsError`
 * (`INVALID_OPTIONS`) when `graph` is not a compiled graph, `config` has no thread id or
 * `target` is none of the {@link RollbackTarget} forms.
 *
 * @example
 * ```ts
 * await rollbackTo(graph, durableConfig("t1"), { beforeNode: "writer" });
 * await graph.invoke(null, durableConfig("t1")); // the writer runs again
 * ```
 */
export async function rollbackTo(
  graph: CheckpointedGraph,
  config: RunnableConfig,
  target: RollbackTarget,
): Promise<RollbackResult> {
  requireGraph(graph, "rollbackTo", ["getStateHistory", "updateState"]);
  const threadId = requireThreadId(config, "rollbackTo");
  checkTarget(target);
  const matches = matcher(target);
  const { checkpoint_id: _ignored, ...configurable } = config.configurable ?? {};
  let found: StateSnapshot | undefined;
  let seen = 0;
  for await (const snapshot of graph.getStateHistory({ ...config, configurable })) {
    seen++;
    if (matches(snapshot)) {
      found = snapshot;
      break;
    }
  }
  if (found === undefined) {
    throw checkpointerError(
      "CHECKPOINT_NOT_FOUND",
      seen === 0
        ? `rollbackTo: thread "${threadId}" has no checkpoints, so there is no ${describeTarget(target)}. ` +
            `Check the thread id and that this checkpointer is the one the run used.`
        : `rollbackTo: none of the ${seen} checkpoints of thread "${threadId}" is ${describeTarget(target)}. ` +
            `List them with graph.getStateHistory(config) (fields next, metadata.step, config.configurable.checkpoint_id).`,
    );
  }
  const forked = await graph.updateState(found.config, undefined, "__copy__");
  const payload: RollbackEventPayload = {
    threadId,
    checkpointId: String(found.config.configurable?.["checkpoint_id"] ?? ""),
    step: typeof found.metadata?.step === "number" ? found.metadata.step : null,
    forkCheckpointId: String(forked.configurable?.["checkpoint_id"] ?? ""),
    next: [...found.next],
    target: describeTarget(target),
    skipped: seen - 1,
  };
  // A child run of whatever run `config` belongs to (a root run when called between runs), a
  // custom event and a custom-stream chunk: the same routes as every other firebreak event.
  await emitFirebreakEvent("rollback", { ...payload }, config);
  return { target: found, config: forked };
}
