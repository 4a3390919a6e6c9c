/**
 * Attack on the key derivation ("the tool call id (`<tool>#<n>` for the n-th direct call)"): tool calls whose ids
 * are missing, empty or repeated within one attempt. Models that number tool call ids per reply ("call_0" on every
 * turn of a ReAct loop) repeat ids inside one guarded attempt.
 */
import { describe, expect, it } from "vitest";
import { readGuardFeedback } from "langgraph-firebreak/nodes";
import { World, claim, compensateTool, deferTool, effectsOf, guardedGraph } from "./harness.js";

const call = (name: string, args: Record<string, unknown>, id: string | undefined) => ({ name, args, id, type: "tool_call" as const });

describe("tool call ids", () => {
  for (const id of ["", undefined]) {
    it(`a tool call with id ${JSON.stringify(id)} falls back to <tool>#<n>: distinct keys, both effects run`, async () => {
      const world = new World();
      const publish = deferTool(world);
      const { graph } = guardedGraph(async (_s, config) => {
        for (const text of ["one", "two"]) await publish.invoke(call(publish.name, { text }, id) as never, config);
        return claim("fine");
      });
      const out = await graph.invoke({});
      expect(world.log).toEqual(["run one", "run two"]);
      expect(new Set(world.keys).size).toBe(2);
      expect(out.guardRecords[0]!.effects!.map((e) => e.toolCallId)).toEqual([`${publish.name}#1`, `${publish.name}#2`]);
    });
  }

  // Was BROKEN (fixed: a repeated id gets `#2`, `#3`… so each call has its own key): two deferred calls with the same tool call id in one attempt get the same key; the ledger keeps both
  // entries but both show the FIRST call's input ({"text":"one"}) and "executed", while `run` ran once, with "one":
  // the second effect ("two") is silently lost and the guard record says it was executed.
  it("two deferred calls sharing a tool call id in one attempt: each runs once with its own input", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      for (const text of ["one", "two"]) await publish.invoke(call(publish.name, { text }, "call_0") as never, config);
      return claim("fine");
    });
    const out = await graph.invoke({});
    expect(world.log).toEqual(["run one", "run two"]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:defer:executed:{"text":"one"}', '1:defer:executed:{"text":"two"}']);
  });

  // Was BROKEN (fixed, as above): two compensated calls sharing a tool call id in a blocked attempt: both tickets are opened, only the
  // second is closed (once), and the record lists both as "compensated" with the second call's input: the first
  // ticket stays open in the world while the audit trail says it was undone.
  it("two compensated calls sharing a tool call id in a blocked attempt: both are undone", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      const retry = readGuardFeedback(config) !== undefined;
      if (!retry) for (const title of ["one", "two"]) await ticket.invoke(call(ticket.name, { title }, "call_0") as never, config);
      return claim(retry ? "fine" : "bad");
    });
    await graph.invoke({});
    expect(world.log.filter((l) => l.startsWith("close ")).sort()).toEqual(['close one {"id":"one"}', 'close two {"id":"two"}']);
  });

  it("the same tool call id in two attempts gets two keys (the attempt is part of the key)", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      const retry = readGuardFeedback(config) !== undefined;
      await ticket.invoke(call(ticket.name, { title: retry ? "second" : "first" }, "call_0") as never, config);
      return claim(retry ? "fine" : "bad");
    });
    await graph.invoke({});
    expect(world.log).toEqual(["open first", 'close first {"id":"first"}', "open second"]);
    expect(world.keys[0]).toBe(world.keys[1]);
    expect(world.keys[2]).not.toBe(world.keys[0]);
  });
});
