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

  // BROKEN: with "call_0" on both turns the second report is never published: `run` is called once ("one"), and
  // the guard record lists two "executed" entries, both with the first turn's input.
  it.fails("the same tool call id on two turns (ids numbered per reply): both deferred effects still run", async () => {
    const { world } = await runAgent(["call_0", "call_0"]);
    expect(world.log).toEqual(["run one", "run two"]);
  });
});
