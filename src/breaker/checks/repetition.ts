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
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    let size = n;
    let unit = "word";
    // Symbols: word hashes, or character codes when there are too few words.
    let symbols: ArrayLike<number>;
    let total = words.length - n + 1;
    let chars = "";
    if (total >= minNgrams) {
      const hashes = new Uint32Array(words.length);
      for (let i = 0; i < words.length; i++) hashes[i] = fnv(words[i]!);
      symbols = hashes;
    } else {
      // Few words: judge characters, which also catches "abababab…" and unspaced scripts.
      size = 2 * n + 2;
      unit = "character";
      chars = text.replace(/\s+/g, "");
      total = chars.length - size + 1;
      if (total < minNgrams * 2) return { ok: true };
      const codes = new Uint32Array(chars.length);
      for (let i = 0; i < chars.length; i++) codes[i] = chars.charCodeAt(i);
      symbols = codes;
    }
    const counts = new Map<number, number>();
    let topAt = 0;
    let topCount = 0;
    for (let i = 0; i < total; i++) {
      let h = 0x811c9dc5;
      for (let j = 0; j < size; j++) h = Math.imul(h ^ symbols[i + j]!, 0x01000193);
      h &= 0x3fffffff; // small-integer keys keep the Map fast
      const c = (counts.get(h) ?? 0) + 1;
      counts.set(h, c);
      if (c > topCount) {
        topCount = c;
        topAt = i;
      }
    }
    const top = unit === "word" ? words.slice(topAt, topAt + size).join(" ") : chars.slice(topAt, topAt + size);
    const ratio = counts.size / total;
    if (ratio >= minRatio) return { ok: true, score: ratio };
    return {
      ok: false,
      score: ratio,
      reason: `degenerate repetition: only ${(ratio * 100).toFixed(0)}% of ${unit} ${size}-grams are distinct (minimum ${(minRatio * 100).toFixed(0)}%); "${top.slice(0, 60)}" occurs ${topCount} times`,
    };
  });
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
