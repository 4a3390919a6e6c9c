/** Refusals: an HTTP-200 answer that declines the task is not an answer. */
import { answerText } from "../answer-text.js";
import { z } from "zod";
import { integer, parseOptions, strict } from "../../internal/options-schema.js";
import { defineCheck } from "../define-check.js";
import type { Check } from "../types.js";

/** The English refusal phrasings {@link refusal} looks for by default. */
export const DEFAULT_REFUSAL_PATTERNS: readonly RegExp[] = [
  /\bI(?:'m| am)\s+(?:sorry|afraid),?\s+(?:but\s+)?I\s+(?:can(?:not|'t)|won't|am unable|'m unable|am not able)\b/i,
  /\bI\s+(?:can(?:not|'t)|won't)\s+(?:help|assist|comply|provide|do that|fulfil+|answer|complete)\b/i,
  /\bI(?:'m| am)\s+(?:unable|not able)\s+to\s+(?:help|assist|comply|provide|answer|complete|fulfil+)\b/i,
  /\bas an AI(?: language)? model\b/i,
  /\bI must (?:decline|refuse)\b/i,
];

/** The schema of {@link RefusalOptions}. */
export const RefusalOptionsSchema = strict({
  patterns: z
    .array(z.instanceof(RegExp, { error: "a regular expression, e.g. /je ne peux pas/i" }), { error: "an array of regular expressions" })
    .min(1, { error: "at least one regular expression (omit the option for the English defaults)" })
    .max(200, { error: "at most 200 regular expressions" })
    .optional(),
  scanChars: integer(1, 1_000_000).optional(),
});

/** Options of {@link refusal}. */
export interface RefusalOptions {
  /**
   * Patterns that mark a refusal.
   * @default DEFAULT_REFUSAL_PATTERNS (English)
   */
  readonly patterns?: readonly RegExp[];
  /**
   * Only the first this-many characters are scanned: refusals come first, and a long
   * answer that quotes a refusal is not one.
   * @default 400
   */
  readonly scanChars?: number;
}

/**
 * Fails refusals: the provider's explicit refusal field (`additional_kwargs.refusal`, set by
 * OpenAI structured outputs) or a refusal phrasing at the start of the text. English only
 * by default; pass `patterns` for other languages or house phrasings.
 *
 * @example
 * ```ts
 * withSemanticBreaker(model, { checks: [nonEmpty(), refusal({ patterns: [...DEFAULT_REFUSAL_PATTERNS, /je ne peux pas/i] })] });
 * ```
 */
export function refusal(options: RefusalOptions = {}): Check {
  const parsed = parseOptions(RefusalOptionsSchema, options, "refusal");
  const patterns = parsed.patterns ?? DEFAULT_REFUSAL_PATTERNS;
  const scanChars = parsed.scanChars ?? 400;
  return defineCheck("refusal", (answer) => {
    const explicit = (answer.additional_kwargs as Record<string, unknown> | undefined)?.refusal;
    if (typeof explicit === "string" && explicit.length > 0) {
      return { ok: false, reason: `the provider refused: ${explicit.slice(0, 120)}` };
    }
    const head = answerText(answer).slice(0, scanChars);
    for (const pattern of patterns) {
      const match = pattern.exec(head);
      if (match) return { ok: false, reason: `refusal: "${match[0].slice(0, 120)}"` };
    }
    return { ok: true };
  });
}
