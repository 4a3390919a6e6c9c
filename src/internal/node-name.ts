/**
 * Internal: which graph node is writing, as a node (and the pack's own wrappers) can tell.
 *
 * Inside a guard the producer runs in the guard's own `produce` node; the guard puts the name
 * of the node it stands in for under {@link GUARDED_NODE_KEY}, so helpers that check who wrote
 * an update (`withWriteContract`, verifier identity) see the guarded node, not the guard's
 * internals.
 */
import type { RunnableConfig } from "@langchain/core/runnables";

/** The `configurable` key under which a guard names the node whose producer is running. */
export const GUARDED_NODE_KEY = "firebreak_guarded_node";

/** The node a config belongs to: the guarded node when inside a guard, else LangGraph's `langgraph_node`. */
export function currentNodeName(config: RunnableConfig | undefined): string | undefined {
  const guarded = config?.configurable?.[GUARDED_NODE_KEY];
  if (typeof guarded === "string" && guarded.length > 0) return guarded;
  const node = config?.metadata?.["langgraph_node"];
  return typeof node === "string" && node.length > 0 ? node : undefined;
}
