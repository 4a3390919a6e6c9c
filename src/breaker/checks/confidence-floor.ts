/**
 * A confidence floor: the answer's own confidence (a structured field) or the provider's
 * token log-probabilities must clear a minimum.
 */
import { answerJson } from "../answer-text.js";
import { z } from "zod";
import { fn, numberIn, oneOf, parseOptions, strict, text } from "../../internal/options-schema.js";
import { defineCheck } from "../define-check.js";
import type { BreakerAnswer, Check } from "../types.js";

/** The schema of {@link ConfidenceFloorOptions}. */
export const ConfidenceFloorOptionsSchema = strict(
  {
    min: numberIn(0, 1),
    field: z
      .union([text(200), fn<(answer: BreakerAnswer) => number | undefined>("a function")], {
        error: "a dotted path such as \"confidence\" or \"result.score\", or a function (answer) => number | undefined",
      })
      .optional(),
    aggregate: oneOf(["mean", "min"]).optional(),
    whenMissing: oneOf(["pass", "fail"]).optional(),
  },
  "an options object with at least { min }",
);

/** Options of {@link confidenceFloor}. */
export interface ConfidenceFloorOptions {
  /** The minimum confidence, in [0, 1] (required). */
  readonly min: number;
  /**
   * Where the confidence comes from: a dotted path into the answer's JSON (or into the
   * first tool call's arguments when the answer is a tool call), or a function. Without
   * it, the provider's log-probabilities are used (request them with `logprobs: true`).
   * @default undefined (log-probabilities)
   */
  readonly field?: string | ((answer: BreakerAnswer) => number | undefined);
  /**
   * How token log-probabilities become one number: the geometric mean token probability
   * (`"mean"`) or the least likely token's probability (`"min"`).
   * @default "mean"
   */
  readonly aggregate?: "mean" | "min";
  /**
   * Verdict when no confidence can be read (no field, no log-probabilities).
   * @default "pass"
   */
  readonly whenMissing?: "pass" | "fail";
}

/**
 * Fails answers whose confidence is below `min`. Log-probabilities measure how sure the
 * model was of its tokens, not whether it is right; a self-reported field is only as good
 * as the model's calibration.
 *
 * @example
 * ```ts
 * withSemanticBreaker(model, { checks: [schema(Answer), confidenceFloor({ min: 0.6, field: "confidence" })] });
 * withSemanticBreaker(new ChatOpenAI({ model, logprobs: true }), { checks: [confidenceFloor({ min: 0.5 })] });
 * ```
 */
export function confidenceFloor(options: ConfidenceFloorOptions): Check {
  const parsed = parseOptions(ConfidenceFloorOptionsSchema, options, "confidenceFloor");
  const { min, field } = parsed;
  const whenMissing = parsed.whenMissing ?? "pass";
  const aggregate = parsed.aggregate ?? "mean";
  const source = field === undefined ? "log-probabilities" : typeof field === "string" ? `field "${field}"` : "the confidence function";
  return defineCheck("confidenceFloor", (answer) => {
    const raw =
      field === undefined ? fromLogprobs(answer, aggregate) : typeof field === "function" ? field(answer) : fromField(answer, field);
    // A function may return anything: only a finite number is a confidence.
    const confidence = typeof raw === "number" && Number.isFinite(raw) ? raw : undefined;
    if (confidence === undefined) {
      return whenMissing === "pass"
        ? { ok: true, reason: `no confidence in ${source}` }
        : { ok: false, reason: `no confidence could be read from ${source}` };
    }
    return confidence >= min
      ? { ok: true, score: confidence }
      : { ok: false, score: confidence, reason: `confidence ${confidence.toFixed(3)} from ${source} is below the floor ${min}` };
  });
}

function fromField(answer: BreakerAnswer, path: string): number | undefined {
  const call = answer.tool_calls?.[0];
  let value: unknown;
  if (call) value = call.args;
  else {
    const reading = answerJson(answer);
    if (!reading.ok) return undefined;
    value = reading.value;
  }
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

function fromLogprobs(answer: BreakerAnswer, aggregate: "mean" | "min"): number | undefined {
  const metadata = answer.response_metadata as Record<string, unknown> | undefined;
  const logprobs = metadata?.logprobs as { content?: Array<{ logprob?: number }> } | undefined;
  const tokens = logprobs?.content;
  if (!Array.isArray(tokens) || tokens.length === 0) return undefined;
  let sum = 0;
  let least = 0;
  let count = 0;
  for (const token of tokens) {
    if (typeof token?.logprob !== "number") continue;
    sum += token.logprob;
    least = count === 0 ? token.logprob : Math.min(least, token.logprob);
    count++;
  }
  if (count === 0) return undefined;
  return Math.exp(aggregate === "mean" ? sum / count : least);
}
