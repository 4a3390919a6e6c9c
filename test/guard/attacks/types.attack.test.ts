/**
 * Guarantee attacked: "the review is total … each other channel the producer writes (strings,
 * numbers, objects, arrays)" is an item the challenger judges; "carries a value that is not data
 * (a function, a cycle) is blocked before review". A hostile value that hides content from the
 * judge's JSON view must not be committed unreviewed. Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END } from "@langchain/langgraph";
import { guardNodeInPlace, createChallenger, GuardExhaustedError } from "../../../nodes/index.js";
import { State, judgeBad, BAD, deepContains } from "./common.js";

class Secret { hidden = BAD; }
const enc = new TextEncoder();

const hostile: Array<[string, () => unknown]> = [
  ["Map", () => new Map([["k", BAD]])],
  ["Set", () => new Set([BAD])],
  ["toJSON override", () => ({ real: BAD, toJSON: () => ({ real: "benign" }) })],
  ["nested toJSON", () => ({ a: { toJSON() { return "benign"; }, payload: BAD } })],
  ["Symbol key", () => ({ [Symbol("s")]: BAD, ok: "benign" })],
  ["non-enumerable prop", () => Object.defineProperty({ ok: "benign" }, "hidden", { value: BAD, enumerable: false })],
  ["getter", () => ({ get g() { return BAD; } })],
  ["class instance", () => new Secret()],
  ["ArrayBuffer", () => enc.encode(BAD).buffer],
  ["BigInt (not data)", () => ({ n: 10n, t: BAD })],
  ["Date with own prop", () => Object.assign(new Date(0), { note: BAD })],
  ["array with extra prop", () => Object.assign(["benign"], { extra: BAD })],
  ["sparse/huge array", () => { const a: unknown[] = []; a[5000] = BAD; return a; }],
  ["huge string (BAD at the end)", () => "x".repeat(2_000_000) + BAD],
  ["frozen object", () => Object.freeze({ a: Object.freeze({ b: BAD }) })],
  ["Error object", () => new Error(BAD)],
  ["RegExp", () => new RegExp(BAD)],
  ["function", () => () => BAD],
  ["cycle", () => { const o: any = { t: BAD }; o.self = o; return o; }],
];

describe("types: hostile channel values never reach shared state unreviewed", () => {
  for (const [name, make] of hostile) {
    for (const mode of ["degrade"] as const) {
      it(`${name} in a plain channel (${mode})`, async () => {
        const producer = () => ({ notes: make() });
        const b = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
        guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: mode });
        let out: any;
        try {
          out = await b.compile().invoke({ intent: "describe" });
        } catch (e) {
          expect(e).toBeInstanceOf(GuardExhaustedError);
          return;
        }
        expect(deepContains(out.notes, BAD), `committed notes carries ${BAD}: ${String(out.notes).slice(0, 80)}`).toBe(false);
      }, 20_000);
    }
  }
});

import { Command, Send } from "@langchain/langgraph";
import { AIMessage } from "@langchain/core/messages";
import { claim } from "./common.js";

describe("types: hostile values in other places of the attempt", () => {
  const hide = () => new Map([["k", BAD]]);
  const places: Array<[string, () => unknown, string[]]> = [
    ["Map in a Send payload", () => new Command({ goto: [new Send("sink", { data: hide() })] }), ["sink"]],
    ["Map in a Command update", () => new Command({ update: { notes: hide() } }), []],
    ["Map in a message's additional_kwargs", () => ({ messages: [new AIMessage({ content: "fine", additional_kwargs: { m: hide() } as any })] }), []],
    ["Map in a claim's meta", () => ({ claims: [claim("fine", { meta: { m: hide() } })] }), []],
    ["toJSON inside a Send payload", () => new Command({ goto: [new Send("sink", { data: { real: BAD, toJSON: () => "benign" } })] }), ["sink"]],
    ["Symbol-keyed property in a message's additional_kwargs", () => ({ messages: [new AIMessage({ content: "fine", additional_kwargs: { o: { [Symbol("s")]: BAD } } as any })] }), []],
  ];
  for (const [name, make, ends] of places) {
    it(name, async () => {
      let sinkSaw: unknown;
      const b: any = new StateGraph(State)
        .addNode("p", (() => make()) as any, { ends: ["sink", END] })
        .addNode("sink", (s: any) => { sinkSaw = s.data; return {}; })
        .addEdge(START, "p").addEdge("sink", END);
      if (!ends.length) b.addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
      let out: any;
      try { out = await b.compile().invoke({ intent: "describe" }); } catch (e) { expect(e).toBeInstanceOf(GuardExhaustedError); return; }
      const { guardRecords: _r, ...rest } = out;
      expect(deepContains(rest, BAD) || deepContains(sinkSaw, BAD), "BAD committed / delivered unseen by the judge").toBe(false);
    }, 20_000);
  }

  it("prototype pollution through a JSON-parsed __proto__ key does not reach Object.prototype", async () => {
    const b: any = new StateGraph(State).addNode("p", () => ({ notes: JSON.parse(`{"__proto__": {"pollutedByAttempt": "${BAD}"}, "a": 1}`) })).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    try { await b.compile().invoke({ intent: "describe" }); } catch { /* fine */ }
    expect(({} as any).pollutedByAttempt).toBeUndefined();
  }, 20_000);

  it("NaN / Infinity are shown to the judge as themselves (or blocked), not as null", async () => {
    const seen: string[] = [];
    const { ScriptedChatModel } = await import("../../../src/testing/index.js");
    const { dataBlock } = await import("../support/judges.js");
    const judge = new ScriptedChatModel({ label: "scripted recording judge", script: ({ messages }) => { const its: any[] = dataBlock(messages[messages.length - 1], "claims_under_review") ?? []; seen.push(...its.map((i) => i.text)); return { structured: { verdicts: its.map((i) => ({ claim_id: i.id, verdict: "green", reasons: ["scripted"] })) } }; } });
    const b: any = new StateGraph(State).addNode("p", () => ({ data: { ratio: Infinity, other: NaN } })).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judge }), maxAttempts: 1, onExhausted: "degrade" });
    let out: any;
    try { out = await b.compile().invoke({ intent: "describe" }); } catch { return; }
    if (out.data?.ratio === Infinity) expect(seen.join(" "), "judge was shown null for Infinity").toMatch(/Infinity/);
  }, 20_000);

  it("deep nesting (200 levels) hides nothing from the judge", async () => {
    const b: any = new StateGraph(State).addNode("p", () => { let o: any = { v: BAD }; for (let i = 0; i < 200; i++) o = { o }; return { notes: o }; }).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    let out: any;
    try { out = await b.compile().invoke({ intent: "describe" }); } catch (e) { expect(e).toBeInstanceOf(GuardExhaustedError); return; }
    expect(deepContains(out.notes, BAD)).toBe(false);
  }, 20_000);

  it("5,000 keys with BAD in the last one hides nothing from the judge", async () => {
    const b: any = new StateGraph(State).addNode("p", () => { const o: any = {}; for (let i = 0; i < 5000; i++) o[`k${i}`] = "padding text"; o.zlast = BAD; return { notes: o }; }).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    let out: any;
    try { out = await b.compile().invoke({ intent: "describe" }); } catch (e) { expect(e).toBeInstanceOf(GuardExhaustedError); return; }
    expect(deepContains(out.notes, BAD)).toBe(false);
  }, 20_000);
});

describe("types: non-data (function, cycle, symbol) in other places is blocked before review", () => {
  const fn = () => BAD;
  const cyc = () => { const o: any = { t: "x" }; o.self = o; return o; };
  const places: Array<[string, () => unknown]> = [
    ["function in a Send payload", () => new Command({ goto: [new Send("sink", { data: { f: fn } })] })],
    ["cycle in a Send payload", () => new Command({ goto: [new Send("sink", { data: cyc() })] })],
    ["function in a Command update", () => new Command({ update: { notes: { f: fn } } })],
    ["Symbol value in a plain channel", () => ({ notes: Symbol(BAD) })],
    ["Symbol value nested in an object", () => ({ notes: { s: Symbol(BAD) } })],
    ["function in a claim's meta", () => ({ claims: [claim("fine", { meta: { f: fn } })] })],
  ];
  for (const [name, make] of places) {
    it(name, async () => {
      let sinkSaw: unknown;
      const b: any = new StateGraph(State)
        .addNode("p", (() => make()) as any, { ends: ["sink", END] })
        .addNode("sink", (s: any) => { sinkSaw = s.data; return {}; })
        .addEdge(START, "p").addEdge("p", END).addEdge("sink", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail" });
      let out: any, err: any;
      try { out = await b.compile().invoke({ intent: "describe" }); } catch (e) { err = e; }
      expect(err, `not blocked: committed ${String(out?.notes ?? sinkSaw)}`).toBeInstanceOf(GuardExhaustedError);
      expect(err.record?.attempts?.[0]?.invalidUpdate ?? "blocked-before-review?", "blocked, but only after review").toBeTruthy();
    }, 20_000);
  }
});
