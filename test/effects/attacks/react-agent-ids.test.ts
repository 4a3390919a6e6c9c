/**
 * The repeated-tool-call-id attack of tool-call-ids.test.ts through a real `createReactAgent`: a model that numbers
 * its tool call ids per reply ("call_0" on every turn) calls the deferred tool on two turns of one attempt.
 */
import { AIMessage } from "@langchain/core/messages";
import { END, MessagesValue, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { describe, expect, it } from "vitest";
import { claimsChannel } from "langgraph-firebreak";
import { guardNodeInPlace, guardRecordsChannel } from "langgraph-firebreak/nodes";
import { ScriptedChatModel } from "langgraph-firebreak/testing";
import { World, deferTool, judge } from "./harness.js";

const Msgs = new StateSchema({ messages: MessagesValue, claims: claimsChannel(), guardRecords: guardRecordsChannel() });

async function runAgent(ids: readonly [string, string]) {
  const world = new World();
  const publish = deferTool(world);
  const model = new ScriptedChatModel({
    script: ({ messages }) => {
      const turns = messages.filter((m) => AIMessage.isInstance(m)).length;
      if (turns >= 2) return "Both reports are scheduled.";
      const text = turns === 0 ? "one" : "two";
      return { toolCalls: [{ name: publish.name, args: { text }, id: ids[turns]! }] };
    },
  });
  const agent = createReactAgent({ llm: model, tools: [publish] });
  const builder = new StateGraph(Msgs).addNode("researcher", agent).addEdge(START, "researcher").addEdge("researcher", END);
  guardNodeInPlace(builder, "researcher", { challenger: judge(), maxAttempts: 1, onExhausted: "fail" });
  const out = await builder.compile().invoke({ messages: [{ role: "user", content: "publish two reports" }] });
  return { world, out };
}

describe("createReactAgent with a deferred tool", () => {
  it("distinct tool call ids on two turns: both deferred effects run once, in order", async () => {
    const { world, out } = await runAgent(["call_a", "call_b"]);
    expect(world.log).toEqual(["run one", "run two"]);
    expect(out.guardRecords[0]!.effects!.map((e) => `${e.toolCallId} ${e.status}`)).toEqual(["call_a executed", "call_b executed"]);
  });

  // Was BROKEN: the second call reused the first call's key, so the record showed two "executed" entries with the
  // first turn's input. Now a repeated id gets its own key (`call_0#2`). With createReactAgent the host itself
  // does not run the second "call_0" (its ToolNode skips a call whose id already has a ToolMessage): what the
  // guard records and runs is exactly what reached the tool, once each, with its own input.
  it("the same tool call id on two turns (ids numbered per reply): the record and the world match what reached the tool", async () => {
    const { world, out } = await runAgent(["call_0", "call_0"]);
    const effects = out.guardRecords[0]!.effects!;
    const reached = out.messages.filter((m: { getType(): string }) => m.getType() === "tool").length;
    expect(effects).toHaveLength(reached);
    expect(world.log).toEqual(effects.map((e) => `run ${(e.input as { text: string }).text}`));
    expect(effects.every((e) => e.status === "executed")).toBe(true);
    expect(new Set(effects.map((e) => e.key)).size).toBe(effects.length);
  });
});
