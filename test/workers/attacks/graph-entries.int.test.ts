/**
 * Attacks on the `graphs` entries of createRunWorker (docs/workers.md): a factory is "called once
 * on first use" even when a worker's first jobs arrive together; a graph compiled without a
 * checkpointer ("the worker needs one") gives an error that names the graph; a factory that throws fails the job with its error.
 * Real Redis and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpointer, type Checkpointer } from "../../../checkpointers/index.js";
import { createRunWorker, enqueueRun, type RunWorker, type RunWorkerOptions } from "../../../src/workers/index.js";
import { DATABASE_URL, dropSchema, openQueue, resultsOf, unique } from "../support/redis-postgres.js";
import { Observed, slowGraph } from "./support/graphs.js";

const schema = unique("wk_atk_graphs");
let cp: Checkpointer;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  cp = await createCheckpointer({ url: DATABASE_URL, schema });
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await cp?.close();
  await dropSchema(schema);
});

async function worker(graphs: RunWorkerOptions["graphs"], concurrency = 1) {
  const queueName = unique("wk-atk-graphs");
  const q = await openQueue(queueName);
  const runner: RunWorker = createRunWorker({ graphs, checkpointer: cp, queueName, concurrency, leaseMs: 5_000, busyRetryMs: 50 });
  await runner.waitUntilReady();
  cleanups.push(async () => {
    await runner.close();
    await q.dispose();
  });
  return q;
}

describe("graph entries", () => {
  it("a slow factory is called once when a worker's first 4 jobs (concurrency 4) arrive together", async () => {
    let calls = 0;
    const seen = new Observed();
    const q = await worker({
      slow: async (saver) => {
        calls++;
        await new Promise((r) => setTimeout(r, 300));
        return slowGraph(seen).compile({ checkpointer: saver });
      },
    }, 4);
    const jobs = await Promise.all([1, 2, 3, 4].map((i) => enqueueRun(q.queue, { graph: "slow", threadId: unique(`f${i}`), input: { task: `t${i}` } })));
    const results = await resultsOf(jobs, q.events, 30_000);
    expect(results.map((r) => r.status)).toEqual(["done", "done", "done", "done"]);
    expect(calls).toBe(1);
  });

  it("a graph compiled without a checkpointer fails its job with an error naming the graph and the checkpointer", async () => {
    const q = await worker({ bare: slowGraph(new Observed()).compile() });
    const job = await enqueueRun(q.queue, { graph: "bare", threadId: unique("bare"), input: { task: "x" } });
    const error = await job.waitUntilFinished(q.events, 30_000).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/bare/);
    expect(error?.message).toMatch(/checkpointer/i);
  });

  it("a factory that throws fails the job with the factory's own error (not a hang, not a retry loop)", async () => {
    const q = await worker({ broken: () => { throw new Error("factory exploded"); } });
    const job = await enqueueRun(q.queue, { graph: "broken", threadId: unique("broken"), input: {} });
    const error = await job.waitUntilFinished(q.events, 30_000).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/factory exploded/);
  });
});
