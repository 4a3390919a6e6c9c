/**
 * Guarantee attacked: "every field of a message (content blocks, tool calls, metadata, artifacts,
 * and what its serialized form carries)" is reviewed — for message-likes the messages reducer
 * coerces: OpenAI-format dicts (tool_calls[].function.arguments as a JSON string), LangChain's
 * serialized constructor form, `{ type, content }` dicts with extra fields, and tuples whose role
 * field carries text. The judge is SCRIPTED (red on BAD anywhere in an item).
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { State, judgeBad, BAD } from "../attacks/common.js";

const forms: Array<[string, () => unknown]> = [
  ["OpenAI-format dict, BAD only in function.arguments", () => ({ role: "assistant", content: "fine", tool_calls: [{ id: "c1", type: "function", function: { name: "act", arguments: JSON.stringify({ q: BAD }) } }] })],
  ["OpenAI-format dict, BAD only in the tool call's name", () => ({ role: "assistant", content: "fine", tool_calls: [{ id: "c1", type: "function", function: { name: `act_${BAD}`, arguments: "{}" } }] })],
  ["LangChain serialized constructor form", () => ({ lc: 1, type: "constructor", id: ["langchain_core", "messages", "AIMessage"], kwargs: { content: `says ${BAD}` } })],
  ["serialized form, BAD only in kwargs.additional_kwargs", () => ({ lc: 1, type: "constructor", id: ["langchain_core", "messages", "AIMessage"], kwargs: { content: "fine", additional_kwargs: { x: BAD } } })],
  ["{ type: 'ai' } dict with BAD in response_metadata", () => ({ type: "ai", content: "fine", response_metadata: { x: BAD } })],
  ["{ role: 'tool' } dict with BAD in artifact", () => ({ role: "tool", content: "fine", tool_call_id: "c1", artifact: { x: BAD } })],
  ["{ type: 'ai' } dict with BAD in usage_metadata", () => ({ type: "ai", content: "fine", usage_metadata: { input_tokens: 1, output_tokens: 1, total_tokens: 2, note: BAD } })],
  ["tuple with BAD in the content of a tool_calls-bearing form", () => ["ai", `x ${BAD}`]],
];

describe("message-likes the messages reducer coerces are reviewed field by field", () => {
  for (const [name, make] of forms) {
    it(name, async () => {
      const b: any = new StateGraph(State).addNode("p", (() => ({ messages: [make()] })) as any).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
      let out: any;
      try { out = await b.compile().invoke({ intent: "t" }); } catch (e: any) { expect(String(e?.message)).not.toContain(BAD); return; }
      const committed = (out.messages ?? []).map((m: any) => JSON.stringify(m));
      expect(committed.filter((m: string) => m.includes(BAD)), "a message field the judge did not see was committed").toEqual([]);
    }, 20_000);
  }
});

describe("consequence downstream", () => {
  it("an OpenAI-format tool call the judge saw as `[{}]` is not executed by the ToolNode after the guard", async () => {
    const executed: unknown[] = [];
    const act = tool(async (a) => { executed.push(a); return "done"; }, { name: "wire_money", description: "moves money", schema: z.object({ to: z.string() }) });
    const b: any = new StateGraph(State)
      .addNode("p", () => ({ messages: [{ role: "assistant", content: "routine step", tool_calls: [{ id: "c1", type: "function", function: { name: "wire_money", arguments: JSON.stringify({ to: `acct ${BAD}` }) } }] }] }))
      .addNode("tools", new ToolNode([act]))
      .addEdge(START, "p").addEdge("p", "tools").addEdge("tools", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    await b.compile().invoke({ intent: "t" }).catch(() => undefined);
    expect(executed, "a tool call the judge never saw was executed").toEqual([]);
  }, 20_000);
});
