/**
 * Every error class of the pack and its `isX` guard, one class per code of
 * {@link FIREBREAK_ERROR_CODES}, importable from the root (each is also exported by its
 * capability's subpath). Every guard tests the shared `Symbol.for` brand and the code, so it
 * works across duplicate installs. The table (code, class, when, what to do) is in `docs/errors.md`.
 */
export {
  FIREBREAK_ERROR_CODES,
  FirebreakError,
  hasFirebreakCode,
  isFirebreakError,
  type FirebreakErrorCode,
} from "./internal/errors.js";
export { InvalidOptionsError, isInvalidOptionsError, MAX_OPTION_PROBLEMS, type OptionProblem } from "./internal/options-schema.js";
export { InvalidOutputError, isInvalidOutputError, type InvalidOutputDetails } from "./internal/invalid-output-error.js";
export { UsageError, isUsageError } from "./cli/usage-error.js";
export { ChaosError, isChaosError } from "./chaos/chaos-error.js";
export { TracingError, isTracingError } from "./tracing/tracing-error.js";
export { CircuitOpenError, FailoverExhaustedError, isCircuitOpenError, isFailoverExhaustedError } from "./breaker/breaker-errors.js";
export {
  IntentAlreadySetError,
  InvalidClaimError,
  isIntentAlreadySetError,
  isInvalidClaimError,
  isWriteContractError,
  WriteContractError,
  type InvalidClaimDetails,
} from "./claims/errors.js";
export { isTopologyError, TopologyError } from "./topology/topology-error.js";
export { EffectFailedError, isEffectFailedError } from "./effects/effect-error.js";
export { GuardExhaustedError, InvalidResumeError, isGuardExhaustedError, isInvalidResumeError } from "../nodes/bicr/guard-errors.js";
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
} from "../checkpointers/checkpointer-error.js";
