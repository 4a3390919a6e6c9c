/**
 * `langgraph-firebreak/checkpointers`: durable execution for LangGraph.js.
 *
 * `createCheckpointer()` returns a migrated saver on PostgreSQL (`DATABASE_URL`) or on the
 * embedded PGlite default, with every wait bounded and every database fault turned into a
 * `CheckpointerError` (never a crash, never a password); `durableConfig()` runs with the
 * crash-safe durability; `runExclusive()` refuses a second run of a thread in flight;
 * `pruneCheckpoints()` keeps the tables from growing without limit; `rollbackTo()` forks a
 * thread from an earlier checkpoint; `assertThreadExists()` turns a resume of an unknown
 * thread into a clear error. This subpath loads `pg`; the package root never does.
 */
export type { Checkpointer, CheckpointerBackend, CreateCheckpointerOptions } from "./checkpointer.js";
export {
  CheckpointerAuthError,
  CheckpointerError,
  CheckpointerSetupError,
  CheckpointerUnreachableError,
  CheckpointNotFoundError,
  isCheckpointerAuthError,
  isCheckpointerError,
  isCheckpointerSetupError,
  isCheckpointerUnreachableError,
  isCheckpointNotFoundError,
  isThreadNotFoundError,
  ThreadNotFoundError,
  type CheckpointerErrorCode,
  type CheckpointerErrorOptions,
  type CheckpointerFaultReason,
} from "./checkpointer-error.js";
export type { CheckpointerEvents, CheckpointerRecovered } from "./availability.js";
export { BranchSafePostgresSaver } from "./branch-safe-saver.js";
export { ResilientPostgresSaver } from "./resilient-saver.js";
export { describeConnectionUrl, toCheckpointerError, type ConnectionTarget } from "./connection-errors.js";
export { createCheckpointer } from "./create-checkpointer.js";
export { CHECKPOINTER_DEFAULTS, DEFAULT_EMBEDDED_DATA_DIR, MAX_TIMER_MS } from "./options-schema.js";
export { redactUrl } from "./redact.js";
export { durableConfig, FIREBREAK_DURABILITY, type Durability } from "./durability.js";
export type { CheckpointedGraph } from "./graph-like.js";
export { rollbackTo, type RollbackResult, type RollbackTarget } from "./rollback.js";
export { assertThreadExists } from "./threads.js";
export { pruneCheckpoints, type PruneOptions, type PruneResult, type PruneTarget } from "./prune.js";
export { runExclusive, type RunExclusiveOptions } from "./run-exclusive.js";
