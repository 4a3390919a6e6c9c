/**
 * Degenerate repetition: a degraded or mis-sampled model loops ("the the the…", a sentence
 * repeated to the token limit). Measured as the share of distinct n-grams.
 */
import { answerText } from "../answer-text.js";
import { defineCheck } from "../define-check.js";
import type { Check } from "../types.js";

/** Options of {@link repetition}. */
export interface RepetitionOptions {
  /**
   * Word n-gram size.
   * @default 3
   */
  readonly n?: number;
  /**
   * Fail when fewer than this share of the n-grams are distinct (ordinary prose scores
   * above 0.9; a loop scores near 0).
   * @default 0.5
   */
  readonly minDistinctRatio?: number;
  /**
   * Texts with fewer n-grams than this are not judged (too short to tell).
   * @default 16
   */
  readonly minNgrams?: number;
}

/**
 * Fails answers that repeat themselves: the share of distinct word n-grams falls below
 * `minDistinctRatio`. Text without spaces (a character loop, or scripts written without
 * spaces) is measured on character (2n+2)-grams instead. Cannot see a loop shorter than
 * `minNgrams`, nor a subtle paraphrase loop.
 *
 * @example
 * ```ts
 * withSemanticBreaker(model, { checks: [nonEmpty(), repetition({ minDistinctRatio: 0.4 })] });
 * ```
 */
export function repetition(options: RepetitionOptions = {}): Check {
  const n = options.n ?? 3;
  const minRatio = options.minDistinctRatio ?? 0.5;
  const minNgrams = options.minNgrams ?? 16;
  return defineCheck("repetition", (answer) => {
    const text = answerText(answer);
    let tokens = text.toLowerCase().split(/\s+/).filter(Boolean);
    let size = n;
    let unit = "word";
    if (tokens.length - n + 1 < minNgrams) {
      // Few words: judge characters, which also catches "abababab…" and unspaced scripts.
      size = 2 * n + 2;
      tokens = Array.from(text.replace(/\s+/g, ""));
      unit = "character";
      if (tokens.length - size + 1 < minNgrams * 2) return { ok: true };
    }
    const total = tokens.length - size + 1;
    const counts = new Map<string, number>();
    let top = "";
    let topCount = 0;
    const sep = unit === "word" ? " " : "";
    for (let i = 0; i < total; i++) {
      let gram = tokens[i]!;
      for (let j = 1; j < size; j++) gram += sep + tokens[i + j]!;
      const c = (counts.get(gram) ?? 0) + 1;
      counts.set(gram, c);
      if (c > topCount) {
        topCount = c;
        top = gram;
      }
    }
    const ratio = counts.size / total;
    if (ratio >= minRatio) return { ok: true, score: ratio };
    return {
      ok: false,
      score: ratio,
      reason: `degenerate repetition: only ${(ratio * 100).toFixed(0)}% of ${unit} ${size}-grams are distinct (minimum ${(minRatio * 100).toFixed(0)}%); "${top.slice(0, 60)}" occurs ${topCount} times`,
    };
  });
}
