/**
 * createRunWorker in the test process, on real Redis and PostgreSQL: a human gate parks the job
 * and resumeRun continues it; the same thread enqueued twice never runs on two workers at once;
 * bad options and unknown graphs fail with errors that say what to do.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpointer, type Checkpointer } from "../../checkpointers/index.js";
import { isInvalidOptionsError } from "../../src/index.js";
import { createRunWorker, enqueueRun, resumeRun, runJobId, type RunWorker } from "../../src/workers/index.js";
import { buildRunGraph } from "./support/run-graph.js";
import { DATABASE_URL, dropSchema, openQueue, resultsOf, unique } from "./support/redis-postgres.js";

const schema = unique("wk_run");
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

async function setup(workers: number, graphs: Parameters<typeof createRunWorker>[0]["graphs"], concurrency = 1) {
  const queueName = unique("wk-run");
  const q = await openQueue(queueName);
  const runners: RunWorker[] = [];
  for (let i = 0; i < workers; i++) {
    runners.push(createRunWorker({ graphs, checkpointer: cp, queueName, concurrency, leaseMs: 5_000, busyRetryMs: 100 }));
  }
  await Promise.all(runners.map((r) => r.waitUntilReady()));
  cleanups.push(async () => {
    await Promise.all(runners.map((r) => r.close()));
    await q.dispose();
  });
  return q;
}

describe("createRunWorker", () => {
  it("parks a thread at a human gate with the interrupt's value, and resumeRun continues it to the end", async () => {
    const q = await setup(1, { review: (saver) => buildRunGraph(undefined, schema).compile({ checkpointer: saver }) });
    const threadId = `${schema}:gate`; // a ':' in the thread id is fine: the job id encodes it
    const start = await enqueueRun(q.queue, { graph: "review", threadId, input: { task: "t1" } });
    expect(start.id).toBe(runJobId(threadId, "start", 1));
    expect(start.id).not.toContain(":");
    const again = await enqueueRun(q.queue, { graph: "review", threadId, input: { task: "t1" } });
    expect(again.id).toBe(start.id);
    const [parked] = await resultsOf([start], q.events, 30_000);
    expect(parked).toEqual({ status: "waiting", graph: "review", threadId, next: ["gate"], interrupts: [{ id: expect.any(String), value: { question: "approve?" } }] });

    const resume = await resumeRun(q.queue, { graph: "review", threadId, resume: { by: "ana" }, run: 1 });
    const [done] = await resultsOf([resume], q.events, 30_000);
    expect(done).toMatchObject({ status: "done", values: { task: "t1", approvedBy: "ana", log: ["plan t1", "research", "approved", "write 1 green"] } });
    // The input was applied once: one start job ever existed for run 1.
    expect((await q.queue.getJobs(["completed"])).filter((j) => j.data.kind === "start")).toHaveLength(1);
  }, 60_000);

  it("parks a thread at a static interruptBefore, and resumeRun continues past it once", async () => {
    const State = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }) });
    const graph = (saver: Checkpointer["saver"]) =>
      new StateGraph(State)
        .addNode("draft", () => ({ log: ["draft"] }))
        .addNode("send", () => ({ log: ["send"] }))
        .addEdge(START, "draft")
        .addEdge("draft", "send")
        .addEdge("send", END)
        .compile({ checkpointer: saver, interruptBefore: ["send"] });
    const q = await setup(1, { mail: graph });
    const threadId = `${schema}-before`;
    const [parked] = await resultsOf([await enqueueRun(q.queue, { graph: "mail", threadId, input: { log: ["in"] } })], q.events, 30_000);
    expect(parked).toEqual({ status: "waiting", graph: "mail", threadId, next: ["send"], interrupts: [] });
    const [done] = await resultsOf([await resumeRun(q.queue, { graph: "mail", threadId, resume: null, run: 1 })], q.events, 30_000);
    expect(done).toMatchObject({ status: "done", values: { log: ["in", "draft", "send"] } });
  }, 60_000);

  it("never runs one thread on two workers at once: the second run waits for the first and applies its input once", async () => {
    const spans: { run: number; from: number; to: number }[] = [];
    const State = Annotation.Root({ n: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });
    const graph = (saver: Checkpointer["saver"]) =>
      new StateGraph(State)
        .addNode("slow", async (s) => {
          const from = Date.now();
          await new Promise((r) => setTimeout(r, 400));
          spans.push({ run: s.n, from, to: Date.now() });
          return { n: 100 };
        })
        .addEdge(START, "slow")
        .addEdge("slow", END)
        .compile({ checkpointer: saver });
    const q = await setup(2, { count: graph }, 2);
    const threadId = `${schema}-busy`;
    const jobs = await Promise.all([1, 2].map((run) => enqueueRun(q.queue, { graph: "count", threadId, input: { n: 1 }, run })));
    const results = await resultsOf(jobs, q.events, 30_000);
    expect(results.map((r) => r.status)).toEqual(["done", "done"]);
    expect(spans).toHaveLength(2);
    const [a, b] = [...spans].sort((x, y) => x.from - y.from);
    expect(b!.from).toBeGreaterThanOrEqual(a!.to);
    // Each run added its input (1) and its node (100) once: 1 + 100, then + 1 + 100.
    expect(Math.max(...results.map((r) => (r.status === "done" ? Number(r.values.n) : 0)))).toBe(202);
  }, 60_000);

  it("fails a job for a graph it does not have at once, naming the graph and the known ones", async () => {
    const q = await setup(1, { review: (saver) => buildRunGraph(undefined, schema).compile({ checkpointer: saver }) });
    const job = await enqueueRun(q.queue, { graph: "reviw", threadId: `${schema}-unknown`, input: { task: "t1" }, attempts: 3 });
    await expect(job.waitUntilFinished(q.events, 30_000)).rejects.toThrow(/graph "reviw", which this worker does not have \(known: "review"\)/);
    const failed = await q.queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1); // not retried: a retry cannot find it either
  }, 60_000);
});

describe("workers: options", () => {
  const graph = (saver: Checkpointer["saver"]) => buildRunGraph(undefined, schema).compile({ checkpointer: saver });

  it("rejects bad worker options, naming the option", () => {
    const bad = (options: unknown, option: string) => {
      try {
        createRunWorker(options as never);
        expect.unreachable(`createRunWorker accepted ${option}`);
      } catch (error) {
        expect(isInvalidOptionsError(error)).toBe(true);
        expect(error).toMatchObject({ option });
      }
    };
    bad({ graphs: {}, checkpointer: cp }, "graphs");
    bad({ graphs: { a: 42 }, checkpointer: cp }, "graphs.a");
    bad({ graphs: { a: graph }, checkpointer: cp.saver }, "checkpointer");
    bad({ graphs: { a: graph }, checkpointer: cp, concurrency: 0 }, "concurrency");
    bad({ graphs: { a: graph }, checkpointer: cp, leaseMs: 2 ** 31 }, "leaseMs");
    bad({ graphs: { a: graph }, checkpointer: cp, queueName: "a:b" }, "queueName");
    bad({ graphs: { a: graph }, checkpointer: cp, concurency: 2 }, "concurency"); // an unknown key, named
  });

  it("rejects bad enqueue arguments, naming the argument", async () => {
    const q = await openQueue(unique("wk-opts"));
    cleanups.push(q.dispose);
    await expect(enqueueRun(q.queue, { graph: "review", threadId: "", input: {} })).rejects.toMatchObject({ code: "INVALID_OPTIONS", option: "threadId" });
    await expect(enqueueRun({} as never, { graph: "review", threadId: "t", input: {} })).rejects.toMatchObject({ code: "INVALID_OPTIONS", option: "queue" });
    await expect(resumeRun(q.queue, { graph: "review", threadId: "t", resume: 1, run: -1 })).rejects.toMatchObject({ code: "INVALID_OPTIONS", option: "run" });
    expect(await q.queue.count()).toBe(0);
  });
});
