/**
 * `compileWithFirebreak`: `builder.compile(options)` plus the topology rules. The compiled
 * graph keeps its full `CompiledStateGraph` type; a failing rule throws a
 * {@link TopologyError} whose message names the offending path.
 */
import type {
  CompiledStateGraph,
  StateDefinitionInit,
  StateGraph,
  StreamTransformer,
} from "@langchain/langgraph";
import { analyzeTopology, type AnalyzeTopologyOptions, type TopologyReport } from "./analyze.js";
import { parseCompileOptions } from "./analyze-options.js";
import { TopologyError } from "./topology-error.js";

/** Mirrors LangGraph's own `Prettify`, so the compiled type is exactly `builder.compile()`'s. */
type Prettify<T> = { [K in keyof T]: T[K] } & {};

type BaseCompileOptions = NonNullable<Parameters<StateGraph<unknown>["compile"]>[0]>;

/** Options of {@link compileWithFirebreak}: LangGraph's compile options plus the analysis'. */
export interface CompileWithFirebreakOptions<
  N extends string = string,
  TTransformers extends ReadonlyArray<() => StreamTransformer<any>> = [],
> extends Omit<AnalyzeTopologyOptions, "interruptBefore" | "interruptAfter" | "checkpointer"> {
  /** Passed to `compile`. */
  checkpointer?: BaseCompileOptions["checkpointer"];
  /** Passed to `compile`. */
  store?: BaseCompileOptions["store"];
  /** Passed to `compile`. */
  cache?: BaseCompileOptions["cache"];
  /** Passed to `compile`; these nodes count as human gates. */
  interruptBefore?: N[] | "*";
  /** Passed to `compile`; these nodes count as human gates. */
  interruptAfter?: N[] | "*";
  /** Passed to `compile`. */
  name?: string;
  /** Passed to `compile`. */
  description?: string;
  /** Passed to `compile`. */
  transformers?: TTransformers;
  /** Receives the full report (warnings included) before any throw. */
  onReport?: (report: TopologyReport) => void;
}

const COMPILE_KEYS = [
  "checkpointer",
  "store",
  "cache",
  "interruptBefore",
  "interruptAfter",
  "name",
  "description",
  "transformers",
] as const;

/**
 * Compiles a `StateGraph` and checks its topology: relay depth, ρ, cycles without exits,
 * R = β·ρ/δ (an error only with `failOnEpidemic`). Throws a `TopologyError` (code
 * `"TOPOLOGY"`) with the findings when a rule fails; returns the compiled graph otherwise.
 * Options are checked before compiling: a bad one throws an `InvalidOptionsError` (code
 * `INVALID_OPTIONS`) naming the option, the value received and what is allowed.
 *
 * @example
 * ```ts
 * const graph = compileWithFirebreak(builder, {
 *   checkpointer: new MemorySaver(),
 *   maxRelayDepth: 3,
 *   maxRho: 1.5,
 * });
 * ```
 */
export function compileWithFirebreak<
  SD,
  S,
  U,
  N extends string,
  I extends StateDefinitionInit,
  O extends StateDefinitionInit,
  C extends StateDefinitionInit,
  NodeReturnType,
  InterruptType,
  WriterType,
  const TTransformers extends ReadonlyArray<() => StreamTransformer<any>> = [],
>(
  builder: StateGraph<SD, S, U, N, I, O, C, NodeReturnType, InterruptType, WriterType>,
  options: CompileWithFirebreakOptions<N, TTransformers> = {},
): CompiledStateGraph<Prettify<S>, Prettify<U>, N, I, O, C, NodeReturnType, InterruptType, WriterType, TTransformers> {
  // Checked before compiling: a bad option throws InvalidOptionsError and nothing is compiled.
  parseCompileOptions(options);
  const compileOptions: Record<string, unknown> = {};
  const analysisOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === "onReport") continue;
    if ((COMPILE_KEYS as readonly string[]).includes(key)) compileOptions[key] = value;
    else analysisOptions[key] = value;
  }
  const compiled = builder.compile(compileOptions as Parameters<typeof builder.compile>[0]);
  const report = analyzeTopology(compiled, analysisOptions as AnalyzeTopologyOptions);
  options.onReport?.(report);
  if (!report.ok) {
    throw new TopologyError(
      report.findings.filter((f) => f.severity === "error"),
      options.name !== undefined ? { graph: options.name } : {},
    );
  }
  return compiled as unknown as CompiledStateGraph<
    Prettify<S>,
    Prettify<U>,
    N,
    I,
    O,
    C,
    NodeReturnType,
    InterruptType,
    WriterType,
    TTransformers
  >;
}
