/**
 * Guarantees attacked on the real PostgreSQL checkpointer (createCheckpointer): "With a
 * checkpointer, a process killed during Challenge resumes into Challenge without re-running the
 * producer, and a human escalation survives a restart"; "no checkpoint of the parent sees an
 * attempt before its verdict"; nothing outside the audit trail names what was blocked.
 * The in-process analogue of a kill is an AbortSignal (the first tester's SIGKILL tests exist).
 * Judges are SCRIPTED. Needs DATABASE_URL (defaults to the local test server); unique schema, dropped after.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { StateGraph, START, END, Command } from "@langchain/langgraph";
import { createCheckpointer, type Checkpointer } from "../../../checkpointers/index.js";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { State, judgeBad, BAD, claim, leaks, sleep } from "../attacks/common.js";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `atk2_${process.pid}_${Date.now().toString(36)}`;
let cp: Checkpointer;

beforeAll(async () => { cp = await createCheckpointer({ url, schema, log: () => {} }); }, 30_000);
afterAll(async () => {
  try { await cp.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); } finally { await cp.close(); }
}, 30_000);

describe("PostgreSQL checkpointer", () => {
  it("aborted during Challenge of attempt 2 (after a block), resumed by a new compiled graph: producer not re-run, one record, two attempts", async () => {
    let runs = 0, evidenceCalls = 0;
    const build = () => {
      const b: any = new StateGraph(State).addNode("p", () => (++runs === 1 ? { notes: BAD } : { notes: "ok" })).addNode("next", () => ({})).addEdge(START, "p").addEdge("p", "next").addEdge("next", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad(), evidence: async () => { evidenceCalls++; if (evidenceCalls === 2) await sleep(1500); return []; } }), maxAttempts: 3, onExhausted: "fail" });
      return b.compile({ checkpointer: cp.saver });
    };
    const cfg = { configurable: { thread_id: "pg-abort" } };
    const ac = new AbortController();
    const t = setInterval(() => { if (evidenceCalls === 2) { clearInterval(t); setTimeout(() => ac.abort(), 50); } }, 5);
    try { await build().invoke({ intent: "t", notes: "before" }, { ...cfg, signal: ac.signal, durability: "sync" } as any); } catch { /* aborted */ }
    clearInterval(t);
    expect(runs).toBe(2);
    const mid = await build().getState(cfg);
    expect(mid.values.notes).toBe("before");
    expect(leaks(mid.values)).toBe(false);
    const out: any = await build().invoke(null, { ...cfg, durability: "sync" } as any);
    expect(runs, "the producer re-ran after resume").toBe(2);
    expect(out.notes).toBe("ok");
    expect(out.guardRecords.length).toBe(1);
    expect(out.guardRecords[0].attempts.length).toBe(2);
  }, 30_000);

  it("an escalation survives a 'restart' (new checkpointer on the same schema): approve commits exactly the packet's update, once", async () => {
    let runs = 0;
    const build = (saver: any) => {
      const b: any = new StateGraph(State).addNode("p", () => { runs++; return { notes: `${BAD} v1`, claims: [claim(`c ${BAD}`)] }; }).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "interrupt" });
      return b.compile({ checkpointer: saver });
    };
    const cfg = { configurable: { thread_id: "pg-esc" } };
    await build(cp.saver).invoke({ intent: "t", notes: "before" }, { ...cfg, durability: "sync" } as any);
    const cp2 = await createCheckpointer({ url, schema, log: () => {} });
    try {
      const g2 = build(cp2.saver);
      const snap = await g2.getState(cfg);
      const packet: any = snap.tasks.flatMap((x: any) => x.interrupts ?? [])[0]?.value;
      expect(packet?.kind).toBe("firebreak/guard-escalation");
      expect(snap.values.notes).toBe("before");
      const out: any = await g2.invoke(new Command({ resume: { action: "approve" } }), { ...cfg, durability: "sync" } as any);
      expect(runs).toBe(1);
      expect(out.notes).toBe(packet.proposedUpdate.notes);
      expect(out.guardRecords.map((r: any) => r.outcome)).toEqual(["approved"]);
    } finally { await cp2.close(); }
  }, 30_000);

  it("raw parent-namespace rows (checkpoints, blobs, writes) never carry a blocked attempt; the guard's own namespaces are the only place", async () => {
    let n = 0;
    const b: any = new StateGraph(State).addNode("p", () => (++n === 1 ? { notes: BAD, claims: [claim(`c ${BAD}`)] } : { notes: "ok" })).addNode("next", () => ({})).addEdge(START, "p").addEdge("p", "next").addEdge("next", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail" });
    const g = b.compile({ checkpointer: cp.saver });
    const cfg = { configurable: { thread_id: "pg-raw" } };
    await g.invoke({ intent: "t" }, { ...cfg, durability: "sync" } as any);
    const q = async (table: string, col: string) => (await cp.pool.query(`SELECT checkpoint_ns, ${col} AS v FROM "${schema}".${table} WHERE thread_id = $1`, ["pg-raw"])).rows;
    const bad: string[] = [];
    let examined = 0;
    for (const [table, col, skip] of [["checkpoints", "checkpoint::text", ""], ["checkpoint_blobs", "channel || ':' || encode(blob, 'escape')", "guardRecords:"], ["checkpoint_writes", "channel || ':' || encode(blob, 'escape')", "guardRecords:"]] as const) {
      for (const r of await q(table, col)) {
        if (r.checkpoint_ns !== "") continue;
        examined++;
        const v = String(r.v);
        if (skip && v.startsWith(skip)) continue;
        if (v.includes(BAD) && !v.includes("firebreak/guard-record")) bad.push(`${table}: ${v.slice(0, 160)}`);
      }
    }
    expect(examined).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  }, 30_000);

  it("getState({ subgraphs: true }) on PostgreSQL while the retry waits on the producer's own interrupt: the parent's values are clean, the guard's namespace holds the attempt (documented)", async () => {
    const { interrupt } = await import("@langchain/langgraph");
    const b: any = new StateGraph(State).addNode("p", (_s: any, config: any) => {
      if (!config?.configurable?.firebreak_guard_feedback) return { notes: BAD };
      const v = interrupt({ q: "ok?" });
      return { notes: `fine ${v}` };
    }).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 3, onExhausted: "fail" });
    const g = b.compile({ checkpointer: cp.saver });
    const cfg = { configurable: { thread_id: "pg-sub" } };
    await g.invoke({ intent: "t" }, { ...cfg, durability: "sync" } as any);
    const snap = await g.getState(cfg, { subgraphs: true });
    expect(snap.tasks.some((x: any) => x.interrupts?.length)).toBe(true);
    // README: the guard's own subgraph checkpoint keeps the attempt; the parent's values never do.
    expect(leaks(snap.values), "the parent's values carry the blocked attempt").toBe(false);
    expect(leaks((snap.tasks.find((x: any) => x.name === "p") as any)?.state)).toBe(true);
  }, 30_000);
});
