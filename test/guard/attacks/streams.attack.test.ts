/**
 * Guarantee attacked: "No token, message or custom event of a blocked attempt reaches streamMode
 * messages/updates/values/custom/debug/tasks/checkpoints (with or without subgraphs), streamEvents
 * v2, or a caller's own callback handlers." The producer's model and the judge are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver } from "@langchain/langgraph";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { State, judgeBad, BAD, claim, deepContains, leaks as leaksBad } from "./common.js";

function build(opts: { checkpointer?: boolean } = {}) {
  let attempt = 0;
  const producerModel = new ScriptedChatModel({ label: "scripted producer", script: [`token ${BAD}`, "token clean"] });
  const producer = async (_s: unknown, config: any) => {
    attempt++;
    const reply = await producerModel.invoke([new HumanMessage("go")], config);
    const bad = attempt === 1;
    await dispatchCustomEvent("producer-event", { text: bad ? BAD : "clean event" }, config);
    config.writer?.({ chunk: bad ? BAD : "clean chunk" });
    return { messages: [new AIMessage(String(reply.content))], notes: bad ? BAD : "ok", claims: [claim(bad ? `says ${BAD}` : "says ok")] };
  };
  const b = new StateGraph(State).addNode("p", producer).addNode("after", () => ({})).addEdge(START, "p").addEdge("p", "after").addEdge("after", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 3, onExhausted: "fail" });
  return b.compile(opts.checkpointer ? { checkpointer: new MemorySaver() } : {});
}

const modes = ["messages", "updates", "values", "custom", "debug", "tasks", "checkpoints"] as const;

class Spy extends BaseCallbackHandler {
  name = "hostile_caller_handler";
  seen: unknown[] = [];
  override async handleLLMNewToken(token: string) { this.seen.push(["token", token]); }
  override async handleCustomEvent(name: string, data: unknown) { this.seen.push({ kind: "custom", name, data }); }
  override async handleChainEnd(outputs: unknown) { this.seen.push(["chainEnd", outputs]); }
  override async handleChainStart(_c: unknown, inputs: unknown) { this.seen.push(["chainStart", inputs]); }
  override async handleLLMEnd(out: unknown) { this.seen.push(["llmEnd", out]); }
  override async handleLLMStart(_l: unknown, prompts: unknown) { this.seen.push(["llmStart", prompts]); }
  override async handleChatModelStart(_l: unknown, msgs: unknown) { this.seen.push(["chatStart", msgs]); }
  override async handleToolEnd(o: unknown) { this.seen.push(["toolEnd", o]); }
}

describe("streams: a blocked attempt reaches no client stream", () => {
  for (const subgraphs of [false, true]) {
    for (const cp of [false, true]) {
      it(`all stream modes at once, subgraphs=${subgraphs}, checkpointer=${cp}`, async () => {
        const g = build({ checkpointer: cp });
        const chunks: unknown[] = [];
        const stream = await g.stream({ intent: "report" }, { streamMode: [...modes], subgraphs, configurable: { thread_id: "t" } } as any);
        for await (const c of stream) chunks.push(c);
        const leaks = chunks.filter((c) => leaksBad(c));
        expect(leaks.map((l) => JSON.stringify(l).slice(0, 300))).toEqual([]);
        // and the committed attempt did arrive
        expect(chunks.some((c) => deepContains(c, "clean chunk"))).toBe(true);
      }, 20_000);
      if (subgraphs && cp) for (const mode of modes) {
        it(`streamMode "${mode}" alone, subgraphs=${subgraphs}, checkpointer=${cp}`, async () => {
          const g = build({ checkpointer: cp });
          const chunks: unknown[] = [];
          for await (const c of await g.stream({ intent: "report" }, { streamMode: mode, subgraphs, configurable: { thread_id: "t" } } as any)) chunks.push(c);
          const leaks = chunks.filter((c) => leaksBad(c));
          expect(leaks.map((l) => JSON.stringify(l).slice(0, 300))).toEqual([]);
        }, 20_000);
      }
    }
  }

  it("streamEvents v2", async () => {
    const g = build();
    const events: any[] = [];
    for await (const e of g.streamEvents({ intent: "report" }, { version: "v2" })) events.push(e);
    const leaks = events.filter((e) => leaksBad(e));
    expect(leaks.map((e) => `${e.event} ${e.name} ${JSON.stringify(e.data).slice(0, 200)}`)).toEqual([]);
    expect(events.some((e) => e.event === "on_custom_event" && deepContains(e.data, "clean event"))).toBe(true);
  }, 20_000);

  it("streamEvents v2 with subgraphs-style includeNames none (all events)", async () => {
    const g = build({ checkpointer: true });
    const events: any[] = [];
    for await (const e of g.streamEvents({ intent: "report" }, { version: "v2", configurable: { thread_id: "x" } })) events.push(e);
    expect(events.filter((e) => leaksBad(e)).map((e) => `${e.event} ${e.name}`)).toEqual([]);
  }, 20_000);

  it("a caller's own callback handler (invoke)", async () => {
    const g = build();
    const spy = new Spy();
    await g.invoke({ intent: "report" }, { callbacks: [spy] });
    const leaks = spy.seen.filter((s) => leaksBad(s));
    expect(leaks.map((s) => JSON.stringify(s).slice(0, 200))).toEqual([]);
  }, 20_000);

  it("a caller's own callback handler passed with stream(messages)", async () => {
    const g = build();
    const spy = new Spy();
    for await (const _ of await g.stream({ intent: "report" }, { streamMode: "messages", callbacks: [spy] })) void _;
    expect(spy.seen.filter((s) => leaksBad(s)).map((s) => JSON.stringify(s).slice(0, 200))).toEqual([]);
  }, 20_000);

  it("a handler named like a tracer in its own class but not listed in tracers", async () => {
    const g = build();
    const spy = new Spy();
    (spy as any).name = "LangChainTracer";
    await g.invoke({ intent: "report" }, { callbacks: [spy] });
    // a caller's handler that merely *names* itself like LangSmith's tracer is still the caller's handler
    expect(spy.seen.filter((s) => leaksBad(s)).map((s) => JSON.stringify(s).slice(0, 200))).toEqual([]);
  }, 20_000);

  it("committed messages arrive whole (not token by token) on messages mode", async () => {
    const g = build();
    const chunks: any[] = [];
    for await (const c of await g.stream({ intent: "report" }, { streamMode: "messages" })) chunks.push(c);
    const texts = chunks.map(([m]) => String(m.content));
    expect(texts).toContain("token clean");
    expect(texts.filter((t) => t === "token clean").length).toBe(1);
  }, 20_000);
});

import { CallbackManager } from "@langchain/core/callbacks/manager";
describe("callback handler forms", () => {
  it("a caller's handler passed as a CallbackManager (not an array)", async () => {
    const g = build();
    const spy = new Spy();
    const cm = new CallbackManager();
    cm.addHandler(spy, true);
    await g.invoke({ intent: "report" }, { callbacks: cm });
    expect(spy.seen.filter((s) => leaksBad(s)).map((s) => JSON.stringify(s).slice(0, 200))).toEqual([]);
  }, 20_000);
  it("a caller's handler bound with graph.withConfig({ callbacks })", async () => {
    const g = build();
    const spy = new Spy();
    await g.withConfig({ callbacks: [spy] }).invoke({ intent: "report" });
    expect(spy.seen.filter((s) => leaksBad(s)).map((s) => JSON.stringify(s).slice(0, 200))).toEqual([]);
  }, 20_000);
  it("a plain-object handler (not a BaseCallbackHandler instance)", async () => {
    const g = build();
    const seen: unknown[] = [];
    const handler = { handleLLMNewToken: (t: string) => { seen.push(t); }, handleCustomEvent: (n: string, d: unknown) => { seen.push({ name: n, d }); } };
    await g.invoke({ intent: "report" }, { callbacks: [handler as any] });
    expect(seen.filter((s) => leaksBad(s)).map((s) => JSON.stringify(s).slice(0, 200))).toEqual([]);
  }, 20_000);
});
