/**
 * Attacks on "one thread never runs on two workers at once, even when it is enqueued twice",
 * "the same run enqueued twice is one job", "the retry continues from the last checkpoint (it
 * never re-applies the input)", "a job for a graph name the worker does not have fails at once,
 * without retries", "a factory ... called once on first use" and a human gate answered twice
 * (docs/workers.md). Three in-process workers on real Redis and PostgreSQL.
 */
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpointer, type Checkpointer } from "../../../checkpointers/index.js";
import { createRunWorker, enqueueRun, resumeRun, type RunResult, type RunWorker } from "../../../src/workers/index.js";
import { DATABASE_URL, dropSchema, openQueue, REDIS, resultsOf, unique } from "../support/redis-postgres.js";
import { flakyGraph, gateGraph, Observed, slowGraph } from "./support/graphs.js";

const schema = unique("wk_atk_dup");
const queueName = unique("wk-atk-dup");
const seen = new Observed();
let factoryCalls = 0;
let cp: Checkpointer;
let q: Awaited<ReturnType<typeof openQueue>>;
const runners: RunWorker[] = [];

beforeAll(async () => {
  cp = await createCheckpointer({ url: DATABASE_URL, schema });
  q = await openQueue(queueName);
  const graphs = {
    slow: async (saver: Checkpointer["saver"]) => {
      factoryCalls++;
      await new Promise((r) => setTimeout(r, 100)); // a slow factory: concurrent first jobs race for it
      return slowGraph(seen).compile({ checkpointer: saver });
    },
    gate: (saver: Checkpointer["saver"]) => gateGraph(seen).compile({ checkpointer: saver }),
    flaky: (saver: Checkpointer["saver"]) => flakyGraph(seen, 2).compile({ checkpointer: saver }),
  };
  for (let i = 0; i < 3; i++) runners.push(createRunWorker({ graphs, checkpointer: cp, queueName, concurrency: 3, leaseMs: 5_000, busyRetryMs: 50 }));
  await Promise.all(runners.map((r) => r.waitUntilReady()));
});
afterAll(async () => {
  await Promise.all(runners.map((r) => r.close()));
  await q?.dispose();
  await cp?.close();
  await dropSchema(schema);
});

const values = (r: RunResult) => (r as unknown as { values: { log: string[]; approvedBy?: string } }).values;

describe("one thread, many jobs", () => {
  it("6 runs of one thread enqueued at once on 3 workers never overlap, each input applied exactly once; the factory ran once per worker at most", async () => {
    const threadId = unique("same");
    const jobs = await Promise.all([1, 2, 3, 4, 5, 6].map((run) => enqueueRun(q.queue, { graph: "slow", threadId, input: { task: `r${run}` }, run })));
    const results = await resultsOf(jobs, q.events, 60_000);
    expect(results.every((r) => r.status === "done")).toBe(true);
    expect(seen.maxActive).toBe(1);
    const final = (await cp.saver.getTuple({ configurable: { thread_id: threadId } }))!.checkpoint.channel_values as { log: string[] };
    for (const run of [1, 2, 3, 4, 5, 6]) expect(final.log.filter((l) => l === `a:r${run}`)).toHaveLength(1);
    expect(final.log.filter((l) => l === "b")).toHaveLength(6);
    expect(factoryCalls).toBeLessThanOrEqual(3); // "called once on first use" in each worker
  });

  it("the same run enqueued 10 times at once from 3 Queue objects, and again after it finished, is one job and one application", async () => {
    const threadId = unique("dedup");
    const extra = [0, 1].map(() => new Queue(queueName, { connection: REDIS }));
    const queues = [q.queue, ...extra];
    const jobs = await Promise.all(Array.from({ length: 10 }, (_, i) => enqueueRun(queues[i % 3]!, { graph: "slow", threadId, input: { task: "once" } })));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
    await resultsOf([jobs[0]!], q.events, 30_000);
    const again = await enqueueRun(q.queue, { graph: "slow", threadId, input: { task: "once" } });
    expect(again.id).toBe(jobs[0]!.id);
    await resultsOf([again], q.events, 30_000);
    await Promise.all(extra.map((e) => e.close()));
    const final = (await cp.saver.getTuple({ configurable: { thread_id: threadId } }))!.checkpoint.channel_values as { log: string[] };
    expect(final.log).toEqual(["a:once", "b"]);
  });
});

describe("human gates", () => {
  it("a gate answered twice at once (two resume jobs) passes once: one approval, `after` runs once", async () => {
    const threadId = unique("gate2");
    const [parked] = await resultsOf([await enqueueRun(q.queue, { graph: "gate", threadId, input: { task: "g" } })], q.events, 30_000);
    expect(parked).toMatchObject({ status: "waiting", next: ["ask"] });
    const answers = await Promise.all(["ana", "bob"].map((by) => resumeRun(q.queue, { graph: "gate", threadId, resume: { by } })));
    const settled = await Promise.allSettled(answers.map((j) => j.waitUntilFinished(q.events, 30_000)));
    const final = (await cp.saver.getTuple({ configurable: { thread_id: threadId } }))!.checkpoint.channel_values as { log: string[]; approvedBy: string };
    expect(final.log.filter((l) => l.startsWith("approved by"))).toHaveLength(1);
    expect(final.log).toEqual([`approved by ${final.approvedBy}`, `after ${final.approvedBy}`]);
    expect(seen.runs.get(`after:${threadId}`)).toBe(1);
    expect(settled.some((s) => s.status === "fulfilled" && (s.value as RunResult).status === "done")).toBe(true);
  });
});

describe("errors", () => {
  it("a graph that throws twice, with attempts 3, finishes from the last checkpoint: the input and node `a` ran once", async () => {
    const threadId = unique("flaky");
    const job = await enqueueRun(q.queue, { graph: "flaky", threadId, input: { task: "f" }, attempts: 3 });
    const [done] = await resultsOf([job], q.events, 30_000);
    expect(values(done!).log).toEqual(["a:f", "boom survived"]);
    expect(seen.runs.get(`a:${threadId}`)).toBe(1);
    expect(seen.runs.get(`boom:${threadId}`)).toBe(3);
  });

  it("a graph that throws with attempts 1 fails the job with the node's error", async () => {
    const threadId = unique("flaky1");
    const job = await enqueueRun(q.queue, { graph: "flaky", threadId, input: { task: "f" } });
    await expect(job.waitUntilFinished(q.events, 30_000)).rejects.toThrow(/boom #1/);
    expect(seen.runs.get(`boom:${threadId}`)).toBe(1);
  });

  it("a job for an unknown graph fails at once, without retries (attempts 5), naming the graph and the known names", async () => {
    const job = await enqueueRun(q.queue, { graph: "nope\u202e", threadId: unique("unknown"), input: {}, attempts: 5 });
    await expect(job.waitUntilFinished(q.events, 30_000)).rejects.toThrow(/nope/);
    const stored = (await q.queue.getJob(job.id!))!;
    expect(await stored.getState()).toBe("failed");
    expect(stored.attemptsMade).toBe(1);
    for (const known of ["slow", "gate", "flaky"]) expect(stored.failedReason).toContain(known);
  });
});
