import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { invalidOption } from "../src/internal/options-schema.js";

/**
 * The durability the pack recommends for every run that must survive a crash: `"sync"`.
 *
 * LangGraph's default, `"async"`, writes each checkpoint in the background while the next
 * superstep already runs. When a process dies (SIGKILL, OOM, a redeploy) right after a
 * burst of fast nodes, those background writes are lost with it and the thread can be left
 * with *no* checkpoint of the run at all, so a resume starts again from the input and every
 * side effect happens twice. `"sync"` waits for each checkpoint before the next superstep
 * starts: a resumed thread re-runs only the node that was in flight. The price is one
 * round trip per superstep (see `npm run bench -- checkpointer`). `"exit"` writes only when
 * the run ends or pauses: fastest, but a crash loses the whole run.
 */
export const FIREBREAK_DURABILITY = "sync" as const;

/** The durability modes LangGraph accepts per call. */
export type Durability = "sync" | "async" | "exit";

/**
 * A run config for `thread_id` with the crash-safe durability (`"sync"`). Extra fields
 * (callbacks, `recursionLimit`, more `configurable` keys) are merged in. A `threadId` that is
 * not a non-empty string is an `InvalidOptionsError`.
 *
 * @example
 * ```ts
 * await graph.invoke(input, durableConfig("order-42"));
 * await graph.invoke(null, durableConfig("order-42")); // resume after a crash or a pause
 * ```
 */
export function durableConfig(
  threadId: string,
  extra: LangGraphRunnableConfig = {},
): LangGraphRunnableConfig & { durability: typeof FIREBREAK_DURABILITY } {
  if (typeof threadId !== "string" || threadId === "") {
    throw invalidOption("durableConfig", "threadId", threadId, 'a non-empty string (the thread to run or resume, e.g. "order-42")');
  }
  return {
    ...extra,
    configurable: { ...extra.configurable, thread_id: threadId },
    durability: FIREBREAK_DURABILITY,
  };
}
