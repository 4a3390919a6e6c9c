/**
 * Threads per second through `langgraph-firebreak/workers` with 1, 2 and 4 worker processes
 * on one queue and one PostgreSQL checkpointer, as a scaling ratio to 1 worker (medians).
 *
 *   npm run bench -- workers      (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
 *                                  REDIS_URL, default redis://127.0.0.1:6379)
 *
 * The graph is three nodes; each waits MODEL_MS (default 20 ms: a stand-in for a model call,
 * which is what a worker mostly waits on) and the run checkpoints with durability "sync".
 * Each worker process runs CONCURRENCY (default 2) jobs at once. Worker start-up is not timed:
 * a round times from enqueueing THREADS threads to the last one completing. Rounds alternate
 * the worker counts so machine noise hits all alike. On a 2-core machine shared with others,
 * CPU-bound work cannot scale past 2 processes; the ratios show what waiting work gains.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { Queue, QueueEvents } from "bullmq";
import pg from "pg";
import { createCheckpointer, type Checkpointer } from "../checkpointers/index.js";
import { connectionOf } from "../src/workers/run-worker.js";
import { createRunWorker, enqueueRun, type RunJobData, type RunResult } from "../src/workers/index.js";
import { median, printTable } from "./lib/stats.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const MODEL_MS = Number(process.env.MODEL_MS ?? 20);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 2);
const THREADS = Number(process.env.THREADS ?? 40);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WORKER_COUNTS = [1, 2, 4];

/** The benchmark graph: three nodes that each wait MODEL_MS and add to a counter. */
function benchGraph(saver: Checkpointer["saver"]) {
  const State = Annotation.Root({ n: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });
  const step = async () => {
    await new Promise((r) => setTimeout(r, MODEL_MS));
    return { n: 1 };
  };
  return new StateGraph(State)
    .addNode("a", step)
    .addNode("b", step)
    .addNode("c", step)
    .addEdge(START, "a")
    .addEdge("a", "b")
    .addEdge("b", "c")
    .addEdge("c", END)
    .compile({ checkpointer: saver });
}

/** Child mode: one worker process on QUEUE and SCHEMA until SIGTERM. */
async function child(queueName: string, schema: string): Promise<void> {
  const cp = await createCheckpointer({ url: DATABASE_URL, schema, poolSize: CONCURRENCY + 2 });
  const runner = createRunWorker({ graphs: { bench: benchGraph }, checkpointer: cp, connection: REDIS_URL, queueName, concurrency: CONCURRENCY });
  await runner.waitUntilReady();
  process.stdout.write("ready\n");
  process.on("SIGTERM", () => void runner.close().then(() => cp.close()).then(() => process.exit(0)));
}

/** Starts `n` worker processes and resolves once each is taking jobs. */
async function startWorkers(n: number, queueName: string, schema: string): Promise<ChildProcess[]> {
  const script = fileURLToPath(import.meta.url);
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, WORKERS_BENCH_QUEUE: queueName, WORKERS_BENCH_SCHEMA: schema }, stdio: ["ignore", "pipe", "inherit"] }),
  );
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve, reject) => {
          c.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
          c.on("exit", (code) => reject(new Error(`bench worker exited with ${code} before it was ready`)));
        }),
    ),
  );
  return children;
}

/** One round: `workers` processes run THREADS threads; returns threads per second. */
async function round(workers: number, schema: string): Promise<number> {
  const queueName = `bench-workers-${randomUUID().slice(0, 8)}`;
  const queue = new Queue<RunJobData, RunResult>(queueName, { connection: connectionOf(REDIS_URL) });
  const events = new QueueEvents(queueName, { connection: connectionOf(REDIS_URL) });
  queue.setMaxListeners(0); // each waitUntilFinished listens for the queue's closing
  await events.waitUntilReady();
  const children = await startWorkers(workers, queueName, schema);
  try {
    const started = performance.now();
    const jobs = await Promise.all(Array.from({ length: THREADS }, (_, i) => enqueueRun(queue, { graph: "bench", threadId: `${queueName}-${i}`, input: { n: 0 } })));
    await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 300_000)));
    return THREADS / ((performance.now() - started) / 1000);
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on("exit", r)))));
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function main(): Promise<void> {
  const schema = `bench_workers_${randomUUID().slice(0, 8)}`;
  const setup = await createCheckpointer({ url: DATABASE_URL, schema }); // migrates the schema once
  await setup.close();
  const perCount = new Map<number, number[]>(WORKER_COUNTS.map((n) => [n, []]));
  try {
    for (let r = 0; r < ROUNDS; r++) for (const n of WORKER_COUNTS) perCount.get(n)!.push(await round(n, schema));
  } finally {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
  const base = median(perCount.get(1)!);
  printTable(`workers: ${THREADS} threads of 3 nodes (${MODEL_MS} ms each), ${CONCURRENCY} jobs per worker, ${ROUNDS} rounds, medians`, [
    ...WORKER_COUNTS.map((n) => {
      const tps = median(perCount.get(n)!);
      return { workers: n, "threads/s": tps.toFixed(1), "ratio to 1 worker": (tps / base).toFixed(2) };
    }),
  ]);
}

if (process.env.WORKERS_BENCH_QUEUE) await child(process.env.WORKERS_BENCH_QUEUE, process.env.WORKERS_BENCH_SCHEMA!);
else await main();
