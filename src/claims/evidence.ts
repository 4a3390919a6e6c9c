/**
 * Internal: the evidence rule. A verdict that lifts a claim (to green, or red → yellow) cites
 * evidence that exists — fetched by the verifier in that review, or the claim's own
 * `origin.ref` — and at least one item no earlier verdict on that claim cited. Evidence ids are
 * normalised once, when a batch is sealed and when it is parsed: trimmed, and a blank id is no
 * evidence at all.
 */
import type { Claim } from "./claim-schema.js";
import { InvalidClaimError, preview } from "./errors.js";
import { chainOf } from "./verdict-history.js";

/** Evidence ids without surrounding white space, blank ones dropped (a blank id is no evidence). */
export function normalizeEvidence(ids: readonly string[] | undefined): string[] {
  const out: string[] = [];
  if (ids === undefined) return out;
  for (const id of ids) {
    const t = id.trim();
    if (t !== "") out.push(t);
  }
  return out;
}

/** True when a verdict of `status` on `claim` lifts it (to green from anything else, or red → yellow): the evidence rule applies. */
export function liftsClaim(claim: Claim, status: string): boolean {
  return status === "green" ? claim.status !== "green" : claim.status === "red" && status === "yellow";
}

/**
 * Checks the evidence rule for verdict `j` of the batch at `index` (ids already normalised).
 * Throws {@link InvalidClaimError} naming the claim, the verifier and what is missing.
 */
export function checkEvidence(
  index: number,
  j: number,
  verifier: string,
  claim: Claim,
  verdict: { readonly status: string; readonly evidence: readonly string[] },
  fetched: ReadonlySet<string>,
): void {
  const ref = claim.origin.ref?.trim();
  const missing = verdict.evidence.filter((e) => !fetched.has(e) && e !== ref);
  if (verdict.evidence.length === 0 || missing.length > 0) {
    throw new InvalidClaimError({
      index,
      claimId: claim.id,
      field: `verdicts[${j}].evidence`,
      expected:
        `evidence that exists — fetched by the verifier in this review (the batch's \`fetched\`: ${preview([...fetched])}) or the claim's origin.ref — ` +
        `to turn a ${claim.status} claim ${verdict.status}${missing.length > 0 ? `; not found: ${preview(missing)}` : ""}`,
      received: preview(verdict.evidence),
      verifier,
    });
  }
  const cited = new Set<string>();
  for (const v of chainOf(claim)) for (const e of v.evidence) cited.add(e.trim());
  if (!verdict.evidence.some((e) => !cited.has(e))) {
    throw new InvalidClaimError({
      index,
      claimId: claim.id,
      field: `verdicts[${j}].evidence`,
      expected: `at least one evidence reference no earlier verdict on this claim cited (they cited ${preview([...cited])}): a ${claim.status} claim turns ${verdict.status} only on new evidence`,
      received: preview(verdict.evidence),
      verifier,
    });
  }
}
