/**
 * A chaos campaign's trials as BullMQ jobs (`firebreak chaos --workers`). The campaign's
 * process enqueues one job per batch of trials of a configuration and reports each trial's
 * outcome as its job completes; a worker process rebuilds the same campaign from the job's
 * `spec` (once per campaign) and runs the batch. Seeds follow from the campaign's options and
 * the trial's number, so where a trial runs does not change its outcome; a batch whose worker
 * died is run again by another (BullMQ's stalled jobs), to the same outcomes.
 */
import { randomUUID } from "node:crypto";
import { Queue, QueueEvents, Worker, type Job } from "bullmq";
import type { ConfigurationKey, TrialDispatch, TrialResult, TrialRunner } from "../chaos/campaign-dispatch.js";
import { ChaosError } from "../chaos/chaos-error.js";
import { invalidOption } from "../internal/options-schema.js";
import type { RunConnection } from "./options.js";
import { connectionOf } from "./run-worker.js";

/** The default BullMQ queue of campaign trials. */
export const DEFAULT_TRIAL_QUEUE = "firebreak-chaos";
/** Trials per job unless `batchSize` says otherwise. */
export const DEFAULT_TRIAL_BATCH = 10;

/** A batch of trials of one configuration. */
export interface TrialJobData {
  /** Names this run of the campaign (a fresh id per dispatch). */
  readonly campaign: string;
  /** What the worker's `load` rebuilds the campaign from (JSON). */
  readonly spec: unknown;
  readonly key: ConfigurationKey;
  /** Trial numbers (0-based), in order. */
  readonly trials: readonly number[];
}

/** The outcomes of a batch, in the order of its `trials`. */
export interface TrialJobResult {
  readonly results: readonly TrialResult[];
}

/** Options of {@link createTrialWorker}. */
export interface TrialWorkerOptions {
  /** The queue's Redis: a `redis://` URL or ioredis options. */
  readonly connection: RunConnection;
  /** Rebuilds a campaign's trial runner from a job's `spec` (called once per distinct spec). */
  readonly load: (spec: unknown) => TrialRunner | Promise<TrialRunner>;
  /** @default "firebreak-chaos" */
  readonly queueName?: string;
  /** Batches run at once. @default 1 */
  readonly concurrency?: number;
  /** Called after each batch. */
  readonly onBatch?: (job: TrialJobData) => void;
}

/** A running trial worker. */
export interface TrialWorker {
  readonly worker: Worker<TrialJobData, TrialJobResult>;
  waitUntilReady(): Promise<void>;
  /** Stops taking jobs, waits for the running ones, and disconnects. Idempotent. */
  close(): Promise<void>;
}

/** Starts a worker that runs batches of campaign trials. */
export function createTrialWorker(options: TrialWorkerOptions): TrialWorker {
  if (typeof options?.load !== "function") throw invalidOption("createTrialWorker", "load", options?.load, "a function (spec) => trial runner");
  const loaded = new Map<string, Promise<TrialRunner>>();
  const runnerOf = (spec: unknown) => {
    const id = JSON.stringify(spec);
    let runner = loaded.get(id);
    if (runner === undefined) {
      if (loaded.size >= 16) loaded.delete(loaded.keys().next().value!);
      loaded.set(id, (runner = Promise.resolve().then(() => options.load(spec))));
      runner.catch(() => loaded.delete(id));
    }
    return runner;
  };
  const processor = async (job: Job<TrialJobData, TrialJobResult>): Promise<TrialJobResult> => {
    const runner = await runnerOf(job.data.spec);
    const results: TrialResult[] = [];
    for (const trial of job.data.trials) results.push(await runner.run(job.data.key, trial));
    options.onBatch?.(job.data);
    return { results };
  };
  const worker = new Worker<TrialJobData, TrialJobResult>(options.queueName ?? DEFAULT_TRIAL_QUEUE, processor, {
    connection: connectionOf(options.connection),
    concurrency: options.concurrency ?? 1,
  });
  worker.on("error", () => {}); // reconnects on its own; a failed batch fails its job
  let closing: Promise<void> | undefined;
  return { worker, waitUntilReady: async () => void (await worker.waitUntilReady()), close: () => (closing ??= worker.close()) };
}

/** Options of {@link createTrialDispatch}. */
export interface TrialDispatchOptions {
  readonly connection: RunConnection;
  /** What the workers rebuild the campaign from (JSON; the same for every batch). */
  readonly spec: unknown;
  readonly queueName?: string;
  /** Trials per job. @default 10 */
  readonly batchSize?: number;
}

/** The campaign side: a {@link TrialDispatch} over a queue, and `close()`. */
export interface TrialDispatcher {
  readonly dispatch: TrialDispatch;
  close(): Promise<void>;
}

/**
 * Connects to the trial queue and checks that a worker listens on it (a campaign with no
 * worker would wait for ever): throws `ChaosError` naming the queue otherwise.
 */
export async function createTrialDispatch(options: TrialDispatchOptions): Promise<TrialDispatcher> {
  const name = options.queueName ?? DEFAULT_TRIAL_QUEUE;
  const connection = connectionOf(options.connection);
  const queue = new Queue<TrialJobData, TrialJobResult>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const close = async () => void (await Promise.all([queue.close(), events.close()]));
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    if ((await queue.getWorkersCount()) === 0) {
      throw new ChaosError(`no trial worker listens on queue "${name}"; start one per machine with: firebreak chaos --serve <redis-url> --queue ${name}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const campaign = randomUUID();
  const batch = options.batchSize ?? DEFAULT_TRIAL_BATCH;
  const dispatch: TrialDispatch = async (key, trials, report) => {
    const numbers = Array.from({ length: trials }, (_, i) => i);
    const batches = Array.from({ length: Math.ceil(trials / batch) }, (_, i) => numbers.slice(i * batch, (i + 1) * batch));
    const jobs = await queue.addBulk(
      batches.map((b, i) => ({
        name: "trials",
        data: { campaign, spec: options.spec, key, trials: b },
        opts: { jobId: `${campaign}.${key.model}-${key.fault}-${key.target}-${key.guard}.${i}`, removeOnComplete: { age: 3_600 }, removeOnFail: { age: 86_400 } },
      })),
    );
    await Promise.all(
      jobs.map(async (job) => {
        const { results } = await job.waitUntilFinished(events).catch((error: Error) => {
          throw new ChaosError(`a trial worker failed trials ${job.data.trials[0]}–${job.data.trials.at(-1)}: ${error.message}`);
        });
        results.forEach((result, i) => report(job.data.trials[i]!, result));
      }),
    );
  };
  return { dispatch, close };
}
