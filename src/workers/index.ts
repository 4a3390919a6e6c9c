/**
 * `langgraph-firebreak/workers`: graph threads as BullMQ jobs on one PostgreSQL checkpointer.
 * Needs the optional peer `bullmq`; the root import never loads it.
 */
export { enqueueRun, resumeRun, type RunQueue } from "./enqueue.js";
export { runJobId, type RunKind } from "./job-id.js";
export { DEFAULT_RUN_QUEUE, type EnqueueRunOptions, type ResumeRunOptions, type RunConnection, type RunGraphEntry, type RunnableGraph, type RunWorkerOptions } from "./options.js";
export { planRun, type RunPlan, type ThreadPosition } from "./plan-run.js";
export { createRunWorker, type RunWorker } from "./run-worker.js";
export type { RunInterrupt, RunJobData, RunResult } from "./types.js";
export {
  createTrialDispatch,
  createTrialWorker,
  DEFAULT_TRIAL_BATCH,
  DEFAULT_TRIAL_QUEUE,
  type TrialDispatcher,
  type TrialDispatchOptions,
  type TrialJobData,
  type TrialJobResult,
  type TrialWorker,
  type TrialWorkerOptions,
} from "./trial-jobs.js";
