/**
 * The zod schemas of the chaos APIs' options, checked once when the function is called —
 * before any graph runs or model is called: unknown keys, wrong types, out-of-range numbers
 * (probabilities outside [0, 1], NaN, Infinity) and delays Node's timers cannot honour are
 * rejected with `INVALID_OPTIONS` naming the option, quoting the value (bounded) and saying
 * what is allowed. The documented options interfaces are kept in step with these schemas by
 * a type test (`test/chaos/options-schema.test-d.ts`).
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import type { ClaimValue } from "../claims/index.js";
import { fn, integer, MAX_TIMER_MS, numberIn, oneOf, strict, text, timerMs } from "../internal/options-schema.js";
import type { Topology } from "../topology/index.js";
import type { CampaignRow, GuardApplier } from "./campaign-types.js";
import type { ProviderErrorKind } from "./fault-plan.js";

/** Most trials, runs, steps or seeds of one call. */
export const MAX_TRIALS = 1_000_000;
/** Most entries of a list option (faults, targets, guard modes, workers…). */
export const MAX_LIST = 1_000;
/** Largest seed (seeds are unsigned 32-bit). */
export const MAX_SEED = 2 ** 32 - 1;

const probability = () => numberIn(0, 1, "a probability from 0 to 1");
const seed = () => integer(0, MAX_SEED);
const bool = () => z.boolean({ error: "true or false" });
const names = (what: string) => z.array(text(200), { error: `a list of ${what}` }).max(MAX_LIST, { error: `at most ${MAX_LIST} ${what}` });
const roles = ["agent", "verifier", "human", "tool", "router"] as const;

/** A claim's answer: a JSON scalar (finite numbers only). */
export const ClaimValueOptionSchema = z.union(
  [z.string().max(10_000), z.number().finite(), z.boolean(), z.null()],
  { error: "a string (at most 10000 characters), a finite number, true/false, or null" },
) as z.ZodType<ClaimValue>;

/** A fault target: a node name, `"hub"`, `"leaf"`, `{ node }` or `{ role }`. */
export const FaultTargetSchema = z.union(
  [text(200), strict({ node: text(200) }), strict({ role: oneOf(roles) })],
  { error: `a node name, "hub", "leaf", { node: name } or { role: ${roles.map((r) => JSON.stringify(r)).join(" | ")} }` },
);

const providerErrors = ["429", "500", "502", "503", "timeout"] as const satisfies readonly ProviderErrorKind[];

/** One fault, by `kind`. */
export const FaultSchema = z.discriminatedUnion(
  "kind",
  [
    strict({ kind: z.literal("falsehood"), text: text(2_000), value: ClaimValueOptionSchema.optional(), confidence: probability().optional(), taint: text(200).optional() }),
    strict({
      kind: z.literal("contradiction"),
      text: text(2_000),
      values: z
        .tuple([ClaimValueOptionSchema, ClaimValueOptionSchema], { error: "two different answers [a, b]" })
        .refine(([a, b]) => a !== b, { error: "two different answers [a, b]" }),
      taint: text(200).optional(),
    }),
    strict({ kind: z.literal("malformed"), shape: oneOf(["off-schema", "garbage"]).optional() }),
    strict({ kind: z.literal("empty") }),
    strict({ kind: z.literal("latency"), ms: timerMs(), jitterMs: timerMs().optional() }).refine((f) => f.ms + (f.jitterMs ?? 0) <= MAX_TIMER_MS, {
      error: `ms + jitterMs at most ${MAX_TIMER_MS} (Node fires longer timers at once)`,
      path: ["jitterMs"],
    }),
    strict({
      kind: z.literal("provider-error"),
      error: oneOf(providerErrors),
      modelCalls: oneOf(["first", "every"]).optional(),
      via: oneOf(["model", "node"]).optional(),
    }),
  ],
  { error: 'a fault { kind: "falsehood" | "contradiction" | "malformed" | "empty" | "latency" | "provider-error", … }' },
);

const callsSchema = z.union(
  [oneOf(["first", "every"]), z.array(integer(0, MAX_TRIALS), { error: "a list of zero-based call numbers" }).min(1).max(MAX_LIST)],
  { error: '"first", "every", or a list of zero-based call numbers' },
);

/** One entry of a fault plan. */
export const FaultPlanSchema = strict(
  {
    targets: z.union([FaultTargetSchema, z.array(FaultTargetSchema).min(1, { error: 'at least one target: a node, "hub", "leaf" or { role }' }).max(MAX_LIST)], {
      error: 'a target or a list of targets: a node name, "hub", "leaf", { node } or { role }',
    }),
    fault: FaultSchema,
    probability: probability().optional(),
    calls: callsSchema.optional(),
    seed: seed().optional(),
    channels: strict({ claims: text(200).optional(), messages: text(200).optional() }, "{ claims?, messages? }").optional(),
  },
  "a fault plan { targets, fault, probability?, calls?, seed?, channels? }",
);

/** A plan: one entry or a non-empty list. */
export const FaultPlansSchema = z.union(
  [FaultPlanSchema, z.array(FaultPlanSchema).min(1, { error: "at least one { targets, fault }" }).max(MAX_LIST)],
  { error: "a fault plan { targets, fault, … } or a list of them" },
);

const TopologySchema = z.custom<Topology>(
  (v) => typeof v === "object" && v !== null && Array.isArray((v as { nodes?: unknown }).nodes) && Array.isArray((v as { edges?: unknown }).edges),
  { error: "a Topology from extractTopology() ({ nodes, edges })" },
);

/** Options of `injectFaults`. */
export const InjectFaultsOptionsSchema = strict({ topology: TopologySchema.optional() });

/** Options of `withProviderFaults`. */
export const ProviderFaultsOptionsSchema = strict({
  rate: probability().optional(),
  error: oneOf(providerErrors).optional(),
  label: text(200).optional(),
});

/** Options of `measureInfection`. */
export const MeasureInfectionOptionsSchema = strict({
  taints: names("taint labels").optional(),
  population: names("node names").optional(),
  seeds: names("node names").optional(),
  final: names("node names").optional(),
  claimsKey: text(200).optional(),
  marker: text(2_000).optional(),
  messagesKey: text(200).optional(),
});

/** `initial` of `simulateEpidemic`. */
const EpidemicSeedSchema = z.union([oneOf(["hub", "leaf", "random"]), names("node names").min(1, { error: "at least one node name" })], {
  error: '"hub", "leaf", "random", or a list of node names',
});

/** Options of `simulateEpidemic`. */
export const EpidemicOptionsSchema = strict({
  beta: probability(),
  delta: z
    .number({ error: "a probability above 0 and at most 1 (a rate of self-correction)" })
    .gt(0, { error: "a probability above 0 and at most 1 (a rate of self-correction)" })
    .max(1, { error: "a probability above 0 and at most 1 (a rate of self-correction)" }),
  steps: integer(1, 100_000).optional(),
  trials: integer(1, MAX_TRIALS).optional(),
  seed: seed().optional(),
  initial: EpidemicSeedSchema.optional(),
  guardResidual: probability().optional(),
});

/** Options of `createAdoptionAgent`. */
export const AdoptionAgentOptionsSchema = strict({
  name: text(200),
  text: text(2_000),
  belief: ClaimValueOptionSchema,
  adoption: probability(),
  adoptionFrom: z.record(text(200), probability(), { error: "an object: author → probability" }).optional(),
  correction: probability().optional(),
  discount: probability().optional(),
  tokens: numberIn(0, 1e9, "a number of tokens from 0 to 1e9").optional(),
  confidence: probability().optional(),
  claimsKey: text(200).optional(),
  reads: names("node names").optional(),
});

const cascadeWorkerName = text(64).refine((n) => n !== "supervisor" && n !== "writer", { error: 'a worker name other than "supervisor" and "writer" (reserved)' });

/** Options of `createCascadeGraph`. */
export const CascadeGraphOptionsSchema = strict({
  workers: z
    .union([integer(1, MAX_LIST), z.array(cascadeWorkerName).min(1, { error: "at least one worker" }).max(MAX_LIST)], {
      error: `a number of workers from 1 to ${MAX_LIST}, or a list of worker names`,
    })
    .optional(),
  adoption: probability().optional(),
  correction: probability().optional(),
  rounds: integer(1, 10_000).optional(),
  text: text(2_000).optional(),
  truth: ClaimValueOptionSchema.optional(),
  hubAdoption: probability().optional(),
  discount: probability().optional(),
  agentTokens: numberIn(0, 1e9, "a number of tokens from 0 to 1e9").optional(),
  agent: fn<(name: string, reads: readonly string[]) => (state: never) => unknown>("a function (name, reads) => node").optional(),
});

/** Options of `createScriptedJudge`. */
export const ScriptedJudgeOptionsSchema = strict({
  recall: probability().optional(),
  specificity: probability().optional(),
  correlation: probability().optional(),
  tokens: numberIn(0, 1e9, "a number of tokens from 0 to 1e9").optional(),
  label: text(200).optional(),
});

const ConfigSchema = z.custom<RunnableConfig>((v) => typeof v === "object" && v !== null && !Array.isArray(v), { error: "a RunnableConfig object" });

/** Options of `measureConsistency`. */
export const ConsistencyOptionsSchema = strict({
  runs: integer(1, MAX_TRIALS).optional(),
  answer: fn<(state: Record<string, unknown>) => unknown>("a function (state) => answer").optional(),
  claimsKey: text(200).optional(),
  config: ConfigSchema.optional(),
  seed: seed().optional(),
});

/** Options of `formatCampaignTable`. */
export const FormatCampaignOptionsSchema = strict({ label: text(200).optional(), timing: bool().optional() });

/** Options of `renderCampaignSvg`. */
export const RenderSvgOptionsSchema = strict({
  rows: fn<(row: CampaignRow) => boolean>("a function (row) => boolean").optional(),
  maxPanels: integer(1, 200).optional(),
  title: text(200).optional(),
  note: text(500).optional(),
});

/** Options of `runCampaign`. */
export const CampaignOptionsSchema = strict({
  input: z.unknown(),
  faults: z.array(FaultSchema, { error: "a list of faults" }).min(1, { error: "at least one fault" }).max(MAX_LIST),
  targets: z.array(FaultTargetSchema, { error: "a list of targets" }).min(1, { error: "at least one target" }).max(MAX_LIST).optional(),
  trials: integer(1, MAX_TRIALS).optional(),
  seed: seed().optional(),
  seeds: z.array(seed(), { error: "a list of seeds" }).min(1, { error: "at least one seed" }).max(MAX_TRIALS).optional(),
  fire: strict({ calls: callsSchema.optional(), probability: probability().optional(), correction: probability().optional() }, "{ calls?, probability?, correction? }").optional(),
  guards: z.array(oneOf(["unguarded", "guarded", "recommended", "random"])).min(1, { error: "at least one guard mode" }).max(4).optional(),
  guard: fn<GuardApplier>("a function (builder, node) => builder, e.g. (b, n) => guardNodeInPlace(b, n, { challenger })").optional(),
  guardable: names("node names").optional(),
  models: z
    .record(text(200), z.unknown(), { error: "an object: configuration name → model configuration" })
    .refine((m) => Object.keys(m).length >= 1, { error: "at least one model configuration" })
    .optional(),
  population: names("node names").optional(),
  final: names("node names").optional(),
  marker: text(2_000).optional(),
  analysis: strict({ beta: probability().optional(), delta: numberIn(0, 1, "a probability from 0 to 1").optional(), guardResidual: probability().optional() }, "{ beta?, delta?, guardResidual? }").optional(),
  compile: z.record(z.string(), z.unknown(), { error: "compile() options, e.g. { checkpointer }" }).optional(),
  config: ConfigSchema.optional(),
  concurrency: integer(1, 1_000).optional(),
  onProgress: fn<(done: number, total: number) => void>("a function (done, total) => void").optional(),
});
