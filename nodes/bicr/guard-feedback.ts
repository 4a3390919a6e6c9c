import { HumanMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { FEEDBACK_MESSAGE_PREFIX } from "./guard-claims.js";
import type { FeedbackInjector, GuardFeedback } from "./guard-types.js";

/** The `config.configurable` key under which a retried producer finds its feedback. */
export const GUARD_FEEDBACK_KEY = "firebreak_guard_feedback";

/**
 * The feedback a guarded producer was given for this attempt, or `undefined` on a first
 * attempt (or outside a guard). Use it in a producer that does not read `messages`.
 *
 * @example
 * const researcher = async (state, config) => {
 *   const feedback = readGuardFeedback(config);
 *   return { answer: await research(state.task, feedback?.failed) };
 * };
 */
export function readGuardFeedback(config: RunnableConfig | undefined): GuardFeedback | undefined {
  const value = config?.configurable?.[GUARD_FEEDBACK_KEY];
  return typeof value === "object" && value !== null && (value as GuardFeedback).kind === "firebreak/guard-feedback" ? (value as GuardFeedback) : undefined;
}

/**
 * The feedback as text for a model: which claims were blocked, why, and on what evidence,
 * and what to do about it.
 */
export function renderFeedback(feedback: GuardFeedback): string {
  const lines = [
    `[firebreak guard] Your previous output (attempt ${feedback.attempt}) was blocked before anyone saw it.`,
  ];
  if (feedback.invalidUpdate) lines.push(`It was not a valid update: ${feedback.invalidUpdate}`);
  if (feedback.incompleteReview) lines.push(`It could not be checked completely (${feedback.incompleteReview}), so it was held back.`);
  if (feedback.failed.length > 0) {
    lines.push("An independent checker judged these claims:");
    for (const item of feedback.failed) {
      lines.push(`- ${JSON.stringify(item.text)} — ${item.verdict === "red" ? "contradicted" : "unsupported"}: ${item.reasons.join(" ")}`);
      for (const ev of item.evidence) lines.push(`  evidence ${ev.id}: ${ev.content}`);
    }
  }
  if (feedback.undoneEffects && feedback.undoneEffects.length > 0) {
    lines.push(
      `Its side effects were not kept: ${feedback.undoneEffects.map((e) => `${e.tool} ${JSON.stringify(e.input)} (${e.status === "dropped" ? "never ran" : "undone"})`).join("; ")}. Call a tool again only if the revision still needs it.`,
    );
  }
  lines.push(
    `Revise your answer: correct or drop these claims, and do not repeat them. ` +
      (feedback.remainingAttempts > 1
        ? `Attempts left, including this revision: ${feedback.remainingAttempts}.`
        : "This revision is your last attempt."),
  );
  return lines.join("\n");
}

/** The state a producer receives on a retry, with the feedback put where it will read it. */
export function injectFeedback(
  state: Record<string, unknown>,
  feedback: GuardFeedback,
  mode: "message" | "config" | FeedbackInjector,
  messagesKey: string,
): Record<string, unknown> {
  if (typeof mode === "function") return mode({ ...state }, feedback);
  if (mode === "config" || !Array.isArray(state[messagesKey])) return state;
  const message = new HumanMessage({
    id: `${FEEDBACK_MESSAGE_PREFIX}${feedback.attempt}`,
    name: "firebreak_guard",
    content: renderFeedback(feedback),
  });
  return { ...state, [messagesKey]: [...(state[messagesKey] as unknown[]), message] };
}
