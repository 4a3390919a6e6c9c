/**
 * Degenerate repetition: a degraded or mis-sampled model loops ("the the the…", a sentence
 * repeated to the token limit). Measured as the share of distinct n-grams.
 */
import { answerText } from "../answer-text.js";
import { integer, numberIn, parseOptions, strict } from "../../internal/options-schema.js";
import { defineCheck } from "../define-check.js";
import type { Check } from "../types.js";

/** The schema of {@link RepetitionOptions}. */
export const RepetitionOptionsSchema = strict({
  n: integer(1, 10).optional(),
  minDistinctRatio: numberIn(0, 1, "a number from 0 to 1 (0.5: half the n-grams must be distinct)").optional(),
  minNgrams: integer(1, 100_000).optional(),
});

/** Options of {@link repetition}. */
export interface RepetitionOptions {
  /**
   * Word n-gram size (1 to 10).
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
  const parsed = parseOptions(RepetitionOptionsSchema, options, "repetition");
  const n = parsed.n ?? 3;
  const minRatio = parsed.minDistinctRatio ?? 0.5;
  const minNgrams = parsed.minNgrams ?? 16;
  return defineCheck("repetition", (answer) => {
    const text = answerText(answer);
    // Words: FNV hashes of whitespace-separated, ASCII-lower-cased tokens, with their
    // start offsets (one pass, no intermediate strings).
    const words = scanWords(text);
    let size = n;
    let unit: "word" | "character" = "word";
    let symbols = words.hashes;
    let starts = words.starts;
    let count = words.count;
    if (count - n + 1 < minNgrams) {
      // Few words: judge characters, which also catches "abababab…" and unspaced scripts.
      size = 2 * n + 2;
      unit = "character";
      const chars = scanChars(text);
      symbols = chars.codes;
      starts = chars.starts;
      count = chars.count;
      if (count - size + 1 < minNgrams * 2) return { ok: true };
    }
    const total = count - size + 1;
    const { distinct, topAt, topCount } = countNgrams(symbols, total, size);
    const ratio = distinct / total;
    if (ratio >= minRatio) return { ok: true, score: ratio };
    const from = starts[topAt]!;
    const to = topAt + size < count ? starts[topAt + size]! : text.length;
    const top = text.slice(from, to).trim().replace(/\s+/g, unit === "word" ? " " : "");
    return {
      ok: false,
      score: ratio,
      reason: `degenerate repetition: only ${(ratio * 100).toFixed(0)}% of ${unit} ${size}-grams are distinct (minimum ${(minRatio * 100).toFixed(0)}%); "${top.slice(0, 60)}" occurs ${topCount} times`,
    };
  });
}

// Scratch buffers reused across calls (the check is synchronous, so never shared).
let hashBuf = new Uint32Array(256);
let startBuf = new Uint32Array(256);
let tableKeys = new Int32Array(512);
let tableCounts = new Uint32Array(512);

function grow(needed: number): void {
  if (needed <= hashBuf.length) return;
  let size = hashBuf.length;
  while (size < needed) size *= 2;
  hashBuf = new Uint32Array(size);
  startBuf = new Uint32Array(size);
}

function scanWords(text: string): { hashes: Uint32Array; starts: Uint32Array; count: number } {
  grow(text.length + 1);
  let count = 0;
  let h = 0x811c9dc5;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c <= 32 || c === 0xa0) {
      if (inWord) {
        hashBuf[count++] = h;
        inWord = false;
      }
      continue;
    }
    if (!inWord) {
      startBuf[count] = i;
      h = 0x811c9dc5;
      inWord = true;
    }
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  if (inWord) hashBuf[count++] = h;
  return { hashes: hashBuf, starts: startBuf, count };
}

function scanChars(text: string): { codes: Uint32Array; starts: Uint32Array; count: number } {
  grow(text.length + 1);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 0xa0) continue;
    startBuf[count] = i;
    hashBuf[count++] = c;
  }
  return { codes: hashBuf, starts: startBuf, count };
}

/** Distinct n-grams via an open-addressing table of 30-bit hashes (no Map, no strings). */
function countNgrams(symbols: Uint32Array, total: number, size: number): { distinct: number; topAt: number; topCount: number } {
  let cap = 512;
  while (cap < total * 2) cap *= 2;
  if (tableKeys.length < cap) {
    tableKeys = new Int32Array(cap);
    tableCounts = new Uint32Array(cap);
  }
  const keys = tableKeys;
  const counts = tableCounts;
  keys.fill(-1, 0, cap);
  const mask = cap - 1;
  let distinct = 0;
  let topAt = 0;
  let topCount = 0;
  for (let i = 0; i < total; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < size; j++) h = Math.imul(h ^ symbols[i + j]!, 0x01000193);
    h &= 0x3fffffff;
    let slot = h & mask;
    while (keys[slot] !== -1 && keys[slot] !== h) slot = (slot + 1) & mask;
    let c: number;
    if (keys[slot] === -1) {
      keys[slot] = h;
      counts[slot] = c = 1;
      distinct++;
    } else c = ++counts[slot]!;
    if (c > topCount) {
      topCount = c;
      topAt = i;
    }
  }
  return { distinct, topAt, topCount };
}
