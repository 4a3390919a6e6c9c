/** Internal: a claim's verdict history (`history` then `verifiedBy`), and comparing its records. */
import type { ClaimVerification } from "./claim-schema.js";

/** A claim's verdict history, oldest first, the latest verdict last. */
export function chainOf(claim: { readonly history?: readonly ClaimVerification[] | undefined; readonly verifiedBy?: ClaimVerification | undefined }): ClaimVerification[] {
  const history = Array.isArray(claim.history) ? claim.history : [];
  return claim.verifiedBy === undefined || claim.verifiedBy === null ? [...history] : [...history, claim.verifiedBy];
}

/** True when two verification records are the same one (by seal when sealed). */
export function sameRecord(a: ClaimVerification, b: ClaimVerification): boolean {
  if (a.seal !== undefined || b.seal !== undefined) return a.seal?.mac === b.seal?.mac && a.seal?.k === b.seal?.k;
  return JSON.stringify(a) === JSON.stringify(b);
}
