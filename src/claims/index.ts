/**
 * Claims: the Epistemic Boundary Protocol as LangGraph state. Every claim travels with its
 * origin, its author's confidence, its lineage and whether anyone independent has checked
 * it; handoffs carry a structured posterior instead of prose (arXiv:2603.04474,
 * arXiv:2603.26993).
 */
export {
  CLAIM_SOURCES,
  CLAIM_STATUSES,
  CLAIM_VERDICTS_KIND,
  ClaimAlternativeSchema,
  ClaimInputSchema,
  ClaimOriginSchema,
  ClaimSchema,
  ClaimSealSchema,
  ClaimsStateSchema,
  ClaimValueSchema,
  ClaimVerdictSchema,
  ClaimVerdictsSchema,
  ClaimVerificationSchema,
  VERDICT_STATUSES,
  totalProbability,
  type Claim,
  type ClaimAlternative,
  type ClaimInput,
  type ClaimOrigin,
  type ClaimSeal,
  type ClaimSource,
  type ClaimStatus,
  type ClaimsUpdate,
  type ClaimsUpdateItem,
  type ClaimValue,
  type ClaimVerdict,
  type ClaimVerdicts,
  type ClaimVerification,
  type VerdictStatus,
} from "./claim-schema.js";
export { claimsChannel, claimsField, claimsReducer, type ClaimsChannel, type ClaimsField } from "./claims-channel.js";
export { ClaimsOptionsSchema, type ClaimsOptions, type ResolvedClaimsOptions } from "./claims-options.js";
export {
  IntentAlreadySetError,
  InvalidClaimError,
  WriteContractError,
  isIntentAlreadySetError,
  isInvalidClaimError,
  isWriteContractError,
  type InvalidClaimDetails,
} from "./errors.js";
export { createHandoff, type Handoff, type HandoffOptions } from "./handoff.js";
export {
  IntentInputSchema,
  IntentSchema,
  intentChannel,
  intentField,
  reduceIntent,
  type Intent,
  type IntentInput,
  type IntentOptions,
  type IntentUpdate,
} from "./intent.js";
export {
  claimsChanges,
  confirmingContexts,
  descendants,
  getClaim,
  isDerivedFrom,
  lineage,
  type ClaimsChanges,
  type ClaimsSource,
} from "./lineage.js";
export {
  PosteriorReplySchema,
  claimRisk,
  claimRisks,
  formatPosterior,
  fromPosterior,
  toPosterior,
  type ClaimRisk,
  type FromPosteriorOptions,
  type Posterior,
  type PosteriorClaim,
  type PosteriorReply,
} from "./posterior.js";
export { YELLOW_CAP, effectiveConfidence, reduceClaims, type ReduceContext } from "./reduce-claims.js";
export type { ReducerChannel } from "../internal/state-field.js";
export { claimVerdicts, isClaimVerdicts } from "./verdicts.js";
export {
  withWriteContract,
  type ContractNode,
  type ContractRole,
  type WriteContract,
} from "./write-contract.js";
