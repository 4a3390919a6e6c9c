/**
 * Guarantees attacked: "With a checkpointer, a process killed during Challenge resumes into
 * Challenge without re-running the producer, and a human escalation survives a restart";
 * the nested handoff `Command.PARENT` "which the guard catches and holds"; passThrough naming.
 * The in-process analogue of a kill used here is an AbortSignal fired during the challenge.
 * Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver, Command, MessagesAnnotation } from "@langchain/langgraph";
import { guardNodeInPlace, createChallenger, GuardExhaustedError } from "../../../nodes/index.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { dataBlock } from "../support/judges.js";
import { State, judgeBad, BAD, claim, leaks, sleep } from "./common.js";

describe("durability", () => {
  it("aborted during Challenge, then resumed: the producer is not re-run and the attempt is judged", async () => {
    let runs = 0;
    let evidenceCalls = 0;
    const saver = new MemorySaver();
    const build = () => {
      const b: any = new StateGraph(State).addNode("p", () => { runs++; return { claims: [claim("fine")] }; }).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad(), evidence: async () => { evidenceCalls++; if (evidenceCalls === 1) await sleep(400); return []; } }), maxAttempts: 3, onExhausted: "fail" });
      return b.compile({ checkpointer: saver });
    };
    const cfg = { configurable: { thread_id: "abort" } };
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    try { await build().invoke({ intent: "t" }, { ...cfg, signal: ac.signal, durability: "sync" } as any); } catch { /* aborted */ }
    expect(runs).toBe(1);
    const out: any = await build().invoke(null, { ...cfg, durability: "sync" } as any);
    expect(runs, "producer re-ran after resume").toBe(1);
    expect(out.claims.map((c: any) => c.text)).toEqual(["fine"]);
    expect(out.guardRecords.length).toBe(1);
    expect(out.guardRecords[0].attempts.length).toBe(1);
  }, 20_000);

  it("a human escalation survives a 'restart' (new compiled graph on the same saver)", async () => {
    const saver = new MemorySaver();
    const build = () => {
      const b: any = new StateGraph(State).addNode("p", () => ({ notes: BAD })).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "interrupt" });
      return b.compile({ checkpointer: saver });
    };
    const cfg = { configurable: { thread_id: "esc" } };
    await build().invoke({ intent: "t", notes: "before" }, cfg);
    const out: any = await build().invoke(new Command({ resume: { action: "reject" } }), cfg);
    expect(out.notes).toBe("before");
    expect(out.guardRecords.length).toBe(1);
    expect(out.guardRecords[0].outcome).toBe("rejected");
  }, 20_000);
});

describe("nested handoffs", () => {
  it("a compiled-subgraph producer whose inner node returns Command.PARENT with BAD is held and judged", async () => {
    const inner = new StateGraph(MessagesAnnotation)
      .addNode("tool", () => new Command({ graph: Command.PARENT, goto: "other", update: { notes: BAD } }), { ends: [] })
      .addEdge(START, "tool").compile();
    const b: any = new StateGraph(State).addNode("p", inner, { ends: ["other", END] }).addNode("other", (s: any) => ({ data: `other saw ${s.notes}` })).addEdge(START, "p").addEdge("other", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    let out: any;
    try { out = await b.compile().invoke({ intent: "t" }); } catch (e) { expect(e).toBeInstanceOf(GuardExhaustedError); return; }
    expect(leaks(out)).toBe(false);
  }, 20_000);

  it("a nested Command.PARENT with a clean update and a route is judged and then honoured", async () => {
    const inner = new StateGraph(MessagesAnnotation)
      .addNode("tool", () => new Command({ graph: Command.PARENT, goto: "other", update: { notes: "handoff" } }), { ends: [] })
      .addEdge(START, "tool").compile();
    const b: any = new StateGraph(State).addNode("p", inner, { ends: ["other", END] }).addNode("other", (s: any) => ({ data: `other saw ${s.notes}` })).addEdge(START, "p").addEdge("other", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail" });
    const out: any = await b.compile().invoke({ intent: "t" });
    expect(out.data).toBe("other saw handoff");
    const items = out.guardRecords[0].attempts[0].claims.map((c: any) => c.kind);
    expect(items).toEqual(expect.arrayContaining(["field", "route"]));
  }, 20_000);
});

describe("passThrough", () => {
  it("a counter not named in passThrough is reviewed (a red verdict on it blocks)", async () => {
    const judge = new ScriptedChatModel({ label: "scripted judge red on turn", script: ({ messages }) => { const its: any[] = dataBlock(messages[messages.length - 1], "claims_under_review") ?? []; return { structured: { verdicts: its.map((i) => ({ claim_id: i.id, verdict: /turn/.test(i.text) ? "red" : "green", reasons: ["scripted"] })) } }; } });
    const b: any = new StateGraph(State).addNode("p", () => ({ turn: 7 })).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judge }), maxAttempts: 1, onExhausted: "fail" });
    await expect(b.compile().invoke({ intent: "t" })).rejects.toBeInstanceOf(GuardExhaustedError);
  }, 20_000);
});
