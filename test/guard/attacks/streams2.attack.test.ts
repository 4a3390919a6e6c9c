/**
 * More stream attacks: producers that are compiled subgraphs or createReactAgent (their inner
 * model streams tokens), late async writes after a block, producers that throw after streaming,
 * caller handlers that carry a tracer's name, and the parent's own checkpoints in the
 * checkpointer. Producer models and judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver, MessagesAnnotation } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { State, judgeBad, BAD, leaks, sleep } from "./common.js";

const modes = ["messages", "updates", "values", "custom", "debug", "tasks", "checkpoints"] as const;

class Spy extends BaseCallbackHandler {
  name = "spy";
  seen: unknown[] = [];
  constructor(name?: string) { super(); if (name) this.name = name; }
  override async handleLLMNewToken(token: string) { this.seen.push({ t: "token", token }); }
  override async handleCustomEvent(name: string, data: unknown) { this.seen.push({ t: "custom", name, data }); }
  override async handleChainEnd(outputs: unknown) { this.seen.push({ t: "chainEnd", outputs }); }
  override async handleLLMEnd(out: unknown) { this.seen.push({ t: "llmEnd", out }); }
  override async handleChatModelStart(_l: unknown, msgs: unknown) { this.seen.push({ t: "chatStart", msgs }); }
}

function subgraphProducer() {
  let n = 0;
  const model = new ScriptedChatModel({ label: "scripted inner producer", script: () => (n === 1 ? `inner ${BAD}` : "inner clean") });
  const inner = new StateGraph(MessagesAnnotation)
    .addNode("think", async (s, config) => { n++; const r = await model.invoke(s.messages, config); return { messages: [r] }; })
    .addEdge(START, "think").addEdge("think", END).compile();
  return inner;
}

function reactProducer() {
  let call = 0;
  const lookup = tool(async () => (call <= 2 ? `tool says ${BAD}` : "tool says clean"), { name: "lookup", description: "look up", schema: z.object({ q: z.string() }) });
  const model = new ScriptedChatModel({
    label: "scripted react producer",
    script: () => {
      call++;
      // attempt 1: calls 1,2 ; attempt 2: calls 3,4
      if (call % 2 === 1) return { toolCalls: [{ name: "lookup", args: { q: call <= 2 ? BAD : "clean" } }] };
      return call <= 2 ? `final ${BAD}` : "final clean";
    },
  });
  return createReactAgent({ llm: model, tools: [lookup] });
}

function parentWith(producer: any, cp: boolean) {
  const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 3, onExhausted: "fail" });
  return b.compile(cp ? { checkpointer: new MemorySaver() } : {});
}

for (const [label, make] of [["compiled subgraph", subgraphProducer], ["createReactAgent", reactProducer]] as const) {
  describe(`producer is a ${label}`, () => {
    for (const subgraphs of [false, true]) {
      it(`all stream modes, subgraphs=${subgraphs}: nothing of the blocked attempt`, async () => {
        const g = parentWith(make(), true);
        const chunks: unknown[] = [];
        for await (const c of await g.stream({ intent: "t", messages: [new HumanMessage("go")] }, { streamMode: [...modes], subgraphs, configurable: { thread_id: `${label}${subgraphs}` } } as any)) chunks.push(c);
        expect(chunks.filter((c) => leaks(c)).map((c) => JSON.stringify(c).slice(0, 300))).toEqual([]);
        expect(chunks.some((c) => JSON.stringify(c).includes("clean"))).toBe(true);
      }, 20_000);
    }
    it("streamEvents v2 and a caller handler: nothing of the blocked attempt", async () => {
      const g = parentWith(make(), false);
      const spy = new Spy();
      const evs: any[] = [];
      for await (const e of g.streamEvents({ intent: "t", messages: [new HumanMessage("go")] }, { version: "v2", callbacks: [spy] })) evs.push(e);
      expect(evs.filter((e) => leaks(e)).map((e) => `${e.event} ${e.name}`)).toEqual([]);
      expect(spy.seen.filter((s) => leaks(s)).map((s) => JSON.stringify(s).slice(0, 200))).toEqual([]);
    }, 20_000);
  });
}

describe("late and failing attempts", () => {
  it("a blocked attempt's delayed writer()/custom event after its block reaches no stream", async () => {
    let n = 0;
    const producer = (_s: any, config: any) => {
      n++;
      if (n === 1) {
        setTimeout(() => { try { config.writer?.({ late: BAD }); } catch { /* closed */ } }, 40);
        return { notes: BAD };
      }
      return { notes: "ok" };
    };
    const b: any = new StateGraph(State).addNode("p", producer).addNode("slow", async () => { await sleep(120); return {}; }).addEdge(START, "p").addEdge("p", "slow").addEdge("slow", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail" });
    const chunks: unknown[] = [];
    for await (const c of await b.compile().stream({ intent: "t" }, { streamMode: ["custom", "updates"], subgraphs: true })) chunks.push(c);
    expect(chunks.filter((c) => leaks(c)).map((c) => JSON.stringify(c))).toEqual([]);
  }, 20_000);

  it("a producer that streams tokens then throws: no token reaches messages mode or a caller handler", async () => {
    let n = 0;
    const model = new ScriptedChatModel({ label: "scripted producer", script: [`tok ${BAD}`] });
    const producer = async (_s: any, config: any) => { n++; await model.invoke([new HumanMessage("x")], config); throw new Error("producer crashed"); };
    const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    const spy = new Spy();
    const chunks: unknown[] = [];
    try { for await (const c of await b.compile().stream({ intent: "t" }, { streamMode: ["messages", "debug", "tasks"], subgraphs: true, callbacks: [spy] })) chunks.push(c); } catch { /* may throw */ }
    expect(chunks.filter((c) => leaks(c)).map((c) => JSON.stringify(c).slice(0, 200))).toEqual([]);
    expect(spy.seen.filter((s) => leaks(s)).map((s) => JSON.stringify(s).slice(0, 200))).toEqual([]);
  }, 20_000);

  // Tracers are recognised by name (and, for LangChain's BaseTracer kinds, by class): a plain
  // handler taking a BaseTracer kind's name is not one. The README says a handler named
  // "LangfuseCallbackHandler" (not a BaseTracer) is treated as the Langfuse tracer.
  // ("langchain_tracer" is left out: LangChain core itself calls LangChainTracer methods on any handler of that name.)
  for (const name of ["console_callback_handler", "OpenInferenceLangChainTracer", "run_collector", "LangChainTracer", "langfuse_callback_handler", "openinference", "OpenInferenceCallbackHandler"]) {
    it(`a caller's handler merely named "${name}" sees no blocked token`, async () => {
      const model = new ScriptedChatModel({ label: "scripted producer", script: [`tok ${BAD}`, "tok clean"] });
      let n = 0;
      const producer = async (_s: any, config: any) => { n++; const r = await model.invoke([new HumanMessage("x")], config); return { notes: String(r.content) }; };
      const g = parentWith(producer, false);
      const spy = new Spy(name);
      await g.invoke({ intent: "t" }, { callbacks: [spy] });
      expect(spy.seen.filter((s) => leaks(s)).map((s) => JSON.stringify(s).slice(0, 120))).toEqual([]);
    }, 20_000);
  }
});

describe("the parent's checkpoints", () => {
  it("no parent-namespace checkpoint or pending write in the checkpointer carries the blocked attempt", async () => {
    let n = 0;
    const producer = () => (++n === 1 ? { notes: BAD, messages: [new AIMessage(BAD)] } : { notes: "ok" });
    const saver = new MemorySaver();
    const b: any = new StateGraph(State).addNode("p", producer).addNode("next", () => ({})).addEdge(START, "p").addEdge("p", "next").addEdge("next", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail" });
    const g = b.compile({ checkpointer: saver });
    const cfg = { configurable: { thread_id: "ck" } };
    await g.invoke({ intent: "t" }, cfg);
    const hist: any[] = [];
    for await (const s of g.getStateHistory(cfg)) hist.push(s);
    expect(hist.filter((s) => leaks(s.values)).length).toBe(0);
    // the raw saver: parent namespace "" only; guard records excepted by decoding and scrubbing
    const dec = new TextDecoder();
    const storage: any = (saver as any).storage;
    const bad: string[] = [];
    let examined = 0;
    for (const [ns, byId] of Object.entries<any>(storage["ck"] ?? {})) {
      if (ns !== "") continue;
      for (const [id, [cp]] of Object.entries<any>(byId)) {
        examined++;
        const parsed = await (saver as any).serde.loadsTyped("json", dec.decode(cp));
        if (leaks(parsed.channel_values)) bad.push(`checkpoint ${id}`);
      }
    }
    for (const [key, writes] of Object.entries<any>((saver as any).writes ?? {})) {
      if (!key.includes('"ck"') && !key.startsWith("ck")) continue;
      const [, ns] = JSON.parse(key);
      if (ns !== "") continue;
      for (const w of Object.values<any>(writes)) {
        const [, channel, value] = w;
        if (channel === "guardRecords") continue;
        examined++;
        const v = await (saver as any).serde.loadsTyped("json", dec.decode(value));
        if (leaks(v)) bad.push(`write ${channel}`);
      }
    }
    expect(examined).toBeGreaterThan(3);
    expect(bad).toEqual([]);
  }, 20_000);
});

describe("a producer that times out", () => {
  it("node timeout during a producer that already streamed BAD: nothing reaches custom/messages/updates", async () => {
    const model = new ScriptedChatModel({ label: "scripted producer", script: [`tok ${BAD}`] });
    const producer = async (_s: any, config: any) => {
      await model.invoke([new HumanMessage("x")], config);
      config.writer?.({ c: BAD });
      await sleep(2000);
      return { notes: BAD };
    };
    const b: any = new StateGraph(State).addNode("p", producer, { timeout: 200 } as any).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    const chunks: unknown[] = [];
    try { for await (const c of await b.compile().stream({ intent: "t" }, { streamMode: ["custom", "messages", "updates", "debug"], subgraphs: true })) chunks.push(c); } catch { /* timeout */ }
    expect(chunks.filter((c) => leaks(c)).map((c) => JSON.stringify(c).slice(0, 200))).toEqual([]);
  }, 20_000);
});
