/**
 * `analyzeTopology`: spectral radius, components, cycles, seeds, R = β·ρ/δ and its verdict,
 * guard placement, relay depth and tier, as plain JSON data. Never throws;
 * `assertTopology` throws a {@link TopologyError} when a finding is an error. The analysis is
 * a pipeline of named steps, each in the file of its concept.
 */
import {
  DEFAULT_BETA,
  DEFAULT_DELTA,
  DEFAULT_GUARD_RESIDUAL,
  resolveSettings,
  settingsFindings,
} from "./analysis-settings.js";
import { parseAnalyzeOptions } from "./analyze-options.js";
import { cascadeFindings, solveCascade, type CascadeVerdict } from "./cascade.js";
import { componentRhoOf, describeComponents, type ComponentReport } from "./component-report.js";
import { enumerateCycles, type CycleReport } from "./cycles.js";
import { extractTopology, type ExtractTopologyOptions } from "./extract.js";
import { finding, sortFindings, type TopologyFinding } from "./findings.js";
import { indexTopology } from "./graph-index.js";
import { measureRelay, recommendGuards } from "./guard-recommendation.js";
import type { GuardReport } from "./guards.js";
import { findSupervisorWorker, patternFindings, type SupervisorWorkerPattern } from "./patterns.js";
import { relayFindings, type RelayReport } from "./relay.js";
import { rankSeeds, type SeedReport } from "./seeds.js";
import { nodeLevelRho } from "./spectrum.js";
import { assessTier, tierFindings, type TierFacts, type TierReport } from "./tier.js";
import { isTopology, type AnalysisLevel, type Topology } from "./topology.js";
import { TopologyError } from "./topology-error.js";

export { DEFAULT_BETA, DEFAULT_DELTA, DEFAULT_GUARD_RESIDUAL };
export type { CascadeVerdict, ComponentReport, SeedReport };

/** Options of {@link analyzeTopology}. */
export interface AnalyzeTopologyOptions extends ExtractTopologyOptions {
  /**
   * Transmission probability per handoff. No value is universal: the paper estimates it per
   * framework. With the default δ, R = ρ, the topology's own amplification.
   * @default 0.5
   */
  beta?: number;
  /** Self-correction rate per step. @default 0.5 */
  delta?: number;
  /**
   * Fraction of wrong claims that pass a guard, verifier or human node; their outgoing
   * edges are scaled by it. From the paper's measured defence success 0.89–0.94
   * (arXiv:2603.04474).
   * @default 0.11
   */
  guardResidual?: number;
  /** Longest allowed unverified agent chain (a heuristic, arXiv:2603.26993). @default 3 */
  maxRelayDepth?: number;
  /** Fail when the effective ρ exceeds this. @default undefined (no limit) */
  maxRho?: number;
  /** Make R > 1 an error rather than a warning. @default false */
  failOnEpidemic?: boolean;
  /**
   * Cycle enumeration, or `false` to skip it.
   * @default { limit: 50, countLimit: 10_000, workLimit: 4·(nodes + edges) + 2,000 (+ 50 per cycle of an explicit countLimit) }
   */
  cycles?: false | { limit?: number; countLimit?: number; workLimit?: number };
  /** Guard placement, or `false` to skip it. @default { unit: "node", max: 25 } */
  guards?: false | { unit?: "node" | "edge"; max?: number };
  /** How many seeds to report. @default 5 */
  seeds?: number;
  /** Workload facts for the tier. @default {} */
  facts?: TierFacts;
}

/** Everything `analyzeTopology` computes. Plain JSON data. */
export interface TopologyReport {
  readonly kind: "firebreak/topology-report";
  /** The graph's name, when known. */
  readonly name?: string;
  /**
   * What a node stands for: `agent` (a prebuilt agent's model ⇄ tools loop is one agent, the
   * default for LangGraph graphs) or `node`; absent for hand-built topologies.
   */
  readonly level?: AnalysisLevel;
  /** Node and edge counts. */
  readonly size: { readonly nodes: number; readonly edges: number };
  /** ρ(A) of the unweighted adjacency: 0 for a DAG, 1 for a simple cycle. */
  readonly rho: number;
  /**
   * ρ(A) at node level, when it differs from `rho` (agent level read an agent's own
   * model ⇄ tools loop as one node).
   */
  readonly rhoNodeLevel?: number;
  /** Collatz–Wielandt bounds on ρ(A). */
  readonly rhoBounds: readonly [number, number];
  /** Whether every component's ρ converged to 1e-12. */
  readonly converged: boolean;
  /** ρ with the outgoing edges of guard, verifier and human nodes scaled by the residual. */
  readonly rhoEffective: number;
  /** β, δ and the residual used. */
  readonly beta: number;
  readonly delta: number;
  readonly guardResidual: number;
  /** Whether per-node or per-edge β/δ were used (then R = ρ(D⁻¹B), not β·ρ/δ). */
  readonly weighted: boolean;
  /** Reproduction number: β·ρ_eff/δ (or ρ(D⁻¹B) when weighted). */
  readonly R: number;
  readonly verdict: CascadeVerdict;
  /** Cyclic components, highest ρ first. */
  readonly components: readonly ComponentReport[];
  /** Number of strongly connected components, trivial ones included. */
  readonly componentCount: number;
  /** Elementary cycles, or null when skipped. */
  readonly cycles: CycleReport | null;
  /** Most dangerous seeds, most dangerous first. */
  readonly seeds: readonly SeedReport[];
  /** Recognised supervisor–worker stars, nested ones included. */
  readonly patterns: readonly SupervisorWorkerPattern[];
  /** Recommended guards (top-level node names `guardNodeInPlace` accepts), or null when skipped. */
  readonly guards: GuardReport | null;
  readonly relay: RelayReport;
  readonly tier: TierReport;
  readonly findings: readonly TopologyFinding[];
  /** Whether no finding is an error. */
  readonly ok: boolean;
}

/**
 * Analyses a topology, a `StateGraph` or a compiled graph. Problems with the graph never throw:
 * they come back as findings. Options are checked first: an unknown key, a wrong type, an
 * out-of-range number, NaN or Infinity throws an `InvalidOptionsError` (code
 * `INVALID_OPTIONS`) naming the option, the value and what is allowed. LangGraph graphs are
 * read at agent level unless `level: "node"` is given.
 *
 * @example
 * ```ts
 * const report = analyzeTopology(graph, { beta: 0.3, delta: 0.4, maxRelayDepth: 3 });
 * report.rho; report.R; report.verdict; report.relay.path; report.guards?.recommended;
 * ```
 */
export function analyzeTopology(input: unknown, options: AnalyzeTopologyOptions = {}): TopologyReport {
  parseAnalyzeOptions(options, "analyzeTopology");
  return analyzeChecked(input, options);
}

/** {@link analyzeTopology} on options already checked. */
function analyzeChecked(input: unknown, options: AnalyzeTopologyOptions): TopologyReport {
  let topology: Topology;
  try {
    topology = isTopology(input) ? input : extractTopology(input, options);
  } catch (error) {
    return failedReport(error, options);
  }
  try {
    return analyze(topology, options);
  } catch (error) {
    return failedReport(error, options, topology);
  }
}

/**
 * Like {@link analyzeTopology}, but throws a {@link TopologyError} carrying every error
 * finding when a rule fails; returns the report otherwise.
 *
 * @example
 * ```ts
 * assertTopology(graph, { maxRelayDepth: 3, maxRho: 1.5 });
 * ```
 */
export function assertTopology(input: unknown, options: AnalyzeTopologyOptions = {}): TopologyReport {
  parseAnalyzeOptions(options, "assertTopology");
  const report = analyzeChecked(input, options);
  if (!report.ok) {
    throw new TopologyError(report.findings.filter((f) => f.severity === "error"), report.name !== undefined ? { graph: report.name } : {});
  }
  return report;
}

/**
 * The pipeline: settings → index → cascade → components → patterns → seeds → relay → guards
 * → cycles → tier, each step in the file of its concept, each returning its section and its
 * findings.
 */
function analyze(topology: Topology, options: AnalyzeTopologyOptions): TopologyReport {
  const settings = resolveSettings(options);
  const g = indexTopology(topology);
  const cascade = solveCascade(g, settings);
  const parts = describeComponents(g, topology.exits, cascade);
  const patterns = findSupervisorWorker(g, cascade.plainComps);
  const seeds = rankSeeds(g, cascade, Math.max(0, Math.floor(options.seeds ?? 5)));
  const relay = measureRelay(g, options.maxRelayDepth, cascade.plainComps);
  const guards = recommendGuards(g, cascade, settings, options.guards, relay);
  const cycles = enumerateCycles(g, options.cycles);
  const tier = assessTier(
    {
      topology,
      rho: cascade.plain.rho,
      relayOk: relay.ok,
      relayDepth: relay.depth,
      relayLimit: relay.limit,
      unguardedComponents: parts.unguarded,
      cyclicComponents: parts.components.length,
    },
    options.facts ?? {},
  );
  const findings = sortFindings([
    ...topology.findings,
    ...settingsFindings(options, settings),
    ...parts.findings,
    ...cascadeFindings(cascade, settings, parts.components[0]?.nodes, parts.components.length, options),
    ...patternFindings(patterns, componentRhoOf(parts.components)),
    ...seeds.findings,
    ...guards.findings,
    ...relayFindings(relay, guards.guards),
    ...cycles.findings,
    ...tierFindings(tier),
  ]);
  const rhoNodeLevel = nodeLevelRho(topology, cascade.plain.rho);
  return {
    kind: "firebreak/topology-report",
    ...(topology.name !== undefined ? { name: topology.name } : {}),
    ...(topology.level !== undefined ? { level: topology.level } : {}),
    size: { nodes: g.n, edges: g.outTarget.length },
    rho: cascade.plain.rho,
    ...(rhoNodeLevel !== undefined ? { rhoNodeLevel } : {}),
    rhoBounds: [cascade.plain.lo, cascade.plain.hi],
    converged: cascade.plain.converged && cascade.effective.converged && cascade.kSpectrum.converged,
    rhoEffective: cascade.effective.rho,
    beta: settings.beta,
    delta: settings.delta,
    guardResidual: settings.residual,
    weighted: cascade.weights.weighted,
    R: cascade.R,
    verdict: cascade.verdict,
    components: parts.components,
    componentCount: cascade.plainComps.count,
    cycles: cycles.cycles,
    seeds: seeds.seeds,
    patterns,
    guards: guards.guards,
    relay,
    tier,
    findings,
    ok: !findings.some((f) => f.severity === "error"),
  };
}

function failedReport(error: unknown, options: AnalyzeTopologyOptions, topology?: Topology): TopologyReport {
  const message = error instanceof Error ? error.message : String(error);
  const settings = resolveSettings(options);
  return {
    kind: "firebreak/topology-report",
    ...(topology?.name !== undefined ? { name: topology.name } : {}),
    size: { nodes: topology?.nodes.length ?? 0, edges: topology?.edges.length ?? 0 },
    rho: 0,
    rhoBounds: [0, 0],
    converged: false,
    rhoEffective: 0,
    beta: settings.beta,
    delta: settings.delta,
    guardResidual: settings.residual,
    weighted: false,
    R: 0,
    verdict: "sub-threshold",
    components: [],
    componentCount: 0,
    cycles: null,
    seeds: [],
    patterns: [],
    guards: null,
    relay: { limit: options.maxRelayDepth ?? 3, depth: 0, path: [], ok: true, unboundedCycles: [], selfLoops: [] },
    tier: { tier: 0, reasons: [], controls: [] },
    findings: [
      finding(
        "NOT_A_GRAPH",
        "error",
        topology ? `Analysis failed: ${message}` : `Not a LangGraph graph or topology: ${message}`,
        "Pass a StateGraph, a compiled graph (graph.compile()), or a topology from createTopology().",
      ),
    ],
    ok: false,
  };
}
