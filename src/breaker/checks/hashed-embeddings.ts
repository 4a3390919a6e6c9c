/**
 * An offline embedding for the coherence check: hashed character n-grams plus words,
 * signed feature hashing into a fixed number of dimensions, L2-normalised. No model, no
 * network, deterministic, about a microsecond per 100 characters.
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { z } from "zod";
import { integer, parseOptions, strict } from "../../internal/options-schema.js";

/** The schema of {@link HashedNgramEmbeddingsOptions}. */
export const HashedNgramEmbeddingsOptionsSchema = strict({
  dimensions: integer(8, 65_536).optional(),
  n: integer(1, 10).optional(),
  words: z.boolean({ error: "true or false" }).optional(),
});

/** Options of {@link HashedNgramEmbeddings}. */
export interface HashedNgramEmbeddingsOptions {
  /**
   * Vector size (8 to 65_536).
   * @default 512
   */
  readonly dimensions?: number;
  /**
   * Character n-gram size (1 to 10).
   * @default 3
   */
  readonly n?: number;
  /**
   * Whether whole words are features too (sharper topic signal).
   * @default true
   */
  readonly words?: boolean;
}

/**
 * A LangChain `EmbeddingsInterface` that needs no network. It sees *surface form*: shared
 * character n-grams and words. Two answers on the same topic in the same language land
 * close; gibberish, token soup, another language or script, leaked markup or an answer
 * about something else entirely land far. It does NOT understand meaning: a fluent but
 * wrong answer, a negation ("is" vs "is not"), or a correct paraphrase in different words
 * look the same or different for the wrong reasons. For semantic judgement pass a real
 * model (e.g. `OpenAIEmbeddings`) to `coherence({ embeddings })`.
 *
 * @example
 * ```ts
 * const embeddings = new HashedNgramEmbeddings({ dimensions: 256 });
 * const [a, b] = await embeddings.embedDocuments(["the cat sat", "a cat sat down"]);
 * ```
 */
export class HashedNgramEmbeddings implements EmbeddingsInterface {
  /** Vector size. */
  readonly dimensions: number;
  private readonly n: number;
  private readonly words: boolean;

  constructor(options: HashedNgramEmbeddingsOptions = {}) {
    const parsed = parseOptions(HashedNgramEmbeddingsOptionsSchema, options, "HashedNgramEmbeddings");
    this.dimensions = parsed.dimensions ?? 512;
    this.n = parsed.n ?? 3;
    this.words = parsed.words ?? true;
  }

  /** Embeds several texts. */
  async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => Array.from(this.embedSync(d)));
  }

  /** Embeds one text. */
  async embedQuery(document: string): Promise<number[]> {
    return Array.from(this.embedSync(document));
  }

  /** Embeds one text synchronously (the check's fast path). */
  embedSync(text: string): Float64Array {
    const v = new Float64Array(this.dimensions);
    const norm = ` ${text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim()} `;
    const n = this.n;
    for (let i = 0; i + n <= norm.length; i++) add(v, fnv1a(norm, i, i + n));
    if (this.words) {
      for (const word of norm.match(WORD) ?? []) {
        if (word.length > 1) add(v, fnv1a(word, 0, word.length) ^ 0x9e3779b9, 2);
      }
    }
    let sq = 0;
    for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
    if (sq > 0) {
      const inv = 1 / Math.sqrt(sq);
      for (let i = 0; i < v.length; i++) v[i]! *= inv;
    }
    return v;
  }
}

const WORD = /[\p{L}\p{N}]+/gu;

function add(v: Float64Array, hash: number, weight = 1): void {
  const h = hash >>> 0;
  const sign = (h >>> 31) === 1 ? -1 : 1;
  v[h % v.length]! += sign * weight;
}

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Cosine similarity of two vectors of equal length (0 when either is all zeros). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
