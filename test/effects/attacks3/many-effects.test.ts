/**
 * Attacks on docs/effects.md, "What is recorded": the outbox runs deferred effects one per superstep and
 * the undo one compensation per superstep, inside the guard subgraph — so an attempt with many effects
 * spends LangGraph's `recursionLimit` (default 25). Scripted judge (harness): "bad" is red.
 */
import { describe, expect, it } from "vitest";
import { MemorySaver } from "@langchain/langgraph";
import { readGuardFeedback } from "langgraph-firebreak/nodes";
import { World, claim, compensateTool, deferTool, guardedGraph, tid } from "../attacks/harness.js";

const manyDeferred = (world: World, count: number) => {
  const publish = deferTool(world);
  return guardedGraph(async (_s, config) => {
    for (let i = 0; i < count; i++) await publish.invoke({ text: `r${i}` }, config);
    return claim("fine 1");
  }, {}, new MemorySaver());
};

describe("an attempt with many effects", () => {
  // LIMIT (now documented in docs/effects.md: each effect is one superstep and counts against recursionLimit;
  // kept as an expected failure, with the resume at a higher limit tested below). Was BROKEN: docs/effects.md promised that a passing attempt's deferred effects run "before the guard
  // hands its commit to the parent", with no limit on how many. With 30 deferred calls and LangGraph's
  // default recursionLimit (25), the guard subgraph throws GraphRecursionError after 23 effects ran: the
  // world has 23 rows, the graph state has no commit, and the docs never mention the limit (nor that
  // callers must raise `recursionLimit`). 20 compensated effects in a blocked attempt hit it the same way.
  it.fails("30 deferred effects in one passing attempt run under the default recursionLimit", async () => {
    const world = new World();
    const { graph } = manyDeferred(world, 30);
    const out = await graph.invoke({}, { configurable: { thread_id: tid("many") } });
    expect(out.claims).toHaveLength(1);
    expect(world.log).toHaveLength(30);
  });

  it.fails("20 compensated effects in a blocked attempt are undone and the retry commits under the default recursionLimit", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      const n = (readGuardFeedback(config)?.attempt ?? 0) + 1;
      for (let i = 0; i < 20; i++) await ticket.invoke({ title: `a${n}-${i}` }, config);
      return claim(n === 1 ? "bad 1" : "fine 2");
    });
    const out = await graph.invoke({});
    expect(out.guardRecords[0]!.outcome).toBe("passed");
  });

  it("after the recursion error, resuming the checkpointed thread with a higher recursionLimit finishes: each effect once, same keys", async () => {
    const world = new World();
    const { graph } = manyDeferred(world, 30);
    const config = { configurable: { thread_id: tid("many-resume") } };
    const error = await graph.invoke({}, config).catch((e: Error) => e.name);
    expect(error).toBe("GraphRecursionError");
    const ranBefore = world.log.length;
    expect(ranBefore).toBeGreaterThan(0);
    expect((await graph.getState(config)).values.claims ?? []).toEqual([]);
    const out = await graph.invoke(null, { ...config, recursionLimit: 100 });
    expect(world.log).toHaveLength(30);
    expect(new Set(world.keys).size).toBe(30);
    expect(out.guardRecords[0]!.effects!.every((e) => e.status === "executed")).toBe(true);
  });
});
