/**
 * Internal: a new claim — checked (shape, ranges, an initial status of "unverified"), given an id,
 * capped and flagged by its parents, and appended. A step of `applyUpdate`; a stored claim written
 * again or a claim handed on goes to `hand-on.ts`.
 */
import type { z } from "zod/v4";
import { ClaimInputSchema, PROBABILITY_EPSILON, totalProbability, type Claim } from "./claim-schema.js";
import { InvalidClaimError, preview } from "./errors.js";
import { fastClaimInput } from "./fast-parse.js";
import type { Transaction } from "./transaction.js";
import { fromZodError } from "./zod-error.js";

export const NEW_CLAIM_STATUS =
  '"unverified": a new claim starts unverified, and only a verifier\'s verdict (claimVerdicts) sets green, yellow or red';

/** Appends the new claim `raw` (its id `rawId` when it has one): checked, capped and flagged by its parents. */
export function addNewClaim(txn: Transaction, index: number, raw: Record<string, unknown>, rawId: string | undefined): void {
  const input = checkNewClaimShape(index, raw);
  const { basedOn, cap, doubt, taint } = txn.lineageOf(index, rawId, input.origin.basedOn, input.requiresVerification, input.taint);

  const position = txn.nextPosition();
  const id = rawId ?? txn.freshId(position, input.origin.agent, input.text);
  const confidence = Math.min(input.confidence, cap);
  // Built field by field (not with conditional spreads): this runs once per claim written.
  const origin: Claim["origin"] = { agent: input.origin.agent, source: input.origin.source, at: "", basedOn };
  if (input.origin.ref !== undefined) origin.ref = input.origin.ref;
  origin.at = input.origin.at ?? txn.now();
  const claim: Claim = { id, text: input.text, origin, confidence, alternatives: input.alternatives, requiresVerification: doubt, status: "unverified" };
  if (input.value !== undefined) claim.value = input.value;
  if (confidence < input.confidence) claim.statedConfidence = input.confidence;
  if (taint !== undefined && taint.size > 0) claim.taint = [...taint].sort();
  if (input.meta !== undefined) claim.meta = input.meta;
  txn.append(claim);
}

/** Checks a new claim's shape and ranges; returns it parsed (defaults applied). */
export function checkNewClaimShape(index: number, raw: Record<string, unknown>): z.output<typeof ClaimInputSchema> {
  const id = typeof raw["id"] === "string" && raw["id"].length > 0 ? raw["id"] : undefined;
  if (raw["status"] !== undefined && raw["status"] !== "unverified") {
    throw new InvalidClaimError({
      index,
      claimId: id,
      field: "status",
      expected: NEW_CLAIM_STATUS,
      received: preview(raw["status"]),
    });
  }
  if (raw["verifiedBy"] !== undefined) {
    throw new InvalidClaimError({
      index,
      claimId: id,
      field: "verifiedBy",
      expected: "no value: only a verifier's verdict (claimVerdicts) records who verified a claim",
      received: preview(raw["verifiedBy"]),
    });
  }
  let input = fastClaimInput(raw);
  if (input === undefined) {
    const parsed = ClaimInputSchema.safeParse(raw);
    if (!parsed.success) throw fromZodError(index, id, raw, parsed.error);
    input = parsed.data;
  }
  const total = totalProbability(input);
  if (total > 1 + PROBABILITY_EPSILON) {
    throw new InvalidClaimError({
      index,
      claimId: id,
      field: "alternatives",
      expected: "confidence plus the alternatives' confidences to be at most 1 (they are probabilities of exclusive answers)",
      received: `a total of ${round(total)}`,
    });
  }

  return input;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
