import type { ClaimJudgement } from "./verdict-schema.js";

/**
 * A claim as the challenger sees it: an id, one statement, and its answer value when it is an
 * answer. Deliberately not its author's confidence, its lineage or the conversation: the
 * challenger judges the statement on evidence, not on who said it or how sure they were.
 */
export interface ClaimUnderReview {
  /** Stable id, echoed back in the verdict. */
  readonly id: string;
  /** One atomic statement. */
  readonly text: string;
  /** The answer, when the claim is an answer. */
  readonly value?: string | number | boolean | null;
  /** What else the claim carries that must be judged with it (alternatives' answers, meta, source reference), as JSON data. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What a challenger receives: the original intent and the claims under review — nothing else. */
export interface ChallengeRequest {
  /** The original task, as the user gave it. */
  readonly intent: string;
  /** The claims to judge. */
  readonly claims: readonly ClaimUnderReview[];
}

/** One piece of evidence the challenger fetched for itself. */
export interface EvidenceItem {
  /** Short id the verdict can cite, e.g. `"doc:10-K#p4"` or `"calc:1"`. */
  readonly id: string;
  /** The evidence text. */
  readonly content: string;
  /** Where it came from (URI, tool name…), when known. */
  readonly source?: string;
}

/** The challenger's answer for one request. */
export interface ChallengeResult {
  /** One judgement per claim under review, in the request's order. */
  readonly judgements: readonly ClaimJudgement[];
  /** The evidence the challenger consulted. */
  readonly evidence: readonly EvidenceItem[];
  /** False when the model's reply was not a valid verdict for every claim (fail-closed fills). */
  readonly valid: boolean;
}
