/**
 * The defaults of the **scripted** cascade world (adoption agents, scripted judge, planted
 * source, per-call costs), each with where it comes from. They are defaults, not fits: the
 * cascade benchmark prints a sensitivity table over recall, specificity, correlation and the
 * discount, so a reader sees how much a conclusion rests on any one of them.
 */

/** Parameters of the scripted world. */
export interface ScriptedWorld {
  /**
   * The judge's recall: P(red | the evidence contradicts the claim). The lineage-based
   * governance of arXiv:2603.04474 measured 0.89–0.94 defence success; 0.9 sits in that range.
   */
  readonly recall: number;
  /**
   * The judge's specificity: P(green | the evidence supports the claim); a true claim is judged
   * yellow ("could not confirm") otherwise. No paper gives this judge's figure: 0.9 is the
   * condition issue #18 sets (recall 0.9, specificity 0.9), symmetric with recall.
   */
  readonly specificity: number;
  /**
   * Probability that the judge repeats a previous error on the same claim (text and value)
   * within one run, instead of judging afresh. 0 is the old independent judge, 1 a judge that
   * is deterministic on identical input (temperature 0). No published figure for this
   * judge: 0.5 is the midpoint, and the sensitivity table spans 0–1.
   */
  readonly correlation: number;
  /**
   * Factor on an adopter's β for a claim it can see is doubtful (risk `"high"` by `claimRisk`,
   * or `requiresVerification`). arXiv:2603.26993 measured ~2.8 accuracy points lost per stage
   * when the relay carries a structured posterior (answer and probabilities) against ~8.5 for
   * prose: a reader shown the uncertainty passes on about a third of the errors (2.8 / 8.5 ≈
   * 0.33). An analogy, not a measurement of adoption; see the sensitivity table.
   */
  readonly discount: number;
  /**
   * Probability that a planted source stops asserting its falsehood for the rest of the run
   * once a guard's feedback names it. 0: the seed agent of arXiv:2603.04474, whose context
   * holds the falsehood, keeps asserting it (the worst case, and the paper's set-up).
   */
  readonly sourceCorrection: number;
  /**
   * Tokens one agent call costs: the prompt of this benchmark's model-backed agent (system,
   * task and its teammates' claims as a structured posterior) at 4 characters a token —
   * ~760 tokens for the supervisor reading 8 workers, ~170 for a worker or the writer reading
   * one claim, ~470 averaged over an unguarded run's 18 calls — plus a ~30-token reply.
   */
  readonly agentTokens: number;
  /**
   * Tokens one judge call costs: the challenger's prompt in this benchmark (task, one claim,
   * one evidence item) measured at ~1,360 characters (~340 tokens), plus a ~60-token verdict.
   */
  readonly judgeTokens: number;
}

/** The scripted world's defaults (see {@link ScriptedWorld} for where each comes from). */
export const SCRIPTED_WORLD: ScriptedWorld = Object.freeze({
  recall: 0.9,
  specificity: 0.9,
  correlation: 0.5,
  discount: 0.33,
  sourceCorrection: 0,
  agentTokens: 500,
  judgeTokens: 400,
});
