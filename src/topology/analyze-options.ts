/**
 * Internal: the option schemas of `analyzeTopology`, `assertTopology` and
 * `compileWithFirebreak`, parsed once per call before any analysis. Unknown keys, wrong types,
 * out-of-range numbers, NaN and Infinity are rejected with an `InvalidOptionsError` naming the
 * option path, the value received (shortened) and what is allowed (issue 14). Problems with the
 * graph itself stay findings: only options throw.
 */
import { z } from "zod";
import { integer, numberIn, oneOf, parseOptions, strict, text, fn } from "../internal/options-schema.js";
import { FIREBREAK_ROLES, type FirebreakRole } from "./roles.js";

/** Largest graph the extractor indexes (2²⁶ nodes): also the largest seed count worth asking for. */
const MAX_NODES = 67_108_864;

const probability = () => numberIn(0, 1, "a probability from 0 to 1");
const rate = () => z.number({ error: "a rate above 0 and at most 1" }).gt(0, { error: "a rate above 0 and at most 1" }).max(1, { error: "a rate above 0 and at most 1" });
const nodeList = () =>
  z.union([z.literal("*"), z.array(text(500), { error: 'a list of node names, or "*"' }).max(MAX_NODES)], { error: 'a list of node names, or "*"' });

/** Options extraction reads (shared by analysis and compile). */
const extractShape = {
  level: oneOf(["agent", "node"]).optional(),
  xray: z.union([z.boolean(), integer(0, 64)], { error: "true, false, or a depth from 0 to 64" }).optional(),
  defaultRole: oneOf(FIREBREAK_ROLES as unknown as readonly [FirebreakRole, ...FirebreakRole[]]).optional(),
  edgeBeta: z.record(z.string(), probability(), { error: 'an object of "source->target": probability' }).optional(),
  nodeDelta: z.record(z.string(), rate(), { error: "an object of node id: rate" }).optional(),
};

const factsSchema = strict(
  {
    expectedDurationSeconds: numberIn(0, 31_536_000, "a number of seconds from 0 to 31536000 (a year)").optional(),
    externalSideEffects: z.boolean().optional(),
    costPerRunUsd: numberIn(0, 1e9, "a number of US dollars from 0 to 1000000000").optional(),
    regulated: z.boolean().optional(),
    tracing: z.boolean().optional(),
    checkpointer: z.boolean().optional(),
    breaker: z.boolean().optional(),
  },
  "an object of tier facts",
);

/** Analysis options (without the extraction ones that compile passes to LangGraph). */
const analysisShape = {
  ...extractShape,
  beta: probability().optional(),
  delta: rate().optional(),
  guardResidual: probability().optional(),
  maxRelayDepth: integer(0, 1_000_000).optional(),
  maxRho: numberIn(0, 1e9).optional(),
  failOnEpidemic: z.boolean().optional(),
  cycles: z
    .union(
      [
        z.literal(false),
        strict(
          { limit: integer(0, 1_000_000).optional(), countLimit: integer(0, 1_000_000_000).optional(), workLimit: integer(0, Number.MAX_SAFE_INTEGER).optional() },
          "false or { limit, countLimit, workLimit }",
        ),
      ],
      { error: "false or { limit, countLimit, workLimit }" },
    )
    .optional(),
  guards: z
    .union([z.literal(false), strict({ unit: oneOf(["node", "edge"]).optional(), max: integer(0, 10_000).optional() }, "false or { unit, max }")], {
      error: "false or { unit, max }",
    })
    .optional(),
  seeds: integer(0, MAX_NODES).optional(),
  facts: factsSchema.optional(),
};

/** `analyzeTopology` / `assertTopology` options. */
export const AnalyzeTopologyOptionsSchema = strict(
  { ...analysisShape, interruptBefore: nodeList().optional(), interruptAfter: nodeList().optional(), checkpointer: z.boolean().optional() },
  "an options object",
);

/** `compileWithFirebreak` options: LangGraph's compile options (checked by LangGraph) plus the analysis'. */
export const CompileWithFirebreakOptionsSchema = strict(
  {
    ...analysisShape,
    checkpointer: z.unknown().optional(),
    store: z.unknown().optional(),
    cache: z.unknown().optional(),
    interruptBefore: nodeList().optional(),
    interruptAfter: nodeList().optional(),
    name: text(500).optional(),
    description: z.string({ error: "a string" }).optional(),
    transformers: z.array(fn("a stream transformer factory: () => transformer")).optional(),
    onReport: fn("a function (report) => void").optional(),
  },
  "an options object",
);

/** Parses `analyzeTopology` options or throws `InvalidOptionsError` (code `INVALID_OPTIONS`). */
export function parseAnalyzeOptions<T>(options: T, where: string): T {
  if (options === undefined) return {} as T;
  parseOptions(AnalyzeTopologyOptionsSchema, options, where);
  return options;
}

/** Parses `compileWithFirebreak` options or throws `InvalidOptionsError`. */
export function parseCompileOptions<T>(options: T): T {
  if (options === undefined) return {} as T;
  parseOptions(CompileWithFirebreakOptionsSchema, options, "compileWithFirebreak");
  return options;
}
