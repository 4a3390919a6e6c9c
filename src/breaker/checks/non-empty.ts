/** The cheapest check: an answer must say something (text or a tool call). */
import { answerText } from "../answer-text.js";
import { z } from "zod";
import { integer, parseOptions, strict } from "../../internal/options-schema.js";
import { defineCheck } from "../define-check.js";
import type { Check } from "../types.js";

/** Longest `minLength` accepted. */
const MAX_MIN_LENGTH = 1_000_000;

/** The schema of {@link NonEmptyOptions}. */
export const NonEmptyOptionsSchema = strict({
  minLength: integer(1, MAX_MIN_LENGTH).optional(),
  toolCallsCount: z.boolean({ error: "true or false" }).optional(),
});

/** Options of {@link nonEmpty}. */
export interface NonEmptyOptions {
  /**
   * Minimum length of the trimmed text, in characters (1 to 1_000_000).
   * @default 1
   */
  readonly minLength?: number;
  /**
   * Whether a tool call counts as content (an answer that only calls tools passes).
   * @default true
   */
  readonly toolCallsCount?: boolean;
}

/**
 * Fails answers with no usable content: empty or whitespace-only text (or shorter than
 * `minLength`), no well-formed tool call, or a tool call with no name.
 *
 * @example
 * ```ts
 * withSemanticBreaker(model, { checks: [nonEmpty({ minLength: 20 })] });
 * ```
 */
export function nonEmpty(options: NonEmptyOptions = {}): Check {
  const parsed = parseOptions(NonEmptyOptionsSchema, options, "nonEmpty");
  const minLength = parsed.minLength ?? 1;
  const toolCallsCount = parsed.toolCallsCount ?? true;
  return defineCheck(minLength > 1 ? `minLength(${minLength})` : "nonEmpty", (answer) => {
    const toolCalls = answer.tool_calls ?? [];
    if (toolCallsCount && toolCalls.length > 0) {
      const unnamed = toolCalls.find((call) => !call.name);
      return unnamed ? { ok: false, reason: "a tool call has no tool name" } : { ok: true };
    }
    const length = answerText(answer).trim().length;
    if (length >= minLength) return { ok: true, score: length };
    const broken = answer.invalid_tool_calls?.length ?? 0;
    if (length === 0) {
      return {
        ok: false,
        score: 0,
        reason: broken > 0 ? `no text and ${broken} malformed tool call(s) (arguments are not valid JSON)` : "empty answer: no text and no tool call",
      };
    }
    return { ok: false, score: length, reason: `answer has ${length} characters, fewer than the minimum ${minLength}` };
  });
}

/**
 * Shorthand for `nonEmpty({ minLength })`: the trimmed text must have at least `minLength`
 * characters (tool-call answers pass).
 *
 * @example
 * ```ts
 * withSemanticBreaker(model, { checks: [minLength(40)] });
 * ```
 */
export function minLength(minLength: number): Check {
  return nonEmpty({ minLength: parseOptions(integer(1, MAX_MIN_LENGTH), minLength, "minLength", "minLength") });
}
