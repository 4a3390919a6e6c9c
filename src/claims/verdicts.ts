import { CLAIM_VERDICTS_KIND, type ClaimVerdict, type ClaimVerdicts } from "./claim-schema.js";

/**
 * Builds the one kind of claims update that can change a claim's status: a batch of
 * verdicts signed with the verifier's node name. Write it to the claims key, alone or in a
 * list after new claims (the list is applied in order, all or nothing).
 *
 * **Identity is not self-declared.** The name in the batch counts only when the node the
 * graph declares as that verifier writes it: in zod and `StateSchema` state the channel reads
 * the writing node from LangGraph's config and seals the batch when the names match (a node
 * `sneaky` writing `claimVerdicts("challenger", …)` is rejected, naming the node, the claim
 * and the verifier); in `Annotation.Root` wrap the verifier with `withWriteContract(node,
 * { allowed, role: "verifier" })`; `createChallenger`'s node and the BICR guard seal their
 * own. The reducer accepts only sealed batches, so graph input, `updateState` and anything a
 * model returns cannot carry a verdict; the seal is saved with the write and checked again
 * when LangGraph re-applies it after a restart (set `FIREBREAK_CLAIMS_KEY` to a secret of ≥ 32
 * characters shared by every process; without it a verdict saved by a process that died
 * changes no status in the next one and its claims are flagged for verification again).
 * A batch applies once: its seal binds the version of each claim it judges (how many verdicts the
 * claim had, and the latest one's seal), so the same batch written again after the claim was judged
 * since — green or red, by any node, through `updateState` or graph input — is rejected.
 * `withWriteContract` signs as the running node, whatever its `name` option says.
 *
 * **Evidence.** A verdict that lifts a claim (to green, or red → yellow) must cite evidence
 * that exists — listed in `fetched` (what the verifier fetched in this review) or the claim's
 * own `origin.ref` — and at least one item no earlier verdict on that claim cited. A verdict
 * that lowers a claim needs no new evidence (it is held to the replay binding above). A
 * verifier is never the claim's author, and must be one of `ClaimsOptions.verifiers` when set.
 *
 * Code that imports the package's internals, or reads the key, runs with the graph's own
 * authority and is outside this model.
 *
 * @example
 * ```ts
 * const challenger = async (state: typeof State.State) => ({
 *   claims: claimVerdicts("challenger", [
 *     { id: "c1", status: "green", reason: "The filing says 2021.", evidence: ["doc:10-K#p4"] },
 *   ], { fetched: ["doc:10-K#p4"] }),
 * });
 * ```
 */
export function claimVerdicts(
  verifier: string,
  verdicts: readonly ClaimVerdict[],
  options: {
    /** ISO time of the verdicts. @default the channel's clock */
    readonly at?: string;
    /** Ids of the evidence the verifier fetched in this review. @default [] */
    readonly fetched?: readonly string[];
  } = {},
): ClaimVerdicts {
  return {
    kind: CLAIM_VERDICTS_KIND,
    verifier,
    ...(options.at === undefined ? {} : { at: options.at }),
    ...(options.fetched === undefined ? {} : { fetched: [...options.fetched] }),
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
