import type { RunnableConfig } from "@langchain/core/runnables";
import type { StateSnapshot } from "@langchain/langgraph";
import { InvalidOptionsError, invalidOption } from "../src/internal/options-schema.js";
import { checkpointerError } from "./checkpointer-error.js";
import { type CheckpointedGraph, threadIdOf } from "./graph-like.js";

/** Throws an `InvalidOptionsError` (`INVALID_OPTIONS`) when the config names no `thread_id`; returns it otherwise. */
export function requireThreadId(config: RunnableConfig, caller: string): string {
  const threadId = threadIdOf(config);
  if (threadId === undefined || threadId === "") {
    throw new InvalidOptionsError(caller, [{ option: "config.configurable.thread_id", received: JSON.stringify(threadId) ?? "undefined", allowed: "a non-empty string" }], {
      message: `${caller}: the config has no configurable.thread_id. Pass durableConfig("<thread id>") ` +
        `or { configurable: { thread_id } }.`,
    });
  }
  return threadId;
}

/**
 * Throws an `InvalidOptionsError` (`INVALID_OPTIONS`) naming `caller` when `graph` is not a compiled
 * graph: an object with the methods `caller` uses (`getState`, `getStateHistory`, `updateState`).
 */
export function requireGraph(graph: unknown, caller: string, methods: readonly (keyof CheckpointedGraph)[]): asserts graph is CheckpointedGraph {
  const missing = methods.find((m) => typeof (graph as Partial<Record<string, unknown>> | null | undefined)?.[m] !== "function");
  if (missing !== undefined) {
    throw invalidOption(caller, "graph", graph, `a compiled graph (graph.compile({ checkpointer })) with a ${missing} method`);
  }
}

/**
 * Returns the thread's latest snapshot, or throws `THREAD_NOT_FOUND` when the thread has
 * no checkpoint at all. Use it before `invoke(null, config)`: LangGraph treats a resume of
 * an unknown thread as an empty run and returns silently, which hides a mistyped id.
 *
 * @example
 * ```ts
 * const snapshot = await assertThreadExists(graph, durableConfig(threadId));
 * console.log("paused before", snapshot.next);
 * await graph.invoke(null, durableConfig(threadId));
 * ```
 */
export async function assertThreadExists(graph: CheckpointedGraph, config: RunnableConfig): Promise<StateSnapshot> {
  requireGraph(graph, "assertThreadExists", ["getState"]);
  const threadId = requireThreadId(config, "assertThreadExists");
  const snapshot = await graph.getState(config);
  if (snapshot.createdAt === undefined && snapshot.config.configurable?.["checkpoint_id"] === undefined) {
    const checkpointId = config.configurable?.["checkpoint_id"];
    throw checkpointerError(
      "THREAD_NOT_FOUND",
      `Thread "${threadId}"${checkpointId ? ` has no checkpoint "${String(checkpointId)}"` : " has no checkpoint"} ` +
        `in this checkpointer, so there is nothing to resume. Check the thread id (and that you ` +
        `use the same DATABASE_URL / dataDir / schema as the run that created it), or start a new ` +
        `run with graph.invoke(input, config).`,
    );
  }
  return snapshot;
}
