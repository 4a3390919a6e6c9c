/**
 * Guarantees attacked: Degrade by identity ("the record's withheld lists each place"; the note
 * left behind must not name what was blocked — "nothing else does"); Recover ("every parent
 * channel deep-equals its value before the producer ran": a blocked write must not even collide
 * with a sibling's write); nested guards; concurrent invokes of one compiled graph; a caller's
 * AbortSignal mid-challenge (nothing half-committed). Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver, Send, Command } from "@langchain/langgraph";
import { AIMessage, HumanMessage, RemoveMessage } from "@langchain/core/messages";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { dataBlock } from "../support/judges.js";
import { State, judgeBad, BAD, claim, leaks, sleep } from "../attacks/common.js";

function one(producer: any, guard: any = {}, cp = false) {
  const b: any = new StateGraph(State).addNode("p", producer, { ends: ["sink", END] }).addNode("sink", () => ({})).addEdge(START, "p").addEdge("sink", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade", ...guard });
  return b.compile(cp ? { checkpointer: new MemorySaver() } : {});
}

describe("degrade: what is left behind names nothing blocked", () => {
  const cases: Array<[string, () => unknown]> = [
    ["a red claim whose id carries the text", () => ({ claims: [claim("fine A", { id: `c-${BAD}` }), claim(`x ${BAD}`, { id: `d-${BAD}` }), claim("fine B")] })],
    ["a red message whose id carries the text", () => ({ messages: [new AIMessage({ content: `m ${BAD}`, id: `m-${BAD}` })], notes: "ok" })],
    ["a red message whose name carries the text", () => ({ messages: [new AIMessage({ content: `m ${BAD}`, name: `n-${BAD}` })], notes: "ok" })],
    ["a red tool call whose id/name carry the text", () => ({ messages: [new AIMessage({ content: "calls", tool_calls: [{ id: `tc-${BAD}`, name: `t_${BAD}`, args: {} }] })] })],
    ["a red Send whose payload carries the text", () => new Command({ goto: [new Send("sink", { data: BAD })] })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: the degraded state (note included) does not quote it`, async () => {
      let out: any;
      try { out = await one(make as any).invoke({ intent: "t", messages: [new HumanMessage({ content: "q", id: "h1" })] }); } catch (e: any) { expect(String(e?.message)).not.toContain(BAD); return; }
      const notes = (out.messages ?? []).filter((m: any) => m.id !== "h1").map((m: any) => JSON.stringify(m));
      expect(leaks(out), `left behind: ${notes.join(" | ").slice(0, 400)}`).toBe(false);
      expect(out.guardRecords.at(-1).outcome).toBe("degraded");
    }, 20_000);
  }

  it("a later producer's RemoveMessage of the guard's own degrade note is a reviewed item (a red verdict keeps the note)", async () => {
    const judge = new ScriptedChatModel({ label: "scripted judge: red on removals and on BAD", script: ({ messages }) => {
      const its: any[] = dataBlock(messages[messages.length - 1], "claims_under_review") ?? [];
      return { structured: { verdicts: its.map((i) => ({ claim_id: i.id, verdict: /remov|delet/i.test(i.text) || JSON.stringify(i).includes(BAD) ? "red" : "green", reasons: ["scripted"] })) } };
    } });
    let noteId: string | undefined;
    const b: any = new StateGraph(State)
      .addNode("a", () => ({ messages: [new AIMessage(`a ${BAD}`)] }))
      .addNode("c", (s: any) => { noteId = s.messages.at(-1)?.id; return { messages: noteId ? [new RemoveMessage({ id: noteId })] : [] }; })
      .addEdge(START, "a").addEdge("a", "c").addEdge("c", END);
    guardNodeInPlace(b, "a", { challenger: createChallenger({ model: judge }), maxAttempts: 1, onExhausted: "degrade" });
    guardNodeInPlace(b, "c", { challenger: createChallenger({ model: judge }), maxAttempts: 1, onExhausted: "degrade" });
    const out: any = await b.compile().invoke({ intent: "t" });
    expect(noteId, "degrade left no note in messages (nothing to attack)").toBeTruthy();
    expect(out.messages.some((m: any) => m.id === noteId), "the guard's note was removed without a green verdict").toBe(true);
  }, 20_000);
});


describe("a blocked write does not exist, even for channel conflicts", () => {
  it("two guards write the same last-value channel in one superstep; one is blocked (degrade): no InvalidUpdateError, the passing write lands", async () => {
    const b: any = new StateGraph(State)
      .addNode("a", () => ({ notes: BAD })).addNode("b", () => ({ notes: "from b" }))
      .addEdge(START, "a").addEdge(START, "b").addEdge("a", END).addEdge("b", END);
    guardNodeInPlace(b, "a", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    guardNodeInPlace(b, "b", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    let out: any, err: any;
    try { out = await b.compile().invoke({ intent: "t" }); } catch (e) { err = e; }
    expect(err?.message, "the withheld write still collided with the sibling's").toBeUndefined();
    expect(out.notes).toBe("from b");
  }, 20_000);

  it("a guarded node blocked then retried (fail mode, pass on attempt 2) next to an unguarded writer of the same channel in one superstep", async () => {
    let n = 0;
    const b: any = new StateGraph(State)
      .addNode("a", () => (++n === 1 ? { data: BAD } : { notes: "a ok" })).addNode("u", () => ({ data: "from u" }))
      .addEdge(START, "a").addEdge(START, "u").addEdge("a", END).addEdge("u", END);
    guardNodeInPlace(b, "a", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail" });
    let out: any, err: any;
    try { out = await b.compile().invoke({ intent: "t" }); } catch (e) { err = e; }
    expect(err?.message).toBeUndefined();
    expect(out.data).toBe("from u");
    expect(out.notes).toBe("a ok");
  }, 20_000);
});

describe("nested guards", () => {
  it("a guarded node whose producer is a compiled graph with its own guard: inner blocked content never reaches the parent", async () => {
    let n = 0;
    const ib: any = new StateGraph(State).addNode("inner", () => (++n === 1 ? { claims: [claim(`inner ${BAD}`)], notes: BAD } : { claims: [claim("inner fine")] })).addEdge(START, "inner").addEdge("inner", END);
    guardNodeInPlace(ib, "inner", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail" });
    const innerGraph = ib.compile();
    const b: any = new StateGraph(State).addNode("outer", innerGraph).addEdge(START, "outer").addEdge("outer", END);
    guardNodeInPlace(b, "outer", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    const chunks: any[] = [];
    let out: any;
    for await (const c of await b.compile().stream({ intent: "t" }, { streamMode: ["values", "updates", "custom", "messages"], subgraphs: true })) { chunks.push(c); if (c[0].length === 0 && c[1] === "values") out = c[2]; }
    expect(chunks.filter((c) => leaks(c)).map((c) => JSON.stringify(c).slice(0, 200))).toEqual([]);
    expect(leaks(out)).toBe(false);
    // the inner guard's record travels in the inner graph's returned state; the outer guard must not let it
    // arrive as a forged record: every record in the parent names a guard that ran in the parent
    expect(out.guardRecords.map((r: any) => r.guard)).toEqual(["outer"]);
  }, 20_000);
});

describe("concurrency on one compiled graph", () => {
  it("8 concurrent invokes with different payloads (half always red): each result is its own, nothing red anywhere", async () => {
    const b: any = new StateGraph(State).addNode("p", async (s: any) => { await sleep(5 + (s.data.i % 3) * 7); return { notes: s.data.red ? `${BAD} ${s.data.i}` : `ok ${s.data.i}`, claims: [claim(s.data.red ? `c ${BAD}` : `c ${s.data.i}`)] }; }).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad(), evidence: async () => { await sleep(10); return []; } }), maxAttempts: 2, onExhausted: "degrade" });
    const g = b.compile({ checkpointer: new MemorySaver() });
    const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => g.invoke({ intent: `t${i}`, data: { i, red: i % 2 === 0 } }, { configurable: { thread_id: `c${i}` } })));
    outs.forEach((o: any, i: number) => {
      expect(leaks(o)).toBe(false);
      if (i % 2) { expect(o.notes).toBe(`ok ${i}`); expect(o.claims.map((c: any) => c.text)).toEqual([`c ${i}`]); }
      else { expect(o.notes).toBeUndefined(); expect(o.guardRecords[0].outcome).toBe("degraded"); }
      expect(o.guardRecords.length).toBe(1);
    });
  }, 20_000);
});

describe("a caller's AbortSignal mid-challenge", () => {
  for (const cp of [false, true]) {
    it(`aborted while the judge works (checkpointer=${cp}): the call rejects, nothing of the attempt is committed, no next node ran`, async () => {
      let nextRan = false;
      const slowJudge = judgeBad();
      const b: any = new StateGraph(State).addNode("p", () => ({ notes: "pending", claims: [claim("pending claim")] })).addNode("next", () => { nextRan = true; return {}; }).addEdge(START, "p").addEdge("p", "next").addEdge("next", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: slowJudge, evidence: async () => { await sleep(300); return []; } }), maxAttempts: 1, onExhausted: "fail" });
      const g = b.compile(cp ? { checkpointer: new MemorySaver() } : {});
      const cfg = { configurable: { thread_id: "ab" } };
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 80);
      const chunks: any[] = [];
      let err: any;
      try { for await (const c of await g.stream({ intent: "t", notes: "before" }, { ...cfg, signal: ac.signal, streamMode: ["values", "updates"] })) chunks.push(c); } catch (e) { err = e; }
      expect(err).toBeTruthy();
      expect(nextRan).toBe(false);
      expect(chunks.filter((c) => JSON.stringify(c).includes("pending")).length, "a stream chunk showed the unjudged attempt").toBe(0);
      if (cp) {
        const s = (await g.getState(cfg)).values;
        expect(s.notes).toBe("before");
        expect(s.claims ?? []).toEqual([]);
        expect(s.guardRecords ?? []).toEqual([]);
      }
      await sleep(400); // the abandoned challenge finishing later must not write anywhere
      if (cp) expect((await g.getState(cfg)).values.notes).toBe("before");
      expect(nextRan).toBe(false);
    }, 20_000);
  }
});
