/**
 * Recover: a blocked attempt is discarded — the parent's state is exactly as before the
 * producer ran — and only a feedback package survives for the producer's next attempt.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { EvidenceItem } from "../challenger/types.js";
import { emitEffect, settle } from "./guard-effects.js";
import { emitBicr } from "./guard-events.js";
import { producerName, type ResolvedGuard } from "./guard-options.js";
import type { Buffered, GuardState, Review } from "./guard-state.js";
import type { GuardFeedback } from "./guard-types.js";

/** The feedback a blocked attempt leaves: which items blocked it, why, on what evidence. */
export function feedbackFor(name: string, buffer: Buffered, review: Review, maxAttempts: number): GuardFeedback {
  const evidenceById = new Map<string, EvidenceItem>(review.evidence.map((e) => [e.id, e]));
  const text = new Map(buffer.claims.map((c) => [c.id, c.text]));
  const blocking = new Set(review.blocking);
  return {
    kind: "firebreak/guard-feedback",
    producer: name,
    attempt: buffer.attempt,
    remainingAttempts: maxAttempts - buffer.attempt,
    failed: review.judgements
      .filter((j) => blocking.has(j.claimId))
      .map((j) => ({
        claimId: j.claimId,
        text: text.get(j.claimId) ?? "",
        verdict: j.verdict,
        reasons: [...j.reasons],
        evidence: j.evidence.map((id) => evidenceById.get(id)).filter((e): e is EvidenceItem => e !== undefined),
      })),
    ...(buffer.invalid === undefined ? {} : { invalidUpdate: buffer.invalid }),
    ...(review.incomplete === undefined ? {} : { incompleteReview: review.incomplete }),
  };
}

/** The Recover stage: discard the buffer, keep the feedback, go back to Buffer. */
export function recoverStage(o: ResolvedGuard) {
  return async (s: GuardState, config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    // The blocked attempt's deferred effects are dropped (its compensated ones were undone by bicr_undo).
    const effects = settle(s.bicr_effects, s.bicr_buffer!.attempt, false);
    for (const entry of effects.changed) await emitEffect(o, name, entry, config);
    const undone = effects.ledger.filter((e) => e.attempt === s.bicr_buffer!.attempt && (e.status === "dropped" || e.status === "compensated"));
    const base = feedbackFor(name, s.bicr_buffer!, s.bicr_review!, o.maxAttempts);
    const feedback: GuardFeedback = undone.length === 0 ? base : { ...base, undoneEffects: undone.map((e) => ({ tool: e.tool, status: e.status, input: e.input })) };
    await emitBicr(
      { guard: name, attempt: feedback.attempt, maxAttempts: o.maxAttempts, stage: "recover", discarded: true, failed: feedback.failed.map((f) => f.claimId), feedback },
      config,
    );
    return { bicr_feedback: feedback, bicr_buffer: null, bicr_review: null, ...(effects.changed.length === 0 ? {} : { bicr_effects: effects.ledger }) };
  };
}
