/**
 * The semantic circuit breaker: a chat-model wrapper that judges the content of every
 * answer, counts bad answers like transport failures on cockatiel circuits, and fails over.
 * (The LangChain v1 `createAgent` middleware lives in `langgraph-firebreak/breaker/middleware`.)
 */
export { withSemanticBreaker, SemanticBreakerChatModel, ATTEMPT_TAG, REJECTED_EVENT } from "./chat-model.js";
export type { SemanticBreakerOptions, ProviderOptions } from "./options.js";
export { SemanticBreaker } from "./semantic-breaker.js";
export type { BreakerSnapshot, RetryOptions, AttemptInfo, RunResult } from "./semantic-breaker.js";
export type { TripRule, HalfOpenAfter } from "./provider-circuit.js";
export { localCircuitStore, isCircuitStore } from "./store/circuit-store.js";
export type { CircuitStore, CircuitLink, LinkListener, LinkSpec, FleetState, SharedTripRule, StoreEvent } from "./store/circuit-store.js";
export { createRedisCircuitStore, type RedisCircuitStore } from "./store/redis-circuit-store.js";
export type { RedisCircuitStoreOptions, RedisClientLike } from "./store/redis-store-options.js";
export { CircuitOpenError, FailoverExhaustedError, isCircuitOpenError, isFailoverExhaustedError } from "./breaker-errors.js";
export { classifyFailure, isCountedKind, type FailureClass } from "./classify-failure.js";
export { defineCheck, checkName } from "./define-check.js";
export { answerText, answerJson, answerToolCalls, type JsonReading } from "./answer-text.js";
export { nonEmpty, minLength, type NonEmptyOptions } from "./checks/non-empty.js";
export { schema, type SchemaCheckOptions, type StandardSchemaLike } from "./checks/schema.js";
export { repetition, type RepetitionOptions } from "./checks/repetition.js";
export { refusal, DEFAULT_REFUSAL_PATTERNS, type RefusalOptions } from "./checks/refusal.js";
export { confidenceFloor, type ConfidenceFloorOptions } from "./checks/confidence-floor.js";
export { coherence, type CoherenceOptions } from "./checks/coherence.js";
export {
  HashedNgramEmbeddings,
  cosineSimilarity,
  type HashedNgramEmbeddingsOptions,
} from "./checks/hashed-embeddings.js";
export type {
  AttemptFailure,
  BreakEvent,
  BreakerAnswer,
  Check,
  CheckContext,
  CheckVerdict,
  CircuitStateName,
  FailureKind,
  NamedVerdict,
  ProviderStatus,
  StateChangeEvent,
} from "./types.js";
