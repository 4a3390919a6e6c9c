/**
 * Test helpers for the guard's tests, over langgraph-firebreak/testing (`scriptedJudge`,
 * `readChallengeRequest`): scripted models stand in for the challenger's judgement and read
 * the claims from the prompt exactly as a real model would see them.
 */
import type { BaseMessage } from "@langchain/core/messages";
import { CHALLENGER_TAGS } from "../../../nodes/index.js";
import { isInvalidOptionsError } from "../../../src/errors.js";
import { readChallengeRequest, scriptedJudge as ruleJudge, type ReadChallengeRequest, type ScriptedChatModel } from "../../../src/testing/index.js";

const FIELD_OF_TAG: Readonly<Record<string, keyof ReadChallengeRequest>> = {
  [CHALLENGER_TAGS.intent]: "intent",
  [CHALLENGER_TAGS.claims]: "claims",
  [CHALLENGER_TAGS.evidence]: "evidence",
};

/**
 * One block of a challenger prompt message (`CHALLENGER_TAGS.intent`, `.claims` or
 * `.evidence`), read with `readChallengeRequest`; undefined when the message is not a
 * challenger prompt or has no such block.
 */
export function dataBlock(message: BaseMessage | undefined, tag: string): any {
  const field = FIELD_OF_TAG[tag];
  if (field === undefined) {
    throw new Error(`dataBlock: "${tag}" is not a challenger block; use one of ${Object.keys(FIELD_OF_TAG).join(", ")} (CHALLENGER_TAGS)`);
  }
  try {
    return readChallengeRequest(message === undefined ? [] : [message])[field];
  } catch (error) {
    if (isInvalidOptionsError(error)) return undefined; // not a challenger prompt
    throw error;
  }
}

/** Every prompt's full text, joined (for "never contains" assertions). */
export function allPromptText(model: ScriptedChatModel): string {
  return model.prompts.map((p) => p.map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content))).join("\n")).join("\n----\n");
}

/**
 * A scripted judge (langgraph-firebreak/testing's `scriptedJudge`) whose rule sees only each
 * claim's text; its reasons quote the verdict and the text.
 */
export function scriptedJudge(rule: (text: string) => "green" | "yellow" | "red", label = "scripted judge"): ScriptedChatModel {
  return ruleJudge(
    (claim) => {
      const verdict = rule(claim.text);
      return { verdict, reasons: [`scripted: ${verdict} for ${JSON.stringify(claim.text)}`] };
    },
    { label },
  );
}

/** A judge that calls everything mentioning `falsehood` red and the rest green. */
export function judgeAgainst(falsehood: string | RegExp): ScriptedChatModel {
  const bad = typeof falsehood === "string" ? (t: string) => t.includes(falsehood) : (t: string) => falsehood.test(t);
  return scriptedJudge((t) => (bad(t) ? "red" : "green"));
}
