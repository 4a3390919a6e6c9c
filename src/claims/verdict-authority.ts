/**
 * Internal: who vouches for a verdict batch — its seal, checked against the batch, the claims it
 * judges and the version of each (a batch applies once, to the claims as its verifier saw them) —
 * or, in a preview only (`reduceClaims(…, { writer })`), the caller's word. A step of `applyVerdicts`.
 */
import { InvalidClaimError, preview } from "./errors.js";
import { batchPayload, checkSeal, fingerprint, type ClaimVersion } from "./seal.js";
import type { Transaction } from "./transaction.js";
import type { ParsedBatch } from "./apply-verdicts.js";
import { quote } from "../internal/quote.js";

/**
 * Who vouches for a verdict batch: its seal (checked against the batch and the claims it
 * judges), or — in a preview only — the caller's `writer`. Returns whether the verdicts
 * it records are sealed, or `"unconfirmed"` for a seal of another key.
 */
export function sealAuthority(
  txn: Transaction,
  index: number,
  batch: ParsedBatch,
  positions: readonly number[],
  versions: readonly ClaimVersion[],
): boolean | "unconfirmed" {
  if (batch.seal === undefined) {
    if (txn.context.writer !== undefined && txn.context.writer === batch.verifier) return false;
    throw new InvalidClaimError({
      index,
      claimId: batch.verdicts[0]?.id,
      field: "seal",
      expected:
        `a verdict batch sealed where its writer is known: a verdict counts only when the node the graph declares as verifier ${quote(batch.verifier, 60)} writes it. ` +
        `In zod or StateSchema state the channel checks the writing node itself; in Annotation.Root wrap the verifier node with ` +
        `withWriteContract(node, { allowed: [...], role: "verifier" }), or use createChallenger's node or a BICR guard`,
      received: "an unsealed batch (from a node the reducer cannot identify, the graph input, or a state edit)",
      verifier: batch.verifier,
    });
  }
  const made = batch.versions;
  if (made !== undefined) {
    for (let j = 0; j < versions.length; j++) {
      if (made[j] === versions[j]![0]) continue;
      const id = batch.verdicts[j]!.id;
      throw new InvalidClaimError({
        index,
        claimId: id,
        field: `versions[${j}]`,
        expected:
          `a verdict batch made on the claim as it stands (${versions[j]![0]} verdict(s) so far): a sealed batch applies once, to the ` +
          `version of the claim its verifier judged, so a batch replayed after the claim was judged again (copied from a stream, a ` +
          `checkpoint, updateState or another node) is rejected. Let verifier ${quote(batch.verifier, 60)} judge the claim again`,
        received: `a batch made when the claim had ${made[j] ?? "?"} verdict(s)`,
        verifier: batch.verifier,
      });
    }
  }
  const check = checkSeal(batch.seal, batchPayload(batch, positions.map((p) => fingerprint(txn.at(p))), versions));
  if (check === "foreign") return "unconfirmed";
  if (check === "invalid") {
    throw new InvalidClaimError({
      index,
      claimId: batch.verdicts[0]?.id,
      field: "seal",
      expected: `the seal minted for this very batch by verifier ${quote(batch.verifier, 60)}: the batch or a claim it judges was altered, or the seal was copied from another batch`,
      received: preview(batch.seal),
      verifier: batch.verifier,
    });
  }
  return true;
}
