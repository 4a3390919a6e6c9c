/**
 * Prebuilt nodes and graph builders to drop into a `StateGraph`.
 * Builders return an uncompiled `StateGraph`: you choose checkpointer and human gates.
 */
export {
  createSupervisorWorkerGraph,
  SupervisorWorkerState,
  type SupervisorWorkerOptions,
  type SupervisorWorkerStateType,
  type SupervisorWorkerUpdate,
  type SupervisorWorkerNode,
  type SupervisorRouter,
  type WorkerSpec,
} from "./supervisor-worker.js";
