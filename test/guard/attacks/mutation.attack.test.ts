/**
 * Guarantees attacked: "the producer runs inside the guard on its own deep copy of the parent's
 * state (mutating what it was given in place reaches nothing outside)"; "on a block … every parent
 * channel deep-equals its value before the producer ran"; "no parent channel … sees an attempt
 * before its verdict". Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver } from "@langchain/langgraph";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { guardNodeInPlace, createChallenger, GuardExhaustedError } from "../../../nodes/index.js";
import { State, judgeBad, BAD, claim, deepContains, leaks, sleep } from "./common.js";

class Box { constructor(public v: string) {} }

const seedClaim = { id: "seed-1", text: "seed claim", confidence: 0.9, origin: { agent: "user", source: "human" as const } };

function seed() {
  return {
    intent: "task",
    messages: [new HumanMessage({ content: "hello", id: "h1", additional_kwargs: { k: "v" } }), new AIMessage({ content: "prior", id: "a1", tool_calls: [{ id: "tc1", name: "t", args: { q: "x" } }] })],
    notes: { nested: { deep: ["a"] } },
    data: { when: new Date(0), box: new Box("clean") },
    claims: [seedClaim],
  };
}

async function runMutating(mutate: (s: any) => void, opts: { producerReturns?: unknown; mode?: "fail" | "degrade" } = {}) {
  const producer = (s: any) => { mutate(s); return opts.producerReturns ?? { notes: BAD }; };
  const b = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: opts.mode ?? "fail" });
  const g = b.compile({ checkpointer: new MemorySaver() });
  const cfg = { configurable: { thread_id: "m" } };
  const input = seed();
  const before = JSON.parse(JSON.stringify({ ...input, guardRecords: [] }));
  const beforeMsgs: string[] = [];
  let err: unknown;
  try { await g.invoke(input as any, cfg); } catch (e) { err = e; }
  const after = (await g.getState(cfg)).values;
  return { before, beforeMsgs, after, err };
}

const mutations: Array<[string, (s: any) => void]> = [
  ["nested object", (s) => { s.notes.nested.deep.push(BAD); }],
  ["message content", (s) => { s.messages[0].content = BAD; }],
  ["message additional_kwargs", (s) => { s.messages[0].additional_kwargs.k = BAD; }],
  ["message tool_calls args", (s) => { s.messages[1].tool_calls[0].args.q = BAD; }],
  ["message tool_calls push", (s) => { s.messages[1].tool_calls.push({ id: "x", name: BAD, args: {} }); }],
  ["messages array push", (s) => { s.messages.push(new AIMessage(BAD)); }],
  ["claims entry text", (s) => { s.claims[0].text = BAD; }],
  ["claims entry status", (s) => { s.claims[0].status = "green"; s.claims[0].meta = { x: BAD }; }],
  ["Date in state", (s) => { if (s.data.when instanceof Date) s.data.when.setTime(123456); else s.data.when = "1999"; }],
  ["class instance in state", (s) => { s.data.box.v = BAD; }],
  ["intent string reassigned", (s) => { s.intent = BAD; }],
];

/**
 * The claims channel stores frozen claims (docs/claims.md): editing one in place throws in the node,
 * guarded or not (the guard's copy keeps what is frozen frozen, so a guarded node behaves as it would
 * unguarded). Those attempts fail with that TypeError instead of reaching the verdict; nothing leaks.
 */
const frozenClaim = (name: string) => name.startsWith("claims entry");
function expectFrozenClaimError(err: unknown) {
  expect(err).toBeInstanceOf(TypeError);
  expect(String((err as Error).message)).toMatch(/read only|read-only|not extensible/);
}

describe("mutation: in-place mutation by a blocked producer reaches nothing outside", () => {
  for (const [name, mutate] of mutations) {
    it(`${name}`, async () => {
      const { before, after, err } = await runMutating(mutate);
      if (frozenClaim(name)) expectFrozenClaimError(err);
      else expect(err).toBeInstanceOf(GuardExhaustedError);
      expect(leaks(after), "parent state carries BAD").toBe(false);
      const { guardRecords: _a, ...restAfter } = after as any;
      const { guardRecords: _b, ...restBefore } = before as any;
      const norm = (v: any) => JSON.parse(JSON.stringify(v, (_k, x) => (x && x.lc === 1 && x.kwargs ? { type: x.id?.at(-1), ...x.kwargs } : x && typeof x._getType === "function" ? { type: x.constructor.name, content: x.content, id: x.id, additional_kwargs: x.additional_kwargs, tool_calls: x.tool_calls } : x)));
      const a = norm(restAfter), b0 = norm(restBefore);
      a.messages = a.messages.map((m: any) => ({ content: m.content, id: m.id, additional_kwargs: m.additional_kwargs, tool_calls: m.tool_calls?.map((t: any) => ({ name: t.name, args: t.args })) }));
      b0.messages = b0.messages.map((m: any) => ({ content: m.content, id: m.id, additional_kwargs: m.additional_kwargs, tool_calls: m.tool_calls?.map((t: any) => ({ name: t.name, args: t.args })) }));
      a.claims = a.claims.map((c: any) => ({ id: c.id, text: c.text, status: c.status, meta: c.meta }));
      b0.claims = b0.claims.map((c: any) => ({ id: c.id, text: c.text, status: c.status ?? "unverified", meta: c.meta }));
      expect(a).toEqual(b0);
    }, 20_000);
  }
  for (const [name, mutate] of mutations) {
    it(`${name} (the attempt passes with a clean update)`, async () => {
      const { after, err } = await runMutating(mutate, { producerReturns: { turn: 1 } });
      if (frozenClaim(name)) expectFrozenClaimError(err);
      else expect(err).toBeUndefined();
      expect(leaks(after), "parent state carries BAD").toBe(false);
    }, 20_000);
  }
});

describe("mutation after returning (async, after a delay)", () => {
  it("mutating the returned object after the verdict does not change committed state", async () => {
    const ret = { nested: { text: "clean" } };
    const msg = new AIMessage({ content: "clean message", additional_kwargs: { x: "clean" } });
    const producer = () => {
      setTimeout(() => { ret.nested.text = BAD; (msg as any).content = BAD; msg.additional_kwargs.x = BAD; }, 30);
      return { notes: ret, messages: [msg] };
    };
    let seenByNext: any;
    const b = new StateGraph(State)
      .addNode("p", producer)
      .addNode("next", async (s: any) => { await sleep(80); seenByNext = structuredClone({ notes: s.notes, m: s.messages.map((m: any) => m.content) }); return {}; })
      .addEdge(START, "p").addEdge("p", "next").addEdge("next", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail" });
    const g = b.compile({ checkpointer: new MemorySaver() });
    const out = await g.invoke({ intent: "t" }, { configurable: { thread_id: "late" } });
    await sleep(50);
    expect(deepContains(seenByNext, BAD), "next node saw post-verdict mutation").toBe(false);
    expect(leaks(out), "final output carries post-verdict mutation").toBe(false);
    const snap = await g.getState({ configurable: { thread_id: "late" } });
    expect(leaks(snap.values), "checkpoint carries post-verdict mutation").toBe(false);
  }, 20_000);

  it("mutating the returned object during the challenge (slow evidence) does not change what is committed", async () => {
    const ret = { text: "clean" };
    const producer = () => { setTimeout(() => { ret.text = BAD; }, 20); return { notes: ret }; };
    const b = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
    const challenger = createChallenger({ model: judgeBad(), evidence: async () => { await sleep(100); return []; } });
    guardNodeInPlace(b, "p", { challenger, maxAttempts: 1, onExhausted: "fail" });
    let out: any;
    try { out = await b.compile().invoke({ intent: "t" }); } catch (e) { expect(e).toBeInstanceOf(GuardExhaustedError); return; }
    expect(deepContains(out.notes, BAD), "committed value differs from the reviewed one").toBe(false);
  }, 20_000);

  it("a producer's state reference mutated later (after commit) does not reach parent state", async () => {
    let captured: any;
    const producer = (s: any) => { captured = s; setTimeout(() => { captured.notes.nested.deep.push(BAD); captured.messages[0].content = BAD; }, 20); return { turn: 1 }; };
    const b = new StateGraph(State).addNode("p", producer).addNode("next", async () => { await sleep(60); return {}; }).addEdge(START, "p").addEdge("p", "next").addEdge("next", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail" });
    const out = await b.compile().invoke(seed() as any);
    expect(leaks(out)).toBe(false);
  }, 20_000);
});

describe("Recover: state deep-equals its pre-producer value after a block", () => {
  it("block then pass: only the passing attempt's effects, nothing of the blocked one", async () => {
    let n = 0;
    const producer = (s: any) => {
      n++;
      if (n === 1) { s.notes.nested.deep.push("mut1"); return { notes: BAD, messages: [new AIMessage(BAD)], claims: [claim(BAD)] }; }
      return { turn: 2 };
    };
    const b = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail", passThrough: ["turn"] });
    const input = seed();
    const out: any = await b.compile().invoke(input as any);
    expect(leaks(out)).toBe(false);
    expect(out.notes).toEqual({ nested: { deep: ["a"] } });
    expect(out.messages.length).toBe(2);
    expect(out.claims.map((c: any) => c.id)).toEqual(["seed-1"]);
  }, 20_000);
});

describe("deep copy fidelity", () => {
  it("the producer's copy of a Date / class instance / Map keeps its type", async () => {
    let seen: any;
    const b = new StateGraph(State).addNode("p", (s: any) => { seen = { d: s.data.when instanceof Date, box: s.data.box instanceof Box, map: s.notes instanceof Map }; return { turn: 1 }; }).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail", passThrough: ["turn"] });
    await b.compile().invoke({ intent: "t", data: { when: new Date(0), box: new Box("x") }, notes: new Map([["a", 1]]) } as any);
    expect(seen).toEqual({ d: true, box: true, map: true });
  }, 20_000);
  it("mutating a Map in state in place reaches nothing outside", async () => {
    const b = new StateGraph(State).addNode("p", (s: any) => { if (s.notes instanceof Map) s.notes.set("k", BAD); return { turn: 1 }; }).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail", passThrough: ["turn"] });
    const out: any = await b.compile().invoke({ intent: "t", notes: new Map([["a", 1]]) } as any);
    expect(deepContains(out.notes, BAD)).toBe(false);
  }, 20_000);
});
