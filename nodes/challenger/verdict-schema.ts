import { z } from "zod/v4";

/**
 * The verdict labels of arXiv:2603.04474: green (entailed by the intent or the evidence),
 * yellow (neither entailed nor contradicted: unsupported), red (contradicted).
 */
export const VERDICTS = ["green", "yellow", "red"] as const;
/** One of {@link VERDICTS}. */
export type Verdict = (typeof VERDICTS)[number];

/**
 * What the challenger's model must return, through structured output: one verdict per
 * claim id, with reasons. The claims' own text never shapes this format — it is fixed here.
 */
export const VerdictReplySchema = z.object({
  verdicts: z
    .array(
      z.object({
        claim_id: z.string().min(1).describe("The id of the claim judged, exactly as given in <claims_under_review>."),
        verdict: z.enum(VERDICTS).describe("green: entailed by the intent or the evidence; yellow: unsupported; red: contradicted."),
        reasons: z.array(z.string().min(1)).min(1).describe("Why, in one or more short sentences."),
        evidence: z.array(z.string().min(1)).default([]).describe("Ids of the evidence items relied on, if any."),
      }),
    )
    .describe("One verdict for every claim under review."),
});
/** A validated structured reply of the challenger's model. */
export type VerdictReply = z.infer<typeof VerdictReplySchema>;

/** The challenger's judgement of one claim. */
export interface ClaimJudgement {
  /** Id of the claim judged. */
  readonly claimId: string;
  /** green, yellow or red. */
  readonly verdict: Verdict;
  /** Why. Never empty. */
  readonly reasons: readonly string[];
  /** Ids of the evidence items relied on. */
  readonly evidence: readonly string[];
  /**
   * False when the model gave no valid verdict for this claim and the challenger filled in a
   * fail-closed `"yellow"` (see `ChallengerOptions.onInvalidReply`).
   */
  readonly fromModel: boolean;
}
