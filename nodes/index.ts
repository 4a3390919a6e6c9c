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
export {
  createChallenger,
  type Challenger,
  type ChallengerOptions,
  type ResolvedChallengerOptions,
  type EvidenceFetcher,
  type EvidenceRetriever,
  type EvidenceSource,
} from "./challenger/create-challenger.js";
export { CHALLENGER_TAGS, VERDICT_FUNCTION, encodeData } from "./challenger/challenger-prompt.js";
export { readIntent, type IntentSelector } from "./challenger/intent.js";
export { REVIEW_POLICIES, selectForReview, type ReviewPolicy, type PolicyClaim, type KnownClaim, type PolicyContext } from "./challenger/review-policy.js";
export type { ChallengeRequest, ChallengeResult, ClaimUnderReview, EvidenceItem } from "./challenger/types.js";
export { VERDICTS, VerdictReplySchema, type Verdict, type VerdictReply, type ClaimJudgement } from "./challenger/verdict-schema.js";
export { createBicrGuard, type BicrGuard, type BicrGuardInfo } from "./bicr/create-bicr-guard.js";
export { guardNode, guardNodeInPlace, guardOf, type GuardNodeOptions } from "./bicr/guard-node.js";
export type { GuardEvents, GuardListener } from "./bicr/guard-listeners.js";
export { GuardExhaustedError, InvalidResumeError, isGuardExhaustedError, isInvalidResumeError } from "./bicr/guard-errors.js";
export { BICR_EVENT, type BicrStage, type BicrEventPayload } from "./bicr/guard-events.js";
export { GUARD_FEEDBACK_KEY, readGuardFeedback, renderFeedback } from "./bicr/guard-feedback.js";
export { GUARD_RECORDS_KEY, guardRecordsChannel } from "./bicr/guard-record.js";
export { HIGH_RISK_META } from "./bicr/commit.js";
export type {
  AttemptClaimRecord,
  AttemptRecord,
  BicrGuardOptions,
  BufferedClaim,
  ClaimExtractionContext,
  ClaimExtractor,
  EscalationPacket,
  EscalationResume,
  ExhaustedMode,
  FeedbackInjector,
  FeedbackItem,
  GuardFeedback,
  GuardOutcome,
  GuardProducer,
  GuardRecord,
  ParentStateSource,
  WithheldItem,
} from "./bicr/guard-types.js";
