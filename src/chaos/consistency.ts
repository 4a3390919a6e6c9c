/**
 * Consistency (tier 0 of the risk tiers: "run the same query N times"): how often a graph
 * gives the same final answer, and how much its claim sets overlap, across repeated runs of
 * one input. A graph that disagrees with itself cannot be trusted to agree with the truth.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { runWithChaos } from "./chaos-run.js";
import { deriveSeed } from "./rng.js";
import { invalidOption, parseOptions } from "../internal/options-schema.js";
import { ConsistencyOptionsSchema } from "./chaos-options.js";

/** Options of {@link measureConsistency}. */
export interface ConsistencyOptions {
  /** How many runs. @default 10 */
  runs?: number;
  /**
   * The final answer of a run's state. @default `state.answer`, else the last message's text,
   * else the value of the last claim
   */
  answer?: (state: Record<string, unknown>) => unknown;
  /** State key of the claims channel. @default "claims" */
  claimsKey?: string;
  /** Extra config for each run (a checkpointer's graph gets a fresh `thread_id` per run). @default {} */
  config?: RunnableConfig;
  /** Base seed of the chaos runs (scripted agents draw from it; real models ignore it). @default 1 */
  seed?: number;
}

/** One distinct answer and how many runs gave it. */
export interface AnswerCount {
  /** The answer, as compared (JSON text for non-strings). */
  readonly answer: string;
  readonly count: number;
}

/** What {@link measureConsistency} found. Plain JSON data. */
export interface ConsistencyReport {
  /** Runs attempted. */
  readonly runs: number;
  /** Runs that threw. */
  readonly errors: number;
  /** Distinct answers, most frequent first. */
  readonly answers: readonly AnswerCount[];
  /** Share of completed runs that gave the most frequent answer (1 = always the same). */
  readonly answerAgreement: number;
  /** Mean pairwise Jaccard similarity of the runs' claim sets (statement = value), 1 when no run made claims. */
  readonly claimAgreement: number;
  /** Every completed run gave the same answer, and there was at least one. */
  readonly unanimous: boolean;
}

interface InvokableGraph {
  invoke(input: unknown, config?: RunnableConfig): Promise<unknown>;
  checkpointer?: unknown;
}

/**
 * Runs `graph` on `input` `runs` times and measures how consistent it is with itself.
 *
 * @example
 * ```ts
 * const report = await measureConsistency(graph, { task: "Capital of Australia?" }, { runs: 10 });
 * report.answerAgreement; // 0.9: one run in ten disagreed
 * ```
 */
export async function measureConsistency(
  graph: InvokableGraph,
  input: unknown,
  options: ConsistencyOptions = {},
): Promise<ConsistencyReport> {
  options = parseOptions(ConsistencyOptionsSchema, options, "measureConsistency");
  if (typeof (graph as { invoke?: unknown } | null)?.invoke !== "function") {
    throw invalidOption("measureConsistency", "graph", graph, "a compiled graph (an object with invoke())");
  }
  const runs = options.runs ?? 10;
  const claimsKey = options.claimsKey ?? "claims";
  const seed = options.seed ?? 1;
  const hasCheckpointer = graph.checkpointer !== undefined && graph.checkpointer !== null && graph.checkpointer !== false;
  const answers = new Map<string, number>();
  const claimSets: Set<string>[] = [];
  let errors = 0;
  for (let i = 0; i < runs; i++) {
    const base = options.config ?? {};
    const config: RunnableConfig = hasCheckpointer
      ? { ...base, configurable: { ...base.configurable, thread_id: `consistency-${seed}-${i}-${Date.now()}` } }
      : base;
    let state: Record<string, unknown>;
    try {
      state = (await runWithChaos(deriveSeed(seed, "consistency", i), () => graph.invoke(input, config))).result as Record<string, unknown>;
    } catch {
      errors++;
      continue;
    }
    const answer = canonical((options.answer ?? defaultAnswer(claimsKey))(state));
    answers.set(answer, (answers.get(answer) ?? 0) + 1);
    const claims = Array.isArray(state[claimsKey]) ? (state[claimsKey] as { text?: unknown; value?: unknown }[]) : [];
    claimSets.push(new Set(claims.map((c) => `${String(c.text)} = ${canonical(c.value)}`)));
  }
  const completed = runs - errors;
  const ranked = [...answers.entries()].map(([answer, count]) => ({ answer, count })).sort((a, b) => b.count - a.count || a.answer.localeCompare(b.answer));
  return {
    runs,
    errors,
    answers: ranked,
    answerAgreement: completed === 0 ? 0 : (ranked[0]?.count ?? 0) / completed,
    claimAgreement: meanJaccard(claimSets),
    unanimous: completed > 0 && errors === 0 && ranked.length === 1,
  };
}

function defaultAnswer(claimsKey: string) {
  return (state: Record<string, unknown>): unknown => {
    if (state.answer !== undefined) return state.answer;
    const messages = state.messages;
    if (Array.isArray(messages) && messages.length > 0) {
      const content = (messages[messages.length - 1] as { content?: unknown }).content;
      return typeof content === "string" ? content : JSON.stringify(content);
    }
    const claims = state[claimsKey];
    if (Array.isArray(claims) && claims.length > 0) return (claims[claims.length - 1] as { value?: unknown }).value ?? null;
    return null;
  };
}

function canonical(value: unknown): string {
  if (typeof value === "string") return value.trim();
  return JSON.stringify(value ?? null);
}

function meanJaccard(sets: readonly Set<string>[]): number {
  if (sets.length < 2) return 1;
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const a = sets[i]!;
      const b = sets[j]!;
      let inter = 0;
      for (const x of a) if (b.has(x)) inter++;
      const union = a.size + b.size - inter;
      total += union === 0 ? 1 : inter / union;
      pairs++;
    }
  }
  return total / pairs;
}
