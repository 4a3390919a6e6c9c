/**
 * `createRunWorker`: a BullMQ `Worker` that runs thread-run jobs on the PostgreSQL
 * checkpointer. A job whose thread is busy (another worker holds its lease) goes back to the
 * delayed set and is tried again; a job for a graph the worker does not have fails at once,
 * without retries.
 */
import { DelayedError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { isCheckpointerError } from "../../checkpointers/checkpointer-error.js";
import { isInvalidOptionsError } from "../internal/options-schema.js";
import { createGraphRegistry } from "./graph-registry.js";
import { parseWorkerOptions, type RunConnection, type RunWorkerOptions } from "./options.js";
import { runJob } from "./run-job.js";
import type { RunJobData, RunResult } from "./types.js";

/** A running worker of thread runs. */
export interface RunWorker {
  /** The BullMQ worker (events: `completed`, `failed`, `stalled`…). */
  readonly worker: Worker<RunJobData, RunResult>;
  /** Resolves when the worker is connected and taking jobs. */
  waitUntilReady(): Promise<void>;
  /** Stops taking jobs, waits for the running ones, and disconnects. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a worker that runs each job's thread with `durability: "sync"`: it applies the job's
 * input (or resume value) once, continues a thread left mid-run by a dead worker from its last
 * checkpoint, and completes with `{ status: "done", values }` or, at a human gate,
 * `{ status: "waiting", interrupts }`. One thread never runs on two workers at once (the
 * checkpointer's thread lease).
 * @example
 * ```ts
 * const cp = await createCheckpointer({ url: process.env.DATABASE_URL });
 * const runner = createRunWorker({
 *   graphs: { orders: (saver) => builder.compile({ checkpointer: saver }) },
 *   checkpointer: cp,
 *   concurrency: 4,
 * });
 * // … on shutdown
 * await runner.close();
 * await cp.close();
 * ```
 */
export function createRunWorker(options: RunWorkerOptions): RunWorker {
  const o = parseWorkerOptions(options);
  const graphs = createGraphRegistry(o.graphs, o.checkpointer.saver);
  const processor = async (job: Job<RunJobData, RunResult>, token?: string): Promise<RunResult> => {
    let graph;
    try {
      graph = await graphs(job.data.graph);
    } catch (error) {
      if (isInvalidOptionsError(error)) await job.discard(); // a retry cannot find the graph either
      throw error;
    }
    try {
      return await runJob(job, graph, o.checkpointer, o.leaseMs);
    } catch (error) {
      if (isCheckpointerError(error, "CHECKPOINTER_SETUP") && error.reason === "thread-busy") {
        await job.moveToDelayed(Date.now() + o.busyRetryMs, token);
        throw new DelayedError(`thread "${job.data.threadId}" is running elsewhere; tried again in ${o.busyRetryMs} ms`);
      }
      throw error;
    }
  };
  const worker = new Worker<RunJobData, RunResult>(o.queueName, processor, {
    connection: connectionOf(o.connection),
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs,
    maxStalledCount: o.maxStalledCount,
  });
  worker.on("error", (error) => o.onError?.(error));
  let closing: Promise<void> | undefined;
  return {
    worker,
    waitUntilReady: async () => {
      await worker.waitUntilReady();
    },
    close: () => (closing ??= worker.close()),
  };
}

/** BullMQ connection options from a URL or ioredis options. */
export function connectionOf(connection: RunConnection): ConnectionOptions {
  if (typeof connection !== "string") return { maxRetriesPerRequest: null, ...connection } as ConnectionOptions;
  const url = new URL(connection);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
