/**
 * Performance cliffs with huge attempts: does the guard's own cost stay bounded (roughly linear
 * in the size of the attempt) — the README's cost table is for small handoffs, and a guard whose
 * cost grows quadratically turns one big producer output into a stalled graph. Also: a 1 MB
 * string and 10k parent messages stay cheap; a huge attempt still hides nothing. Judges SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END } from "@langchain/langgraph";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { scriptedJudge } from "../support/judges.js";
import { State, claim, judgeBad, BAD } from "../attacks/common.js";

async function timed(producer: any, input: any, guarded: boolean, model: any = scriptedJudge(() => "green")) {
  const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
  if (guarded) guardNodeInPlace(b, "p", { challenger: createChallenger({ model }), maxAttempts: 1, onExhausted: "degrade" });
  const g = b.compile();
  const t0 = performance.now();
  const out = await g.invoke(input);
  return { ms: performance.now() - t0, out };
}

describe("the guard's cost grows with the attempt, not with its square", () => {
  it("×11.7 the claims (300 → 3,500) costs a clean guarded handoff at most ×25 the time (linear ≤ ×11.7; quadratic ×136)", async () => {
    const mk = (n: number) => () => ({ claims: Array.from({ length: n }, (_, i) => claim(`c${i}`)) });
    await timed(mk(50), { intent: "t" }, true); // warm-up
    let small = Infinity;
    for (let i = 0; i < 3; i++) small = Math.min(small, (await timed(mk(300), { intent: "t" }, true)).ms); // best of 3 (shared machine)
    const big = await timed(mk(3500), { intent: "t" }, true);
    const plain = await timed(mk(3500), { intent: "t" }, false);
    expect(big.out.claims.length).toBe(3500);
    const ratio = big.ms / small;
    expect(ratio, `300 claims ${small.toFixed(0)} ms, 3500 claims ${big.ms.toFixed(0)} ms guarded (unguarded 3500: ${plain.ms.toFixed(0)} ms): ×${ratio.toFixed(1)}`).toBeLessThan(25);
  }, 40_000);

  // Sizes, not seconds: the history ×10 costs a guarded handoff at most ×25 (linear ×10, quadratic ×100),
  // so machine load (which scales both runs alike) cannot fail it.
  it("a handoff adding one message to a history ×10 as long (1k → 10k messages) costs at most ×25 the time", async () => {
    const hist = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? new AIMessage({ content: `a${i}`, id: `a${i}` }) : new HumanMessage({ content: `h${i}`, id: `h${i}` })));
    const add = () => ({ messages: [new AIMessage("hi")] });
    await timed(add, { intent: "t", messages: hist(200) }, true); // warm-up
    let small = Infinity;
    for (let i = 0; i < 3; i++) small = Math.min(small, (await timed(add, { intent: "t", messages: hist(1_000) }, true)).ms); // best of 3 (shared machine)
    const big = await timed(add, { intent: "t", messages: hist(10_000) }, true);
    expect(big.out.messages.length).toBe(10_001);
    expect(big.ms / small, `1k messages ${small.toFixed(0)} ms, 10k ${big.ms.toFixed(0)} ms`).toBeLessThan(25);
  }, 40_000);

  it("a 1 MB string with BAD in the middle is judged whole (nothing truncated away) and stays cheap", async () => {
    const big = "x".repeat(500_000) + BAD + "y".repeat(500_000);
    const r = await timed(() => ({ notes: big }), { intent: "t" }, true, judgeBad());
    expect(r.out.notes, "the 1 MB value was truncated before review and the middle slipped through").toBeUndefined();
    expect(r.ms).toBeLessThan(3000);
  }, 20_000);

  it("2,000 added messages with BAD only in the last: the last one is judged and withheld", async () => {
    const r = await timed(() => ({ messages: Array.from({ length: 2_000 }, (_, i) => new AIMessage({ content: i === 1_999 ? `m ${BAD}` : `m${i}`, id: `n${i}` })) }), { intent: "t" }, true, judgeBad());
    expect((r.out.messages ?? []).some((m: any) => String(m.content).includes(BAD))).toBe(false);
  }, 30_000);
});
