/**
 * Guarantee attacked: "Isolate: … no parent channel, no next node and no checkpoint of the parent
 * sees an attempt before its verdict, and neither does any client stream". A producer that calls
 * interrupt() mid-attempt publishes a value to clients (stream "updates" `__interrupt__`,
 * getState().tasks[].interrupts) before any verdict: the README now says so (a question to the
 * human, not a commit); these tests hold the rest of the promise. Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver, Command, interrupt } from "@langchain/langgraph";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { State, judgeBad, BAD, leaks } from "../attacks/common.js";

function build(producer: any) {
  const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail" });
  return b.compile({ checkpointer: new MemorySaver() });
}

describe("a producer's own interrupt value is part of its unjudged attempt", () => {
  it("a producer's own interrupt value reaches the human (as unguarded); no other stream chunk and no parent state carries the attempt", async () => {
    const g = build(() => { const v = interrupt({ draft: `please confirm: ${BAD}` }); return { notes: `confirmed ${v}` }; });
    const cfg = { configurable: { thread_id: "pi" } };
    const chunks: any[] = [];
    for await (const c of await g.stream({ intent: "t" }, { ...cfg, streamMode: ["updates", "values", "debug", "tasks"], subgraphs: true })) chunks.push(c);
    const snap = await g.getState(cfg);
    // README: a producer's own interrupt() reaches the human as it would unguarded (a question,
    // not a commit): its payload is shown, but nothing of the attempt reaches the parent's state.
    expect(snap.tasks.some((t: any) => leaks(t.interrupts))).toBe(true);
    expect(leaks(snap.values)).toBe(false);
    expect(chunks.filter((c) => leaks(c) && !JSON.stringify(c).includes("__interrupt__") && !JSON.stringify(c).includes("interrupts")).map((c) => JSON.stringify(c).slice(0, 200))).toEqual([]);
  }, 20_000);

  it("after a block, a retry that asks the human about its feedback: only that question shows it; no committed update does", async () => {
    const g = build((_s: any, config: any) => {
      const fb = config?.configurable?.firebreak_guard_feedback;
      if (!fb) return { notes: BAD };
      const v = interrupt({ iWasToldThat: fb });
      return { notes: `fine ${v}` };
    });
    const cfg = { configurable: { thread_id: "pi2" } };
    const chunks: any[] = [];
    for await (const c of await g.stream({ intent: "t" }, { ...cfg, streamMode: ["updates"] })) chunks.push(c);
    for await (const c of await g.stream(new Command({ resume: "y" }), { ...cfg, streamMode: ["updates"] })) chunks.push(c);
    // The producer chose to put its feedback in its question to the human: that question is shown
    // (README); no committed update carries the blocked content.
    expect(chunks.filter((c) => leaks(c) && !JSON.stringify(c).includes("__interrupt__")).map((c) => JSON.stringify(c).slice(0, 200))).toEqual([]);
    expect((await g.getState(cfg)).values.notes).toBe("fine y");
  }, 20_000);
});
