/**
 * Guarantees attacked: "No token, message or custom event of a blocked attempt reaches streamMode
 * messages … streamEvents v2, or a caller's own callback handlers" — with a ChatOpenAI-like
 * producer model that streams text and tool-call chunks in pieces (so the blocked text is SPLIT
 * across chunks and a per-chunk check would miss it), streamEvents v2 with include/exclude
 * filters, and "`messages` carries each committed message whole (not token by token)".
 * The producer model and the judge are SCRIPTED stand-ins.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver } from "@langchain/langgraph";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { State, judgeBad, BAD } from "../attacks/common.js";

const HALF1 = BAD.slice(0, 5), HALF2 = BAD.slice(5);

/** SCRIPTED ChatOpenAI-like model: streams text and a tool call in small chunks. Call 1 is bad, later calls clean. */
class ChunkyScripted extends BaseChatModel {
  calls = 0;
  _llmType() { return "scripted-chunky"; }
  private parts(call: number): AIMessageChunk[] {
    const bad = call === 0;
    const text = bad ? ["The answer is ", HALF1, HALF2, "."] : ["The answer is ", "clean", "."];
    const args = bad ? ['{"q":"', HALF1, HALF2, '"}'] : ['{"q":"', "clean", '"}'];
    const out: AIMessageChunk[] = text.map((t) => new AIMessageChunk({ content: t, id: `run-${call}` }));
    out.push(new AIMessageChunk({ content: "", id: `run-${call}`, tool_call_chunks: [{ name: "lookup", args: "", id: `call_${call}`, index: 0, type: "tool_call_chunk" }] }));
    for (const a of args) out.push(new AIMessageChunk({ content: "", id: `run-${call}`, tool_call_chunks: [{ args: a, index: 0, type: "tool_call_chunk" }] }));
    return out;
  }
  async _generate(_m: BaseMessage[]): Promise<ChatResult> {
    const call = this.calls++;
    const msg = this.parts(call).reduce((a, b) => a.concat(b));
    return { generations: [{ text: String(msg.content), message: msg }] };
  }
  override async *_streamResponseChunks(_m: BaseMessage[], _o: any, runManager?: any): AsyncGenerator<ChatGenerationChunk> {
    const call = this.calls++;
    for (const part of this.parts(call)) {
      const chunk = new ChatGenerationChunk({ text: String(part.content), message: part });
      yield chunk;
      await runManager?.handleLLMNewToken(String(part.content), undefined, undefined, undefined, undefined, { chunk });
    }
  }
}

function build(cp = false) {
  const model = new ChunkyScripted({});
  const producer = async (_s: any, config: any) => {
    const r: any = await model.invoke([new HumanMessage("go")], config);
    return { messages: [new AIMessage({ content: String(r.content), tool_calls: r.tool_calls, id: `committed-${model.calls}` })] };
  };
  const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 3, onExhausted: "fail" });
  return b.compile(cp ? { checkpointer: new MemorySaver() } : {});
}

/** Everything textual a client could reassemble from a run's chunks, concatenated in arrival order. */
function reassemble(items: unknown[]): string {
  const parts: string[] = [];
  const walk = (v: any, depth = 0): void => {
    if (depth > 12 || v == null) return;
    if (typeof v === "string") { parts.push(v); return; }
    if (typeof v !== "object") return;
    if (Array.isArray(v)) { v.forEach((x) => walk(x, depth + 1)); return; }
    for (const k of Object.keys(v)) if (k !== "guardRecords" && k !== "kind") walk(v[k], depth + 1);
  };
  items.forEach((i) => walk(i));
  return parts.join("");
}

class TokenSpy extends BaseCallbackHandler {
  name = "token_spy";
  tokens: string[] = [];
  chunks: unknown[] = [];
  override async handleLLMNewToken(token: string, _i: any, _r: any, _p: any, _t: any, fields?: any) { this.tokens.push(token); if (fields?.chunk) this.chunks.push(fields.chunk.message?.tool_call_chunks); }
}

describe("split tokens and tool-call chunks of a blocked attempt", () => {
  for (const subgraphs of [false, true]) {
    it(`streamMode messages (subgraphs=${subgraphs}): the blocked text cannot be reassembled from the chunks`, async () => {
      const chunks: any[] = [];
      for await (const c of await build(true).stream({ intent: "t" }, { streamMode: "messages", subgraphs, configurable: { thread_id: "s" } } as any)) chunks.push(c);
      const text = reassemble(chunks.map((c) => (subgraphs ? c[1] : c)).map(([m]: any) => [m.content, (m.tool_call_chunks ?? []).map((t: any) => t.args), (m.tool_calls ?? []).map((t: any) => JSON.stringify(t.args))]));
      expect(text.includes(BAD), "the blocked attempt's tokens reached the messages stream").toBe(false);
      expect(text).toContain("clean");
    }, 20_000);
  }

  it("the committed message with a tool call arrives whole, once, with its tool call", async () => {
    const msgs: any[] = [];
    for await (const c of await build().stream({ intent: "t" }, { streamMode: "messages" })) msgs.push(c[0]);
    const committed = msgs.filter((m) => String(m.content).includes("clean"));
    expect(committed.length).toBe(1);
    expect(String(committed[0].content)).toBe("The answer is clean.");
    expect(committed[0].tool_calls?.[0]?.args).toEqual({ q: "clean" });
  }, 20_000);

  it("a caller's handler: blocked tokens and tool-call chunks cannot be reassembled", async () => {
    const spy = new TokenSpy();
    await build().invoke({ intent: "t" }, { callbacks: [spy] });
    expect((spy.tokens.join("") + reassemble(spy.chunks)).includes(BAD)).toBe(false);
  }, 20_000);

  const filters: Array<[string, any]> = [
    ["includeTypes chat_model", { includeTypes: ["chat_model"] }],
    ["includeNames p", { includeNames: ["p"] }],
    ["includeNames ChunkyScripted", { includeNames: ["ChunkyScripted"] }],
    ["excludeNames LangGraph", { excludeNames: ["LangGraph"] }],
    ["includeTags none (all)", {}],
  ];
  for (const [name, filter] of filters) {
    it(`streamEvents v2 with ${name}: nothing of the blocked attempt, even reassembled`, async () => {
      const evs: any[] = [];
      for await (const e of build().streamEvents({ intent: "t" }, { version: "v2", ...filter })) if (e.name !== "firebreak/bicr") evs.push(e);
      const text = reassemble(evs.map((e) => e.data));
      expect(text.includes(BAD), `events: ${evs.filter((e) => JSON.stringify(e.data ?? {}).includes(HALF2)).map((e) => `${e.event}:${e.name}`).join(", ")}`).toBe(false);
    }, 20_000);
  }
});
