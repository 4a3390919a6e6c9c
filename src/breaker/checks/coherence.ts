/**
 * Coherence: the answer's embedding must stay close to what good answers look like — a
 * reference set, the rolling centroid of accepted answers, or the prompt.
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { z } from "zod";
import { integer, numberIn, oneOf, parseOptions, share, strict } from "../../internal/options-schema.js";
import { answerText } from "../answer-text.js";
import { defineCheck } from "../define-check.js";
import type { BreakerAnswer, Check, CheckContext } from "../types.js";
import { HashedNgramEmbeddings, cosineSimilarity } from "./hashed-embeddings.js";

/** The schema of {@link CoherenceOptions}. */
export const CoherenceOptionsSchema = strict({
  embeddings: z
    .custom<EmbeddingsInterface>(
      (v) =>
        typeof v === "object" &&
        v !== null &&
        typeof (v as { embedQuery?: unknown }).embedQuery === "function" &&
        typeof (v as { embedDocuments?: unknown }).embedDocuments === "function",
      { error: "LangChain embeddings (an object with embedQuery() and embedDocuments(), e.g. new OpenAIEmbeddings())" },
    )
    .optional(),
  reference: z
    .array(
      z
        .string({ error: "a non-blank example answer" })
        .max(100_000, { error: "an example answer of at most 100000 characters" })
        .refine((s) => s.trim().length > 0, { error: "a non-blank example answer" }),
      { error: "an array of example answers" },
    )
    .min(1, { error: "at least one example answer (omit the option to learn from accepted answers)" })
    .max(10_000, { error: "at most 10000 example answers" })
    .optional(),
  against: oneOf(["centroid", "prompt"]).optional(),
  minSimilarity: numberIn(-1, 1, "a cosine similarity from -1 to 1 (e.g. 0.2)").optional(),
  warmup: integer(1, 100_000).optional(),
  decay: share().optional(),
  minChars: integer(0, 1_000_000).optional(),
});

/** Options of {@link coherence}. */
export interface CoherenceOptions {
  /**
   * Any LangChain embeddings (e.g. `new OpenAIEmbeddings()`).
   * @default new HashedNgramEmbeddings() — offline, surface-level (see its docs)
   */
  readonly embeddings?: EmbeddingsInterface;
  /**
   * Examples of good answers; their centroid is the target. Without it the target is the
   * rolling centroid of accepted answers (or the prompt, see `against`).
   * @default undefined
   */
  readonly reference?: readonly string[];
  /**
   * Target when no `reference` is given: the rolling centroid of accepted answers, or the
   * last human message of the prompt.
   * @default "centroid"
   */
  readonly against?: "centroid" | "prompt";
  /**
   * Minimum cosine similarity. With the default offline embedding, on-topic prose in the
   * same language scores ~0.4–0.8 against a centroid, gibberish, markup, code or another
   * script ~0; raise it towards 0.3 for a narrow task, calibrate it for real embeddings.
   * @default 0.2
   */
  readonly minSimilarity?: number;
  /**
   * With the rolling centroid: accepted answers to collect before judging (until then
   * every answer passes).
   * @default 5
   */
  readonly warmup?: number;
  /**
   * With the rolling centroid: weight of each newly accepted answer (exponential moving
   * average; 1/count during warm-up).
   * @default 0.1
   */
  readonly decay?: number;
  /**
   * Answers with fewer characters are not judged (too little text to embed meaningfully).
   * @default 24
   */
  readonly minChars?: number;
}

/**
 * Fails answers whose embedding is far (cosine similarity below `minSimilarity`) from the
 * target. What it catches depends on the embedding: with the offline default, lexical
 * drift (gibberish, another language, markup or code where prose was expected, an
 * unrelated topic); with a semantic embedding model, off-topic answers in fluent prose.
 * Neither detects a fluent answer that is simply wrong. Tool-call answers and short texts
 * pass. The centroid learns only from answers that passed every check.
 *
 * @example
 * ```ts
 * withSemanticBreaker(model, {
 *   checks: [nonEmpty(), repetition(), coherence({ reference: goodAnswers, minSimilarity: 0.3 })],
 * });
 * withSemanticBreaker(model, { checks: [coherence({ embeddings: new OpenAIEmbeddings(), minSimilarity: 0.5 })] });
 * ```
 */
export function coherence(options: CoherenceOptions = {}): Check {
  options = parseOptions(CoherenceOptionsSchema, options, "coherence");
  const embeddings = options.embeddings ?? new HashedNgramEmbeddings();
  const fast = embeddings instanceof HashedNgramEmbeddings ? embeddings : undefined;
  const minSimilarity = options.minSimilarity ?? 0.2;
  const warmup = options.warmup ?? 5;
  const decay = options.decay ?? 0.1;
  const minChars = options.minChars ?? 24;
  const against = options.reference ? "reference" : (options.against ?? "centroid");
  let reference: Promise<number[]> | undefined;
  let centroid: number[] | undefined;
  let accepted = 0;

  const embed = async (text: string): Promise<ArrayLike<number>> =>
    fast ? fast.embedSync(text) : embeddings.embedQuery(text);
  const judgeable = (answer: BreakerAnswer): string | undefined => {
    if ((answer.tool_calls?.length ?? 0) > 0) return undefined;
    const text = answerText(answer).trim();
    return text.length >= minChars ? text : undefined;
  };

  const target = async (context: CheckContext): Promise<ArrayLike<number> | undefined> => {
    if (against === "reference") {
      reference ??= embeddings.embedDocuments([...options.reference!]).then(mean);
      return reference;
    }
    if (against === "prompt") {
      const prompt = lastHumanText(context);
      return prompt ? embed(prompt) : undefined;
    }
    return accepted >= warmup ? centroid : undefined;
  };

  return defineCheck(
    "coherence",
    async (answer, context) => {
      const text = judgeable(answer);
      if (text === undefined) return { ok: true, reason: "nothing to judge (tool call or short text)" };
      const goal = await target(context);
      if (goal === undefined) return { ok: true, reason: `warming up (${accepted}/${warmup} accepted answers)` };
      const similarity = cosineSimilarity(await embed(text), goal);
      return similarity >= minSimilarity
        ? { ok: true, score: similarity }
        : {
            ok: false,
            score: similarity,
            reason: `incoherent: similarity ${similarity.toFixed(3)} to the ${against} is below ${minSimilarity}`,
          };
    },
    {
      onAccepted: async (answer) => {
        if (against !== "centroid") return;
        const text = judgeable(answer);
        if (text === undefined) return;
        const v = await embed(text);
        accepted++;
        const w = accepted <= warmup ? 1 / accepted : decay;
        if (!centroid) centroid = Array.from(v);
        else for (let i = 0; i < centroid.length; i++) centroid[i] = (1 - w) * centroid[i]! + w * v[i]!;
      },
    },
  );
}

function mean(vectors: number[][]): number[] {
  const out = new Array<number>(vectors[0]?.length ?? 0).fill(0);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i]! += v[i]! / vectors.length;
  return out;
}

function lastHumanText(context: CheckContext): string | undefined {
  for (let i = context.messages.length - 1; i >= 0; i--) {
    const m = context.messages[i]!;
    if (m.getType() === "human") return typeof m.content === "string" ? m.content : m.text;
  }
  return undefined;
}
