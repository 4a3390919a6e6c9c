/**
 * Guarantee attacked: "The guard's audit trail — the guardRecords channel, the firebreak/bicr
 * events and the escalation packet — names what it blocked; nothing else does." Other places a
 * blocked attempt could be named: the GuardExhaustedError's message (which reaches the
 * "tasks"/"debug" streams as the task error), the degrade/reject note left in `messages`, and
 * the streams around an escalation. Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver, Command } from "@langchain/langgraph";
import { AIMessage } from "@langchain/core/messages";
import { guardNodeInPlace, createChallenger, GuardExhaustedError } from "../../../nodes/index.js";
import { State, judgeBad, BAD, claim, leaks } from "./common.js";

const modes = ["messages", "updates", "values", "custom", "debug", "tasks", "checkpoints"] as const;

function g(mode: "fail" | "degrade" | "interrupt", cp = true) {
  const b: any = new StateGraph(State).addNode("p", () => ({ claims: [claim(`says ${BAD}`), claim("says fine")], messages: [new AIMessage(`msg ${BAD}`)], notes: `note ${BAD}` })).addEdge(START, "p").addEdge("p", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: mode });
  return b.compile(cp ? { checkpointer: new MemorySaver() } : {});
}

describe("nothing but the audit trail names what was blocked", () => {
  it("fail: the GuardExhaustedError's message does not quote the blocked content", async () => {
    let err: any;
    try { await g("fail", false).invoke({ intent: "t" }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(GuardExhaustedError);
    expect(String(err.message).includes(BAD), `error message: ${String(err.message).slice(0, 200)}`).toBe(false);
  }, 20_000);

  for (const subgraphs of [false, true]) {
    it(`fail: no stream chunk (tasks/debug error included) quotes the blocked content (subgraphs=${subgraphs})`, async () => {
      const chunks: unknown[] = [];
      try { for await (const c of await g("fail").stream({ intent: "t" }, { streamMode: [...modes], subgraphs, configurable: { thread_id: "f" } } as any)) chunks.push(c); } catch { /* expected */ }
      expect(chunks.filter((c) => leaks(c)).map((c) => JSON.stringify(c).slice(0, 300))).toEqual([]);
    }, 20_000);
  }

  it("degrade: the note left in messages does not quote the withheld content", async () => {
    const out: any = await g("degrade").invoke({ intent: "t" }, { configurable: { thread_id: "d" } });
    expect(out.messages.map((m: any) => String(m.content)).filter((t: string) => t.includes(BAD))).toEqual([]);
    expect(leaks(out)).toBe(false);
  }, 20_000);

  it("interrupt → reject: streams around the escalation carry nothing but the packet", async () => {
    const graph = g("interrupt");
    const cfg = { configurable: { thread_id: "esc" } };
    const chunks: unknown[] = [];
    for await (const c of await graph.stream({ intent: "t" }, { ...cfg, streamMode: [...modes], subgraphs: true } as any)) chunks.push(c);
    for await (const c of await graph.stream(new Command({ resume: { action: "reject" } }), { ...cfg, streamMode: [...modes], subgraphs: true } as any)) chunks.push(c);
    expect(chunks.filter((c) => leaks(c)).map((c) => JSON.stringify(c).slice(0, 300))).toEqual([]);
    const out = (await graph.getState(cfg)).values;
    expect(leaks(out)).toBe(false);
  }, 20_000);
});
