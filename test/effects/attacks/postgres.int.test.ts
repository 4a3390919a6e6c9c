/**
 * Exactly-once attacks against a real PostgreSQL table whose primary key is the idempotency key (the docs' advice),
 * with the pack's PostgreSQL checkpointer: blocked → no row, passing → one row, retries/resumes never duplicate.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { Command, END, START, StateGraph, interrupt } from "@langchain/langgraph";
import pg from "pg";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { effectTool } from "langgraph-firebreak";
import { createCheckpointer } from "langgraph-firebreak/checkpointers";
import { guardNodeInPlace, readGuardFeedback } from "langgraph-firebreak/nodes";
import { State, claim, guardedGraph, judge, tid, uniqueName } from "./harness.js";

process.env["DATABASE_URL"] ??= "postgres://postgres@127.0.0.1:5432/test";
const table = `attack_fx_${process.pid}_${Date.now()}`;
const pool = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 2 });
let checkpointer: Awaited<ReturnType<typeof createCheckpointer>>;

beforeAll(async () => {
  await pool.query(`CREATE TABLE ${table} (key text PRIMARY KEY, payload text NOT NULL)`);
  checkpointer = await createCheckpointer();
});
afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
  await checkpointer?.close();
});

const rows = async (like: string) =>
  (await pool.query<{ payload: string }>(`SELECT payload FROM ${table} WHERE payload LIKE $1 ORDER BY payload`, [`${like}%`])).rows.map((r) => r.payload);

/** Inserts a row under the key (ON CONFLICT DO NOTHING): the table honours the key. `attempts` counts calls. */
function tableTools(prefix: string, hooks: { failRun?: () => boolean } = {}) {
  const calls = { run: 0, undo: 0, defer: 0 };
  const insert = async (key: string, payload: string) => pool.query(`INSERT INTO ${table} VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [key, payload]);
  const row = effectTool({
    name: uniqueName(`${prefix}_row`), description: "write a row", schema: z.object({ v: z.string() }), mode: "compensate",
    run: async ({ v }, { idempotencyKey }) => { calls.run++; await insert(idempotencyKey, `${prefix}:${v}`); return v; },
    compensate: async (_i, _r, { idempotencyKey }) => { calls.undo++; await pool.query(`DELETE FROM ${table} WHERE key = $1`, [idempotencyKey]); },
  });
  const report = effectTool({
    name: uniqueName(`${prefix}_report`), description: "publish", schema: z.object({ v: z.string() }), mode: "defer",
    run: async ({ v }, { idempotencyKey }) => {
      calls.defer++;
      await insert(idempotencyKey, `${prefix}:report:${v}`);
      if (hooks.failRun?.()) throw new Error("report service failed after writing");
      return v;
    },
  });
  return { row, report, calls };
}

describe("exactly once on a unique-key table", () => {
  it("blocked attempt: its row is deleted and its report never written; the passing attempt's are there exactly once", async () => {
    const p = `a${Date.now()}`;
    const { row, report } = tableTools(p);
    const { graph } = guardedGraph(async (_s, config) => {
      const tag = readGuardFeedback(config) ? "good" : "bad";
      await row.invoke({ v: tag }, config);
      await report.invoke({ v: tag }, config);
      return claim(tag);
    }, {}, checkpointer.saver);
    await graph.invoke({}, { configurable: { thread_id: tid("pg-block") } });
    expect(await rows(p)).toEqual([`${p}:good`, `${p}:report:good`]);
  });

  it("a deferred run that wrote then threw: resuming re-runs it with the same key, one row", async () => {
    const p = `b${Date.now()}`;
    let failures = 1;
    const { row, report, calls } = tableTools(p, { failRun: () => failures-- > 0 });
    const { graph } = guardedGraph(async (_s, config) => {
      await row.invoke({ v: "r" }, config);
      await report.invoke({ v: "r" }, config);
      return claim("fine");
    }, {}, checkpointer.saver);
    const config = { configurable: { thread_id: tid("pg-resume") } };
    await expect(graph.invoke({}, config)).rejects.toThrow(/report service failed/);
    await graph.invoke(null, config);
    expect(calls.defer).toBe(2);
    expect(calls.run).toBe(1); // the producer is not re-run: the commit was checkpointed
    expect(await rows(p)).toEqual([`${p}:r`, `${p}:report:r`]);
  });

  it("a producer that throws after a compensated effect: undone before the error goes on; the node retry re-runs with the same key", async () => {
    const p = `c${Date.now()}`;
    const { row, calls } = tableTools(p);
    let runs = 0;
    const seenAfterThrow: string[][] = [];
    const builder = new StateGraph(State)
      .addNode("researcher", async (_s: unknown, config: RunnableConfig) => {
        runs++;
        if (runs === 2) seenAfterThrow.push(await rows(p)); // what the world looks like before the retry
        await row.invoke({ v: "x" }, config);
        if (runs === 1) throw new Error("producer crashed after its effect");
        return claim("fine");
      }, { retryPolicy: { maxAttempts: 2, initialInterval: 1, jitter: false, retryOn: () => true } })
      .addEdge(START, "researcher").addEdge("researcher", END);
    guardNodeInPlace(builder, "researcher", { challenger: judge() });
    const graph = builder.compile({ checkpointer: checkpointer.saver });
    const out = await graph.invoke({}, { configurable: { thread_id: tid("pg-retry") } });
    expect(runs).toBe(2);
    expect(calls.undo).toBe(1);
    expect(seenAfterThrow).toEqual([[]]);
    expect(await rows(p)).toEqual([`${p}:x`]);
    expect(out.guardRecords[0]!.effects!.map((e) => e.status)).toEqual(["kept"]);
  });

  it("interrupt() after a compensated effect, then resume: the re-run call has the same key, one row, kept", async () => {
    const p = `d${Date.now()}`;
    const { row, calls } = tableTools(p);
    const { graph } = guardedGraph(async (_s, config) => {
      await row.invoke({ v: "asked" }, config);
      const answer = interrupt({ question: "proceed?" }) as string;
      return claim(`fine ${answer}`);
    }, {}, checkpointer.saver);
    const config = { configurable: { thread_id: tid("pg-interrupt") } };
    await graph.invoke({}, config);
    expect(await rows(p)).toEqual([`${p}:asked`]);
    const out = await graph.invoke(new Command({ resume: "yes" }), config);
    expect(calls.run).toBe(2);
    expect(await rows(p)).toEqual([`${p}:asked`]);
    expect(out.guardRecords[0]!.effects!.map((e) => `${e.status}`)).toEqual(["kept"]);
  });

  it("interrupt() after a compensated effect, then the resumed attempt is blocked: the row is deleted", async () => {
    const p = `e${Date.now()}`;
    const { row } = tableTools(p);
    const { graph } = guardedGraph(async (_s, config) => {
      const retry = readGuardFeedback(config) !== undefined;
      await row.invoke({ v: retry ? "second" : "first" }, config);
      if (!retry) interrupt({ question: "proceed?" });
      return claim(retry ? "fine" : "bad");
    }, {}, checkpointer.saver);
    const config = { configurable: { thread_id: tid("pg-interrupt-block") } };
    await graph.invoke({}, config);
    await graph.invoke(new Command({ resume: "yes" }), config);
    expect(await rows(p)).toEqual([`${p}:second`]);
  });

  it("escalation (interrupt) then a human approve: the last attempt's deferred report is written exactly once", async () => {
    const p = `f${Date.now()}`;
    const { row, report, calls } = tableTools(p);
    const { graph } = guardedGraph(async (_s, config) => {
      await row.invoke({ v: "r" }, config);
      await report.invoke({ v: "r" }, config);
      return claim("bad");
    }, { maxAttempts: 2, onExhausted: "interrupt" }, checkpointer.saver);
    const config = { configurable: { thread_id: tid("pg-approve") } };
    await graph.invoke({}, config);
    expect(await rows(p)).toEqual([]);
    await graph.invoke(new Command({ resume: { action: "approve" } }), config);
    expect(calls.defer).toBe(1);
    expect(await rows(p)).toEqual([`${p}:report:r`]); // the compensated rows were undone when blocked
  });

  it("escalation then reject: no deferred report is ever written", async () => {
    const p = `g${Date.now()}`;
    const { report, calls } = tableTools(p);
    const { graph } = guardedGraph(async (_s, config) => { await report.invoke({ v: "r" }, config); return claim("bad"); },
      { maxAttempts: 1, onExhausted: "interrupt" }, checkpointer.saver);
    const config = { configurable: { thread_id: tid("pg-reject") } };
    await graph.invoke({}, config);
    await graph.invoke(new Command({ resume: { action: "reject" } }), config);
    expect(calls.defer).toBe(0);
    expect(await rows(p)).toEqual([]);
  });
});
