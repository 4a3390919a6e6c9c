/**
 * The wrapper's message copy (`toAIMessageChunk`) builds, for a whole message, exactly the
 * `AIMessageChunk` LangChain's constructor builds — same fields, same serialised form, same
 * key order — by a faster route. Compared field by field with the constructor's result.
 */
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { describe, expect, test } from "vitest";
import { toAIMessageChunk } from "../../src/breaker/message-chunks.js";

const usage = { input_tokens: 12, output_tokens: 20, total_tokens: 32 };

/** What the constructor makes of the same copy (the reference). */
function reference(m: AIMessage, responseMetadata: Record<string, unknown>, withUsage: boolean): AIMessageChunk {
  const out = new AIMessageChunk({
    content: m.content,
    ...(m.id !== undefined ? { id: m.id } : {}),
    ...(m.name !== undefined ? { name: m.name } : {}),
    additional_kwargs: m.additional_kwargs ?? {},
    response_metadata: responseMetadata,
    tool_calls: m.tool_calls ?? [],
    ...(withUsage && m.usage_metadata !== undefined ? { usage_metadata: m.usage_metadata } : {}),
  });
  if ((m.invalid_tool_calls?.length ?? 0) > 0) {
    out.invalid_tool_calls = m.invalid_tool_calls!;
    (out.lc_kwargs as Record<string, unknown>).invalid_tool_calls = m.invalid_tool_calls;
  }
  return out;
}

const fields = (m: BaseMessage) => {
  const c = m as AIMessageChunk;
  return { content: c.content, id: c.id, name: c.name, additional_kwargs: c.additional_kwargs, response_metadata: c.response_metadata, tool_calls: c.tool_calls, invalid_tool_calls: c.invalid_tool_calls, tool_call_chunks: c.tool_call_chunks, usage_metadata: c.usage_metadata, type: c.type };
};

describe("toAIMessageChunk on a whole message", () => {
  const messages: Array<[string, AIMessage]> = [
    ["plain text with usage", new AIMessage({ content: "Paris.", id: "run-1", usage_metadata: usage })],
    ["named, no usage", new AIMessage({ content: "Paris.", name: "researcher" })],
    ["content blocks", new AIMessage({ content: [{ type: "text", text: "Paris." }], id: "x" })],
    ["tool calls and invalid tool calls", new AIMessage({
      content: "",
      tool_calls: [{ id: "call_1", name: "lookup", args: { q: "Paris" }, type: "tool_call" }],
      invalid_tool_calls: [{ id: "call_2", name: "lookup", args: "{oops", error: "bad json", type: "invalid_tool_call" }],
      additional_kwargs: { refusal: null },
      response_metadata: { model_name: "gpt-4o-mini" },
    })],
  ];

  test.each(messages)("%s: same fields and the same serialised form (key order included) as the constructor's", (_label, m) => {
    const meta = { "firebreak.breaker.provider": "p" };
    for (const usageOption of [undefined, null] as const) {
      const fast = toAIMessageChunk(m, { responseMetadata: meta, ...(usageOption === null ? { usage: null } : {}) });
      const ref = reference(m, { ...m.response_metadata, ...meta }, usageOption === undefined);
      expect(fast).toBeInstanceOf(AIMessageChunk);
      expect(AIMessageChunk.isInstance(fast)).toBe(true);
      expect(fields(fast)).toEqual(fields(ref));
      expect(JSON.stringify(fast.toJSON())).toBe(JSON.stringify(ref.toJSON()));
      expect(Object.keys(fast)).toEqual(Object.keys(ref));
    }
  });

  test("the copy concatenates like any chunk and does not share arrays with the original", () => {
    const m = messages[3]![1];
    const copy = toAIMessageChunk(m);
    const joined = copy.concat(new AIMessageChunk({ content: " more" }));
    expect(joined.content).toEqual(" more");
    copy.tool_call_chunks!.push({ name: "x", args: "", index: 0, type: "tool_call_chunk" });
    expect((m as unknown as { tool_call_chunks?: unknown[] }).tool_call_chunks ?? []).toHaveLength(0);
  });
});
