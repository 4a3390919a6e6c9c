/**
 * A **scripted** judge for the challenger: a `ScriptedChatModel` that answers the challenger's
 * verdict call by applying a rule to each claim under review. It stands in for a model's
 * judgement in tests and offline examples; label what it produces as scripted.
 */
import type { ClaimUnderReview } from "../../nodes/challenger/types.js";
import type { Verdict } from "../../nodes/challenger/verdict-schema.js";
import { VERDICT_FUNCTION } from "../../nodes/challenger/challenger-prompt.js";
import { InvalidOptionsError } from "../internal/options-schema.js";
import { readChallengeRequest, type ReadChallengeRequest } from "./challenge-request.js";
import { ScriptedChatModel } from "./scripted-chat-model.js";

/** What a rule answers for one claim: a verdict, or a verdict with its reasons and cited evidence ids. */
export type JudgeAnswer = Verdict | { readonly verdict: Verdict; readonly reasons?: readonly string[]; readonly evidence?: readonly string[] };

/** A judge's rule: the verdict on one claim, given the whole request (intent, claims, evidence). */
export type JudgeRule = (claim: ClaimUnderReview, request: ReadChallengeRequest) => JudgeAnswer;

/** Options of {@link scriptedJudge}. */
export interface ScriptedJudgeModelOptions {
  /** A label shown in traces and errors. @default "scripted judge" */
  readonly label?: string;
}

/**
 * Creates a scripted judge from a rule. In the challenger's evidence phase (tools bound, no
 * verdict function) it calls no tool; in the verdict phase it answers one verdict per claim.
 * Its `prompts` and `callCount` show what the challenger sent.
 *
 * @example
 * ```ts
 * const judge = scriptedJudge((claim) => (claim.text.includes("0.4437") ? "green" : "red"));
 * const challenger = createChallenger({ model: judge });
 * ```
 */
export function scriptedJudge(rule: JudgeRule, options: ScriptedJudgeModelOptions = {}): ScriptedChatModel {
  if (typeof rule !== "function") {
    throw new InvalidOptionsError("scriptedJudge", [{ option: "rule", received: typeof rule, allowed: 'a function (claim, request) => "green" | "yellow" | "red"' }], {
      message: `scriptedJudge: rule must be a function (claim, request) => "green" | "yellow" | "red"; received ${typeof rule}.`,
    });
  }
  return new ScriptedChatModel({
    label: options.label ?? "scripted judge",
    script: ({ messages, tools }) => {
      if (tools.length > 0 && !tools.includes(VERDICT_FUNCTION)) return ""; // evidence phase: fetch nothing more
      const request = readChallengeRequest(messages);
      const verdicts = request.claims.map((claim) => {
        const answer = rule(claim, request);
        const { verdict, reasons, evidence } = typeof answer === "string" ? { verdict: answer, reasons: undefined, evidence: undefined } : answer;
        return {
          claim_id: claim.id,
          verdict,
          reasons: reasons !== undefined && reasons.length > 0 ? [...reasons] : [`scripted rule: ${verdict}`],
          ...(evidence !== undefined ? { evidence: [...evidence] } : {}),
        };
      });
      return { structured: { verdicts } };
    },
  });
}
