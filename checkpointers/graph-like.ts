import type { RunnableConfig } from "@langchain/core/runnables";
import type { StateSnapshot } from "@langchain/langgraph";

/**
 * The part of a compiled graph the thread helpers use. Any `graph.compile({ checkpointer })`
 * result fits; typing it structurally keeps these helpers free of the graph's generics.
 */
export interface CheckpointedGraph {
  /** See `CompiledStateGraph.getState`. */
  getState(config: RunnableConfig): Promise<StateSnapshot>;
  /** See `CompiledStateGraph.getStateHistory` (newest first). */
  getStateHistory(config: RunnableConfig): AsyncIterableIterator<StateSnapshot>;
  /** See `CompiledStateGraph.updateState`. */
  updateState(config: RunnableConfig, values: unknown, asNode?: string): Promise<RunnableConfig>;
}

/** The `configurable.thread_id` of a run config as a string, or `undefined` when it has none. */
export function threadIdOf(config: RunnableConfig): string | undefined {
  const id = config.configurable?.["thread_id"];
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}
