import { FirebreakError, hasFirebreakCode } from "../../src/internal/errors.js";
import type { GuardRecord } from "./guard-types.js";

/**
 * Thrown by a guard with `onExhausted: "fail"` when every attempt was blocked. Shared state is
 * exactly as it was before the producer ran; `record` holds every attempt and verdict.
 */
export class GuardExhaustedError extends FirebreakError {
  override name = "GuardExhaustedError";
  /** The guarded producer node. */
  readonly node: string;
  /** The full record of the handoff (outcome `"failed"`). */
  readonly record: GuardRecord;

  constructor(record: GuardRecord) {
    const last = record.attempts[record.attempts.length - 1];
    const blocking = (last?.claims ?? []).filter((c) => c.verdict === "red" || c.verdict === "yellow");
    const detail = last?.invalidUpdate
      ? `its update was invalid: ${last.invalidUpdate}`
      : blocking.map((c) => `claim ${c.id} ${c.verdict}: ${c.reasons.join(" ")}`).join("; ") || "no detail";
    super(
      "GUARD_EXHAUSTED",
      `Guard on node "${record.guard}" blocked all ${record.attempts.length} attempt(s); last attempt: ${detail.replace(/[.\s]+$/, "")}. ` +
        `Nothing reached shared state.${uncompensatedText(record)} Fix the producer or its evidence, raise maxAttempts, or set onExhausted to "interrupt" (human review, needs a checkpointer) or "degrade".`,
    );
    this.node = record.guard;
    this.record = record;
  }
}

/** The effects whose compensation failed (they are still in the world), as a sentence, or nothing. */
function uncompensatedText(record: GuardRecord): string {
  const last = record.attempts.length;
  const failed = (record.effects ?? []).filter((e) => e.status === "compensation-failed" || (e.status === "applied" && e.attempt === last));
  if (failed.length === 0) return "";
  return ` But ${failed.length} side effect(s) could not be undone: ${failed.map((e) => `${e.tool} (key ${e.key}): ${e.error ?? "not undone after an earlier compensation failed"}`).join("; ")}; undo them by hand.`;
}

/** True for a {@link GuardExhaustedError}, even one thrown by another copy of the package. */
export function isGuardExhaustedError(error: unknown): error is GuardExhaustedError {
  return hasFirebreakCode(error, "GUARD_EXHAUSTED");
}

/**
 * Code `INVALID_RESUME`: an escalated guard was resumed with a value that is not an answer
 * (`{ action: "approve" | "reject" | "edit", … }`). Fix the code that answers escalations;
 * LangGraph keeps the resume value with the interrupt, so resuming again replays it.
 */
export class InvalidResumeError extends FirebreakError {
  override name = "InvalidResumeError";
  /** The guarded producer node whose escalation was resumed. */
  readonly node: string;
  /** A short rendering of the value received. */
  readonly received: string;

  constructor(node: string, received: string) {
    super(
      "INVALID_RESUME",
      `Guard on node "${node}": the escalation was resumed with ${received}, which is not an answer. Resume with ` +
        `new Command({ resume: { action: "approve" } }), { action: "reject" } or { action: "edit", update: { … } } (optional reason, by).`,
    );
    this.node = node;
    this.received = received;
  }
}

/** True for an {@link InvalidResumeError}, even one thrown by another copy of the package. */
export function isInvalidResumeError(error: unknown): error is InvalidResumeError {
  return hasFirebreakCode(error, "INVALID_RESUME");
}
