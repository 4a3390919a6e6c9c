import { CLAIM_VERDICTS_KIND, type ClaimVerdict, type ClaimVerdicts } from "./claim-schema.js";

/**
 * Builds the one kind of claims update that can change a claim's status: a batch of
 * verdicts signed with the verifier's node name. Write it to the claims key, alone or in a
 * list after new claims (the list is applied in order, all or nothing).
 *
 * The channel checks every verdict: the claim exists, the verifier is allowed (see
 * `ClaimsOptions.verifiers`) and is not the claim's author, and a red claim is upgraded only
 * by a verdict citing evidence the red verdict did not. The reducer cannot see which node
 * wrote the batch, so `verifier` is the writer's word: wrap producer nodes with
 * `withWriteContract` so they cannot write verdicts at all, and verifier nodes so they can
 * only sign with their own name.
 *
 * @example
 * ```ts
 * const challenger = async (state: typeof State.State) => ({
 *   claims: claimVerdicts("challenger", [
 *     { id: "c1", status: "red", reason: "The filing says 2019, not 2021.", evidence: ["doc:10-K#p4"] },
 *   ]),
 * });
 * ```
 */
export function claimVerdicts(
  verifier: string,
  verdicts: readonly ClaimVerdict[],
  options: { readonly at?: string } = {},
): ClaimVerdicts {
  return {
    kind: CLAIM_VERDICTS_KIND,
    verifier,
    ...(options.at === undefined ? {} : { at: options.at }),
    verdicts: verdicts.map((v) => ({ ...v })),
  };
}

/** True when `value` is tagged as a verdict batch (its content is checked by the channel). */
export function isClaimVerdicts(value: unknown): value is ClaimVerdicts {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { kind?: unknown }).kind === CLAIM_VERDICTS_KIND
  );
}
