/**
 * When a blocked attempt is retried: while attempts are left, unless (`repeatedRed: "exhaust"`)
 * it was blocked only by re-assertions of claims the red ledger holds.
 */
import type { ResolvedGuard } from "./guard-options.js";
import type { Review } from "./guard-state.js";

/**
 * Whether a blocked attempt is retried: attempts left, and (`repeatedRed: "exhaust"`) not blocked
 * only by re-assertions of claims the red ledger holds.
 */
export function retryAfterBlock(o: Pick<ResolvedGuard, "maxAttempts" | "repeatedRed">, attempt: number, review: Review | null | undefined): boolean {
  if (attempt >= o.maxAttempts) return false;
  return !(o.repeatedRed === "exhaust" && onlyRepeats(review));
}

/** True when every claim that blocked the attempt re-asserts a red claim of the ledger (and nothing else went wrong). */
export function onlyRepeats(review: Review | null | undefined): boolean {
  if (review === null || review === undefined || review.blocking.length === 0 || review.incomplete !== undefined) return false;
  return review.blocking.every((id) => review.repeats?.[id] !== undefined);
}
