/**
 * Internal: doubt reaches every descendant. A red or yellow verdict (or a claim losing green)
 * flags and caps everything built on the judged claim, however deep; a green verdict does not
 * lift doubt while an ancestor is still red or yellow. Steps of `applyUpdate`.
 */
import type { Claim } from "./claim-schema.js";
import type { Transaction } from "./transaction.js";

/**
 * The confidence a yellow claim lends its descendants at most: a claim that is neither
 * entailed nor contradicted is a coin toss for what is built on it. A red claim lends 0.
 */
export const YELLOW_CAP = 0.5;

/** What a claim lends its descendants at most: red 0, yellow ≤ {@link YELLOW_CAP}, else its confidence. */
export function effectiveConfidence(claim: Claim): number {
  if (claim.status === "red") return 0;
  if (claim.status === "yellow") return Math.min(claim.confidence, YELLOW_CAP);
  return claim.confidence;
}

/** Doubt reached a stored claim: it loses green, requires verification, and so does everything built on it. */
export function doubtClaim(txn: Transaction, position: number, confidence: number): void {
  const claim = txn.at(position);
  const next: Claim = { ...claim, status: claim.status === "green" ? "unverified" : claim.status, requiresVerification: true, confidence: Math.min(claim.confidence, confidence) };
  if (next.confidence < claim.confidence && next.statedConfidence === undefined) next.statedConfidence = claim.confidence;
  txn.set(position, next);
  spreadDoubt(txn, position);
}

/**
 * True when an ancestor of `claim` is red or yellow. The channel keeps two facts that bound
 * the walk: a claim with a red ancestor has confidence 0 and one with a yellow ancestor at
 * most {@link YELLOW_CAP} (the cap reaches every descendant), and it requires verification.
 * So a claim above the cap, or not flagged, has no such ancestor: the walk never enters it.
 * O(flagged ancestors at or below the cap); none for a claim above it.
 */
export function restsOnDoubt(txn: Transaction, claim: Claim): boolean {
  if (claim.confidence > YELLOW_CAP) return false;
  const seen = new Set<number>();
  const stack: number[] = [];
  const visit = (c: Claim) => {
    for (const id of c.origin.basedOn) {
      const p = txn.position(id);
      if (p >= 0 && !seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  };
  visit(claim);
  while (stack.length > 0) {
    const parent = txn.at(stack.pop()!);
    if (parent.status === "red" || parent.status === "yellow") return true;
    if (parent.requiresVerification && parent.confidence <= YELLOW_CAP) visit(parent);
  }
  return false;
}

/**
 * Doubt reaches every descendant of the claim at `from`, however deep: each loses green
 * (it becomes `"unverified"` again, keeping its verdict history), requires verification, and
 * is capped by its parents' effective confidence (red 0, yellow ≤ {@link YELLOW_CAP}).
 * A claim is revisited only when its confidence fell, so the walk ends; O(descendants).
 */
export function spreadDoubt(txn: Transaction, from: number): void {
  const seen = new Set<number>();
  const stack = [from];
  while (stack.length > 0) {
    const parent = txn.at(stack.pop()!);
    for (const p of txn.children(parent.id)) {
      const child = txn.at(p);
      let cap = 1;
      for (const id of child.origin.basedOn) {
        const q = txn.position(id);
        if (q >= 0) cap = Math.min(cap, effectiveConfidence(txn.at(q)));
      }
      const confidence = Math.min(child.confidence, cap);
      const status = child.status === "green" ? "unverified" : child.status;
      const changed = confidence < child.confidence || status !== child.status || !child.requiresVerification;
      if (changed) {
        const next: Claim = { ...child, status, requiresVerification: true, confidence };
        if (confidence < child.confidence && next.statedConfidence === undefined) next.statedConfidence = child.confidence;
        txn.set(p, next);
      }
      if (changed || !seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
}
