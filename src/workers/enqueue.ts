/**
 * Adding thread runs to a BullMQ queue: `enqueueRun` (apply an input) and `resumeRun` (answer
 * a parked human gate). Job ids come from the thread and the run's sequence (`runJobId`).
 */
import { randomUUID } from "node:crypto";
import type { Job, Queue } from "bullmq";
import { runJobId } from "./job-id.js";
import { parseEnqueue, type EnqueueRunOptions, type ResumeRunOptions } from "./options.js";
import type { RunJobData, RunResult } from "./types.js";

/** A queue of thread runs. */
export type RunQueue = Queue<RunJobData, RunResult>;

/**
 * Enqueues a run of `threadId` on `graph` with `input`. Enqueueing the same `run` of a thread
 * again returns the job already there instead of adding a second.
 * @example
 * ```ts
 * const queue = new Queue("firebreak-runs", { connection: { host: "127.0.0.1", port: 6379 } });
 * const job = await enqueueRun(queue, { graph: "orders", threadId: "order-42", input: { task: "…" } });
 * ```
 */
export async function enqueueRun(queue: RunQueue, options: EnqueueRunOptions): Promise<Job<RunJobData, RunResult>> {
  const o = parseEnqueue(queue, options, "enqueueRun", false) as EnqueueRunOptions;
  const data: RunJobData = { graph: o.graph, threadId: o.threadId, kind: "start", input: o.input ?? null };
  return queue.add(o.graph, data, { jobId: runJobId(o.threadId, "start", o.run ?? 1), attempts: o.attempts ?? 1 });
}

/**
 * Enqueues the continuation of a thread parked at a human gate: the worker runs
 * `invoke(new Command({ resume }))` (or `invoke(null)` at a static `interruptBefore`).
 * @example
 * ```ts
 * const result = await job.waitUntilFinished(events); // { status: "waiting", interrupts: [...] }
 * await resumeRun(queue, { graph: "orders", threadId: "order-42", resume: { approved: true }, run: 1 });
 * ```
 */
export async function resumeRun(queue: RunQueue, options: ResumeRunOptions): Promise<Job<RunJobData, RunResult>> {
  const o = parseEnqueue(queue, options, "resumeRun", true) as ResumeRunOptions;
  const data: RunJobData = { graph: o.graph, threadId: o.threadId, kind: "resume", resume: o.resume ?? null };
  return queue.add(o.graph, data, { jobId: runJobId(o.threadId, "resume", o.run ?? randomUUID()), attempts: o.attempts ?? 1 });
}
