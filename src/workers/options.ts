/**
 * Options of the workers subpath (`enqueueRun`, `resumeRun`, `createRunWorker`): one strict
 * schema each, parsed once, failing with `InvalidOptionsError` naming the option.
 */
import type { StateSnapshot } from "@langchain/langgraph";
import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import type { Checkpointer } from "../../checkpointers/checkpointer.js";
import { fn, integer, parseOptions, strict, text, timerMs } from "../internal/options-schema.js";

/** The default BullMQ queue name of thread runs. */
export const DEFAULT_RUN_QUEUE = "firebreak-runs";

/**
 * A compiled graph a worker can run: LangGraph's `builder.compile({ checkpointer })`. Only the
 * members the worker uses are named, so any compiled `StateGraph` fits.
 */
export interface RunnableGraph {
  // Method syntax: parameters compare both ways, so any compiled graph (generic in its input) fits.
  invoke(input: unknown, config?: RunnableConfig): Promise<unknown>;
  getState(config: RunnableConfig): Promise<StateSnapshot>;
  /** The static gates (`compile({ interruptBefore })`). */
  readonly interruptBefore?: unknown;
  /** The saver the graph was compiled with; the worker needs one. */
  readonly checkpointer?: unknown;
}

/** A graph, or a factory that compiles it with the worker's saver (called once, on first use). */
export type RunGraphEntry = RunnableGraph | ((saver: Checkpointer["saver"]) => RunnableGraph | Promise<RunnableGraph>);

/** Where the queue's Redis is: a `redis://` URL, or ioredis options (`host`, `port`, `db`, `password`…). */
export type RunConnection = string | Record<string, unknown>;

const connection = z.union([z.string().regex(/^rediss?:\/\//, { error: "a redis:// or rediss:// URL" }), z.record(z.string(), z.unknown())], {
  error: "a redis:// URL or ioredis connection options ({ host, port, … })",
});
const runLabel = z.union([integer(0, Number.MAX_SAFE_INTEGER), text(100)], { error: "a non-negative integer or a non-blank string of at most 100 characters" });
const queueLike = z.custom<{ add: unknown }>((q) => typeof q === "object" && q !== null && typeof (q as { add?: unknown }).add === "function", {
  error: "a BullMQ Queue (new Queue(name, { connection }))",
});

/** A value BullMQ can store: it keeps job data as JSON (`JSON.stringify` must not throw: no BigInt, no cycle). */
const jsonData = z.unknown().superRefine((value, ctx) => {
  try {
    JSON.stringify(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `JSON that BullMQ can store (${error instanceof Error ? error.message.split("\n")[0] : String(error)}): no BigInt, no cycle` });
  }
});

const EnqueueSchema = strict({
  graph: text(200),
  threadId: text(500),
  input: jsonData,
  run: runLabel.optional(),
  attempts: integer(1, 100).optional(),
});

const ResumeSchema = strict({
  graph: text(200),
  threadId: text(500),
  resume: jsonData,
  run: runLabel.optional(),
  attempts: integer(1, 100).optional(),
});

const checkpointerLike = z.custom<Checkpointer>(
  (c) => typeof c === "object" && c !== null && "saver" in c && "pool" in c && typeof (c as { schema?: unknown }).schema === "string",
  { error: "the checkpointer from createCheckpointer (langgraph-firebreak/checkpointers): it holds the thread leases" },
);

const WorkerSchema = strict({
  graphs: z
    .record(z.string(), z.custom<RunGraphEntry>((g) => typeof g === "function" || (typeof g === "object" && g !== null && typeof (g as { invoke?: unknown }).invoke === "function"), {
      error: "a compiled graph or a factory (saver) => builder.compile({ checkpointer: saver })",
    }))
    .refine((g) => Object.keys(g).length > 0, { error: "an object naming at least one graph: { name: compiledGraphOrFactory }" }),
  checkpointer: checkpointerLike,
  connection: connection.optional(),
  queueName: text(200).refine((s) => !s.includes(":"), { error: "a queue name without ':'" }).optional(),
  concurrency: integer(1, 1_000).optional(),
  leaseMs: timerMs({ min: 300 }).optional(),
  busyRetryMs: timerMs({ min: 1 }).optional(),
  lockDurationMs: timerMs({ min: 100 }).optional(),
  stalledIntervalMs: timerMs({ min: 100 }).optional(),
  maxStalledCount: integer(0, 100).optional(),
  onError: fn<(error: unknown) => void>("a function (error) => void").optional(),
});

/** Options of {@link enqueueRun}. */
export interface EnqueueRunOptions {
  /** The graph's name in the workers' `graphs`. */
  readonly graph: string;
  /** The LangGraph thread to run. */
  readonly threadId: string;
  /** The input of the run (JSON). */
  readonly input: unknown;
  /**
   * The run's sequence on this thread: with the thread, it makes the job id, so enqueueing the
   * same run twice adds one job. Give each new input to a thread its own value.
   * @default 1
   */
  readonly run?: number | string;
  /**
   * BullMQ attempts when the run throws (a retry continues from the last checkpoint). A killed
   * worker is handled by stall detection, not by attempts.
   * @default 1
   */
  readonly attempts?: number;
}

/** Options of {@link resumeRun}. */
export interface ResumeRunOptions {
  /** The graph's name in the workers' `graphs`. */
  readonly graph: string;
  /** The parked thread. */
  readonly threadId: string;
  /** The answer to the gate: `new Command({ resume })` (JSON). */
  readonly resume: unknown;
  /**
   * The sequence of this resume on the thread (job id with the thread). Give each gate's answer
   * its own value; the same value twice adds one job.
   * @default a fresh random id
   */
  readonly run?: number | string;
  /** @default 1 (see {@link EnqueueRunOptions.attempts}) */
  readonly attempts?: number;
}

/** Options of {@link createRunWorker}. */
export interface RunWorkerOptions {
  /** The graphs this worker runs, by the name jobs give (`enqueueRun({ graph })`). */
  readonly graphs: Readonly<Record<string, RunGraphEntry>>;
  /** `createCheckpointer(...)`'s result: its saver for factories, its pool for the thread leases. */
  readonly checkpointer: Checkpointer;
  /** Redis. @default { host: "127.0.0.1", port: 6379 } */
  readonly connection?: RunConnection;
  /** The BullMQ queue. @default "firebreak-runs" */
  readonly queueName?: string;
  /** Jobs run at once by this worker. @default 1 */
  readonly concurrency?: number;
  /** Thread lease length (`runExclusive`'s `leaseMs`): a dead worker's thread is free after it. @default 30000 */
  readonly leaseMs?: number;
  /** Delay before a job whose thread is busy is tried again. @default 1000 */
  readonly busyRetryMs?: number;
  /** BullMQ `lockDuration`: a worker that stops renewing its job's lock this long is stalled. @default 30000 */
  readonly lockDurationMs?: number;
  /** BullMQ `stalledInterval`: how often stalled jobs are looked for. @default 30000 */
  readonly stalledIntervalMs?: number;
  /** BullMQ `maxStalledCount`: stalls before a job fails. @default 2 */
  readonly maxStalledCount?: number;
  /** Called with BullMQ worker errors (Redis connection problems). @default ignored */
  readonly onError?: (error: unknown) => void;
}

/** Parses {@link EnqueueRunOptions}. */
export function parseEnqueue(queue: unknown, options: unknown, where: string, resume: boolean): EnqueueRunOptions | ResumeRunOptions {
  parseOptions(queueLike, queue, where, "queue");
  return parseOptions(resume ? ResumeSchema : EnqueueSchema, options, where);
}

/** Parses {@link RunWorkerOptions} into their resolved form. */
export function parseWorkerOptions(options: unknown) {
  const o = parseOptions(WorkerSchema, options, "createRunWorker");
  return {
    ...o,
    queueName: o.queueName ?? DEFAULT_RUN_QUEUE,
    connection: o.connection ?? { host: "127.0.0.1", port: 6379 },
    concurrency: o.concurrency ?? 1,
    leaseMs: o.leaseMs ?? 30_000,
    busyRetryMs: o.busyRetryMs ?? 1_000,
    lockDurationMs: o.lockDurationMs ?? 30_000,
    stalledIntervalMs: o.stalledIntervalMs ?? 30_000,
    maxStalledCount: o.maxStalledCount ?? 2,
    checkpointer: o.checkpointer as Checkpointer,
    graphs: o.graphs as Readonly<Record<string, RunGraphEntry>>,
  } as const;
}

/** The resolved worker options. */
export type ResolvedRunWorkerOptions = ReturnType<typeof parseWorkerOptions>;

