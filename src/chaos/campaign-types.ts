/**
 * Options and results of `runCampaign`. Results are plain JSON data: every field outside
 * `timing` is a function of the seeds, so a seeded campaign is reproducible to the number.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { AnalyzeTopologyOptions, Topology } from "../topology/index.js";
import type { Fault, FaultTarget } from "./fault-plan.js";
import type { AnyStateGraph } from "./inject-faults.js";

/**
 * How a configuration is guarded: not at all; every guardable node; only the nodes
 * `analyzeTopology` recommends; or as many nodes as it recommends, drawn at random per trial
 * (the control for "recommended").
 */
export type GuardMode = "unguarded" | "guarded" | "recommended" | "random";

/** What the graph factory is told. */
export interface CampaignContext {
  /** Name of the model configuration (a key of `models`, or `"default"`). */
  readonly model: string;
  /** Its value from `models` (e.g. a chat model, or a model name). */
  readonly modelValue: unknown;
}

/** Builds a fresh uncompiled graph for one configuration. */
export type GraphFactory = (context: CampaignContext) => AnyStateGraph | Promise<AnyStateGraph>;

/** Wraps `node` of `builder` in a guard and returns the builder (e.g. `guardNodeInPlace` from the nodes subpath). */
export type GuardApplier = (builder: AnyStateGraph, node: string) => AnyStateGraph | Promise<AnyStateGraph>;

/** Options of `runCampaign`. */
export interface CampaignOptions {
  /** The graph input of every trial, or a function of the trial number. */
  input: unknown | ((trial: number) => unknown);
  /** The faults to inject, one configuration each. */
  faults: readonly Fault[];
  /** Where to inject them, one configuration each. @default ["hub", "leaf"] */
  targets?: readonly FaultTarget[];
  /** Trials per configuration. @default 100 */
  trials?: number;
  /** Base seed; trial i uses `deriveSeed(seed, "trial", i)` in every configuration. @default 1 */
  seed?: number;
  /** Explicit per-trial seeds (overrides `trials` and `seed`). */
  seeds?: readonly number[];
  /**
   * Which calls of the target are faulty and how likely (see `FaultPlan`). By default the
   * seed misbehaves on every call — it keeps asserting the falsehood, like the seed agent of
   * arXiv:2603.04474 whose context holds it — so a guard that only delays it does not count.
   * @default { calls: "every", probability: 1 }
   */
  fire?: {
    calls?: "first" | "every" | readonly number[];
    probability?: number;
    /**
     * Probability that the target stops asserting a planted falsehood for the rest of the run
     * once a guard's feedback names it (see `SCRIPTED_WORLD.sourceCorrection`). @default 0
     */
    correction?: number;
  };
  /**
   * Guard modes to compare. @default ["unguarded", "guarded", "recommended"] when `guard` is
   * given, else ["unguarded"]
   */
  guards?: readonly GuardMode[];
  /** How to guard a node; required for every mode but `"unguarded"`. */
  guard?: GuardApplier;
  /** Nodes that may be guarded. @default every node with role `agent` */
  guardable?: readonly string[];
  /** Named model configurations passed to the factory, one configuration each. @default { default: undefined } */
  models?: Readonly<Record<string, unknown>>;
  /** Nodes the infection rate counts. @default every node with role `agent` */
  population?: readonly string[];
  /** Nodes whose output is the final answer. @default the topology's exits */
  final?: readonly string[];
  /** Also count prose infection: a node's message containing this text. @default undefined */
  marker?: string;
  /** β, δ and guard residual for the guard recommendation. @default analyzeTopology's defaults */
  analysis?: Pick<AnalyzeTopologyOptions, "beta" | "delta" | "guardResidual">;
  /** Options for `compile()` (a checkpointer gets a fresh `thread_id` per trial). @default {} */
  compile?: Record<string, unknown>;
  /** Extra config for each run (e.g. `recursionLimit`). @default {} */
  config?: RunnableConfig;
  /** Trials run at once. Timing figures are only meaningful at 1. @default 1 */
  concurrency?: number;
  /** Called after each trial. */
  onProgress?: (done: number, total: number) => void;
}

/** Wall-clock figures: not reproducible, kept apart from the metrics. */
export interface CampaignTiming {
  /** Median milliseconds per trial. */
  readonly medianMs: number;
  /** Mean milliseconds per trial. */
  readonly meanMs: number;
  /** Median time over the unguarded configuration's median with the same model, fault and target. */
  readonly latencyOverhead: number | null;
}

/** One configuration's results. */
export interface CampaignRow {
  /** Model configuration name. */
  readonly model: string;
  /** Fault label, e.g. `falsehood`, `provider-error:429`. */
  readonly fault: string;
  /** Target label, e.g. `hub`, `leaf`, a node name. */
  readonly target: string;
  /** The nodes the target resolved to. */
  readonly targetNodes: readonly string[];
  readonly guard: GuardMode;
  /** Guarded nodes (for `"random"`: how many, drawn per trial). */
  readonly guardedNodes: readonly string[] | number;
  readonly trials: number;
  /** Trials in which the fault fired. */
  readonly injected: number;
  /** Mean fraction of non-seed population nodes infected, over injected trials. */
  readonly infectionRate: number;
  /** Fraction of injected trials in which every non-seed node was infected. */
  readonly fullInfection: number;
  /** Fraction of injected trials whose final answer was infected. */
  readonly finalInfection: number;
  /** Injected trials in which a guard blocked the fault at least once (a tainted claim, or the faulty update). */
  readonly blocked: number;
  /**
   * Share of injected trials the guards defended: the fault was blocked **and** the final answer
   * stayed clean (for faults without a taint: blocked and the run completed). A guard that
   * blocks once but lets a later copy through has not defended the run.
   */
  readonly defenceSuccess: number;
  /** Fraction of trials that completed (no error, no pending interrupt) with a clean final answer. */
  readonly safeCompletion: number;
  /** Trials that ended in an error. */
  readonly errors: number;
  /** Distinct error names seen, with counts. */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** Mean tokens per trial (models' reported or estimated, plus scripted agents' booked cost). */
  readonly meanTokens: number;
  /** Mean calls per trial: model calls (the judge's included) plus scripted agent calls. */
  readonly meanCalls: number;
  /** Mean calls over the unguarded configuration's with the same model, fault and target (null when that made none). */
  readonly callOverhead: number | null;
  /** Whether token counts were estimated (4 characters a token) because models reported none. */
  readonly tokensEstimated: boolean;
  /** Mean tokens over the unguarded configuration's with the same model, fault and target (null when that spent none). */
  readonly tokenOverhead: number | null;
  /** Mean tokens per trial beyond the unguarded configuration's (null for the unguarded row itself). */
  readonly extraTokens: number | null;
  /** Per node: fraction of injected trials in which it was infected (seed: its planted output survived). */
  readonly nodeInfection: Readonly<Record<string, number>>;
  readonly timing: CampaignTiming;
}

/** What `runCampaign` returns. */
export interface CampaignReport {
  readonly kind: "firebreak/campaign";
  /** The parameters, for the record. */
  readonly params: {
    readonly trials: number;
    readonly seed: number | null;
    readonly seeds: readonly number[];
    readonly models: readonly string[];
    readonly faults: readonly Fault[];
    readonly targets: readonly string[];
    readonly guards: readonly GuardMode[];
    readonly fire: { readonly calls: "first" | "every" | readonly number[]; readonly probability: number; readonly correction: number };
  };
  /** The unguarded topology of the first model configuration (for pictures). */
  readonly topology: Topology;
  /** Nodes the topology analysis recommends guarding. */
  readonly recommended: readonly string[];
  /** Population and final nodes used. */
  readonly population: readonly string[];
  readonly final: readonly string[];
  readonly rows: readonly CampaignRow[];
  /** Whole-campaign wall-clock figures. */
  readonly timing: { readonly totalMs: number; readonly trialsPerSecond: number };
}
