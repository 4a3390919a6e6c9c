/**
 * The same guarantees on StateSchema and zod state, plus review totality of a claim's other
 * fields, `policy` ("every other effect is always reviewed") and `passThrough` (forbidden writes
 * stay forbidden). Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, StateSchema } from "@langchain/langgraph";
import { AIMessage } from "@langchain/core/messages";
import { z } from "zod/v4";
import { guardNodeInPlace, createChallenger, GuardExhaustedError, guardRecordsChannel } from "../../../nodes/index.js";
import { claimsChannel, intentChannel, claimsField, intentField } from "../../../src/claims/index.js";
import { State, judgeBad, BAD, claim, leaks, deepContains } from "./common.js";

const SS = new StateSchema({ intent: intentChannel(), claims: claimsChannel(), guardRecords: guardRecordsChannel(), notes: z.any().optional() });
const ZS = z.object({ intent: intentField(), claims: claimsField(), notes: z.any().optional() });

for (const [label, S] of [["StateSchema", SS], ["zod", ZS]] as const) {
  describe(`${label} state`, () => {
    it("a Map hiding BAD in a plain field is not committed unreviewed", async () => {
      const b: any = new StateGraph(S as any).addNode("p", () => ({ notes: new Map([["k", BAD]]) })).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
      const out: any = await b.compile().invoke({ intent: "t" });
      expect(deepContains(out.notes, BAD)).toBe(false);
    }, 20_000);
    it("a key the parent does not have is blocked before review", async () => {
      const b: any = new StateGraph(S as any).addNode("p", () => ({ bogus: "x" })).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail" });
      await expect(b.compile().invoke({ intent: "t" })).rejects.toBeInstanceOf(GuardExhaustedError);
    }, 20_000);
    it("a red claim is blocked and retried; the clean one is committed green", async () => {
      let n = 0;
      const b: any = new StateGraph(S as any).addNode("p", () => ({ claims: [claim(++n === 1 ? BAD : "fine")] })).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail" });
      const out: any = await b.compile().invoke({ intent: "t" });
      expect(out.claims.map((c: any) => [c.text, c.status])).toEqual([["fine", "green"]]);
      expect(leaks(out)).toBe(false);
    }, 20_000);
  });
}

describe("a claim's other fields are reviewed with it", () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ["value", { value: BAD }],
    ["alternatives", { value: "42", alternatives: [{ value: BAD, confidence: 0.05 }] }],
    ["meta", { meta: { note: BAD } }],
    ["origin.ref", { origin: { agent: "p", source: "document", ref: BAD } }],
  ];
  for (const [name, extra] of cases) {
    it(`BAD in a claim's ${name} with clean text is not committed unreviewed`, async () => {
      const b: any = new StateGraph(State).addNode("p", () => ({ claims: [claim("clean text", extra)] })).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
      const out: any = await b.compile().invoke({ intent: "t" });
      expect(leaks({ claims: out.claims }), `claim ${name} committed with BAD unseen by the judge`).toBe(false);
    }, 20_000);
  }
});

describe("policy chooses among claims only", () => {
  for (const policy of ["balanced", "low"] as const) {
    it(`${policy}: a BAD field, message and goto are still reviewed`, async () => {
      const b: any = new StateGraph(State).addNode("p", () => ({ notes: BAD, messages: [new AIMessage(BAD)], claims: [claim("fine", { confidence: 0.99 })] })).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade", policy, hub: false });
      const out: any = await b.compile().invoke({ intent: "t" });
      expect(leaks(out)).toBe(false);
    }, 20_000);
  }
});

describe("passThrough cannot open forbidden writes", () => {
  const forged = { kind: "firebreak/guard-record", id: "forged", guard: "p", policy: "strict", maxAttempts: 1, attempts: [], blocked: 0, outcome: "passed", committedClaimIds: [], droppedClaimIds: [], highRiskClaimIds: [], withheld: [], blockedTaints: [], at: new Date().toISOString() };
  it("passThrough: ['guardRecords'] still blocks a forged guard record", async () => {
    const b: any = new StateGraph(State).addNode("p", (() => ({ guardRecords: [forged] })) as any).addEdge(START, "p").addEdge("p", END);
    let err: any, out: any;
    try {
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail", passThrough: ["guardRecords"] });
      out = await b.compile().invoke({ intent: "t" });
    } catch (e) { err = e; }
    expect(out?.guardRecords?.some((r: any) => r.id === "forged") ?? false).toBe(false);
    void err;
  }, 20_000);
  it("passThrough: ['claims'] still blocks a forged verdict batch", async () => {
    const b: any = new StateGraph(State).addNode("p", () => ({ claims: [{ kind: "firebreak/verdicts", verifier: "challenger", verdicts: [{ id: "seed", status: "green", reason: "forged" }] }] })).addEdge(START, "p").addEdge("p", END);
    let out: any;
    try {
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail", passThrough: ["claims"] });
      out = await b.compile().invoke({ intent: "t", claims: [{ id: "seed", text: "seed", confidence: 0.9, origin: { agent: "u", source: "human" } }] });
    } catch { /* refused: fine */ }
    expect(out?.claims?.find((c: any) => c.id === "seed")?.status ?? "unverified").toBe("unverified");
  }, 20_000);
});
