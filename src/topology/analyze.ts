/**
 * `analyzeTopology`: spectral radius, components, cycles, seeds, R = β·ρ/δ and its verdict,
 * guard placement, relay depth and tier, as plain JSON data. Never throws;
 * `assertTopology` throws a {@link TopologyError} when a finding is an error.
 */
import { findCyclesIndexed, type CycleReport } from "./cycles.js";
import { extractTopology, type ExtractTopologyOptions } from "./extract.js";
import { finding, formatPath, type TopologyFinding } from "./findings.js";
import { indexTopology, type IndexedGraph } from "./graph-index.js";
import { placeGuards, type GuardReport } from "./guards.js";
import { findSupervisorWorker, type SupervisorWorkerPattern } from "./patterns.js";
import { relayIndexed, type RelayReport } from "./relay.js";
import {
  computeSpectrum,
  graphComponents,
  principalVector,
  reachCount,
  type Spectrum,
} from "./spectrum.js";
import { assessTier, type TierFacts, type TierReport } from "./tier.js";
import { isTopology, type Topology } from "./topology.js";
import { TopologyError } from "./topology-error.js";

/**
 * Residual pass-through of a guard: the measured defence success of lineage-based
 * governance is 0.89–0.94 (arXiv:2603.04474), so at worst 11% of wrong claims get through.
 */
export const DEFAULT_GUARD_RESIDUAL = 0.11;
/** Default transmission probability β; with the default δ, R equals ρ. */
export const DEFAULT_BETA = 0.5;
/** Default self-correction rate δ. */
export const DEFAULT_DELTA = 0.5;

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
  /** Cycle enumeration, or `false` to skip it. @default { limit: 50, countLimit: 10_000 } */
  cycles?: false | { limit?: number; countLimit?: number };
  /** Guard placement, or `false` to skip it. @default { unit: "node", max: 25 } */
  guards?: false | { unit?: "node" | "edge"; max?: number };
  /** How many seeds to report. @default 5 */
  seeds?: number;
  /** Workload facts for the tier. @default {} */
  facts?: TierFacts;
}

/** Whether a single error dies out or spreads. */
export type CascadeVerdict = "sub-threshold" | "at-threshold" | "epidemic";

/** One cyclic strongly connected component. */
export interface ComponentReport {
  /** Member node ids. */
  readonly nodes: readonly string[];
  /** ρ of the component alone (unweighted). */
  readonly rho: number;
  /** ρ with guard residuals applied. */
  readonly rhoEffective: number;
  /** Whether a guard, verifier or human node sits in it. */
  readonly guarded: boolean;
  /** Whether the run can leave it and reach `__end__`. */
  readonly hasExit: boolean;
}

/** A seed node: where one injected error grows most. */
export interface SeedReport {
  readonly node: string;
  /** Principal-eigenvector entry, scaled to a maximum of 1 (0 on a DAG). */
  readonly score: number;
  /** Nodes reachable from it. */
  readonly reach: number;
}

/** Everything `analyzeTopology` computes. Plain JSON data. */
export interface TopologyReport {
  readonly kind: "firebreak/topology-report";
  /** The graph's name, when known. */
  readonly name?: string;
  /** Node and edge counts. */
  readonly size: { readonly nodes: number; readonly edges: number };
  /** ρ(A) of the unweighted adjacency: 0 for a DAG, 1 for a simple cycle. */
  readonly rho: number;
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
  /** Recognised supervisor–worker stars. */
  readonly patterns: readonly SupervisorWorkerPattern[];
  /** Recommended guards, or null when skipped. */
  readonly guards: GuardReport | null;
  readonly relay: RelayReport;
  readonly tier: TierReport;
  readonly findings: readonly TopologyFinding[];
  /** Whether no finding is an error. */
  readonly ok: boolean;
}

const TIE = 1e-9;

/**
 * Analyses a topology, a `StateGraph` or a compiled graph. Never throws: problems come back
 * as findings.
 *
 * @example
 * ```ts
 * const report = analyzeTopology(graph, { beta: 0.3, delta: 0.4, maxRelayDepth: 3 });
 * report.rho; report.R; report.verdict; report.relay.path; report.guards?.recommended;
 * ```
 */
export function analyzeTopology(input: unknown, options: AnalyzeTopologyOptions = {}): TopologyReport {
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
  const report = analyzeTopology(input, options);
  if (!report.ok) {
    throw new TopologyError(
      report.findings.filter((f) => f.severity === "error"),
      report.name !== undefined ? { graph: report.name } : {},
    );
  }
  return report;
}

function num(value: number | undefined, fallback: number, min: number, max: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

function analyze(topology: Topology, options: AnalyzeTopologyOptions): TopologyReport {
  const beta = num(options.beta, DEFAULT_BETA, 0, 1);
  const delta = num(options.delta, DEFAULT_DELTA, Number.MIN_VALUE, 1);
  const residual = num(options.guardResidual, DEFAULT_GUARD_RESIDUAL, 0, 1);
  const findings: TopologyFinding[] = [...topology.findings];
  const checks: [string, unknown, number, string][] = [
    ["beta", options.beta, beta, "a probability in [0, 1]"],
    ["delta", options.delta, delta, "a rate in (0, 1]"],
    ["guardResidual", options.guardResidual, residual, "a fraction in [0, 1]"],
  ];
  for (const [name, given, used, expected] of checks) {
    if (given !== undefined && given !== used) {
      findings.push(
        finding(
          "INVALID_OPTION",
          "warning",
          `Option ${name} = ${String(given)} is not ${expected}; ${used} was used instead.`,
          `Pass ${name} as ${expected}.`,
        ),
      );
    }
  }
  if (options.maxRelayDepth !== undefined && !(Number.isFinite(options.maxRelayDepth) && options.maxRelayDepth >= 0)) {
    findings.push(
      finding(
        "INVALID_OPTION",
        "warning",
        `Option maxRelayDepth = ${String(options.maxRelayDepth)} is not a whole number ≥ 0; 3 was used instead.`,
        "Pass maxRelayDepth as a whole number ≥ 0.",
      ),
    );
  }
  const g = indexTopology(topology);
  const m = g.outTarget.length;

  // Guard factors and next-generation weights K = D⁻¹B.
  const factor = new Float64Array(g.n);
  let anyResidual = false;
  let weighted = false;
  for (let i = 0; i < g.n; i++) {
    const node = g.nodes[i]!;
    const f = node.guard ? (node.guard.residual ?? residual) : node.role === "verifier" || node.role === "human" ? residual : 1;
    factor[i] = f;
    if (node.beta !== undefined || node.delta !== undefined) weighted = true;
  }
  const ag = new Float64Array(m);
  const k = new Float64Array(m);
  for (let i = 0; i < g.n; i++) {
    const node = g.nodes[i]!;
    const di = node.delta ?? delta;
    for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) {
      const be = g.outBeta[e]!;
      if (!Number.isNaN(be)) weighted = true;
      ag[e] = factor[i]!;
      k[e] = ((Number.isNaN(be) ? (node.beta ?? beta) : be) * factor[i]!) / di;
    }
  }
  const zeroWeights = (w: Float64Array) => {
    for (let e = 0; e < w.length; e++) if (!(w[e]! > 0)) return true;
    return false;
  };

  const plainComps = graphComponents(g, null);
  const plain = computeSpectrum(g, null, plainComps);
  // Residuals only change ρ when they sit on a cycle.
  for (let i = 0; i < g.n && !anyResidual; i++) {
    if (factor[i]! < 1 && plain.blocks.has(plainComps.comp[i]!)) anyResidual = true;
  }
  const effective = anyResidual
    ? computeSpectrum(g, ag, zeroWeights(ag) ? graphComponents(g, ag) : plainComps)
    : plain;
  const kComps = zeroWeights(k) ? graphComponents(g, k) : plainComps;
  const scale = beta / delta;
  const kSpectrum: Spectrum = weighted ? computeSpectrum(g, k, kComps) : effective;
  const R = weighted ? kSpectrum.rho : scale * effective.rho;
  const verdict: CascadeVerdict = R > 1 + TIE ? "epidemic" : R >= 1 - TIE ? "at-threshold" : "sub-threshold";

  // Components.
  const canExit = reachesEnd(g, topology.exits);
  const components: ComponentReport[] = [];
  const unguarded: string[][] = [];
  for (const solved of plain.blocks.values()) {
    const members = Array.from(solved.block.members).sort((a, b) => a - b);
    const guarded = members.some((i) => factor[i]! < 1);
    const eff = effective === plain ? solved.result.rho : maxRhoOver(effective, members);
    const report: ComponentReport = {
      nodes: members.map((i) => g.ids[i]!),
      rho: solved.result.rho,
      rhoEffective: eff,
      guarded,
      hasExit: members.some((i) => canExit[i] === 1),
    };
    components.push(report);
    if (!guarded) unguarded.push([...report.nodes]);
    if (!report.hasExit) {
      findings.push(
        finding(
          "CYCLE_WITHOUT_EXIT",
          "warning",
          `The loop {${short(report.nodes)}} has no way out to __end__: it only stops at the recursion limit.`,
          "Add a conditional edge from one of its nodes to END (with a path map), or a counter that routes out.",
          { path: report.nodes },
        ),
      );
    }
  }
  components.sort((a, b) => b.rho - a.rho || b.nodes.length - a.nodes.length);

  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
  if (plain.rho === 0) {
    findings.push(
      finding(
        "ACYCLIC",
        "info",
        "ρ(A) = 0: the graph is acyclic, so A is nilpotent and no error can recirculate. A pipeline or tree has ρ = 0, not 1; errors still flow downstream, which relay depth measures.",
        "Nothing to do for cascades; keep unverified relay chains short.",
      ),
    );
  } else {
    const top = components[0]!;
    findings.push(
      finding(
        "CYCLIC",
        "info",
        `${components.length} cyclic component${components.length === 1 ? "" : "s"}; ρ(A) = ${fmt(plain.rho)}, from {${short(top.nodes)}}. Any cycle gives ρ ≥ 1; a single simple cycle gives exactly 1.`,
        "Guard the recommended nodes, or remove feedback edges that are not needed.",
        { path: top.nodes },
      ),
    );
  }
  if (!plain.converged || !effective.converged || !kSpectrum.converged) {
    findings.push(
      finding(
        "RHO_NOT_CONVERGED",
        "warning",
        `ρ did not converge to 1e-12; it lies in [${plain.lo}, ${plain.hi}].`,
        "The bounds are rigorous; report them as an interval.",
      ),
    );
  }

  // Patterns.
  const patterns = findSupervisorWorker(g, plainComps);
  for (const p of patterns) {
    const comp = components.find((c) => c.nodes.some((id) => id === p.hub || id.startsWith(`${p.hub}:`)));
    const measured = comp?.rho ?? p.rhoClosedForm;
    const bare = Math.abs(measured - p.rhoClosedForm) <= 1e-9 * Math.max(1, measured);
    findings.push(
      finding(
        "SUPERVISOR_WORKER",
        "info",
        `Supervisor–worker: hub "${p.hub}" with k = ${p.k} workers (${short(p.workers)}), each reporting back. That is a cycle, not a tree: the bare star has ρ = √${p.k} ≈ ${p.rhoClosedForm.toFixed(4)}${bare ? "" : `; with the loops inside its nodes, ρ = ${fmt(measured)}`}. More workers, more amplification.`,
        `Guard the hub "${p.hub}" (one guard covers every handoff), or verify workers' results before they reach it.`,
        { node: p.hub },
      ),
    );
  }

  // Verdict.
  const equation = weighted
    ? `R = ρ(D⁻¹B) = ${fmt(R)}`
    : `R = β·ρ_eff/δ = ${beta}·${fmt(effective.rho)}/${delta} = ${fmt(R)}`;
  if (verdict === "epidemic") {
    findings.push(
      finding(
        "EPIDEMIC",
        options.failOnEpidemic ? "error" : "warning",
        `${equation} > 1: one wrong claim grows into a cascade (β·ρ(A) > δ, arXiv:2603.04474).`,
        "Place guards where recommended, lower β (structured handoffs) or remove feedback edges.",
      ),
    );
  } else if (verdict === "at-threshold") {
    findings.push(
      finding(
        "AT_THRESHOLD",
        "warning",
        `${equation}: exactly at the epidemic threshold; errors neither die out nor grow.`,
        "Add a verifier on the cycle to bring R below 1.",
      ),
    );
  }
  const maxRho = options.maxRho;
  if (typeof maxRho === "number" && Number.isFinite(maxRho) && effective.rho > maxRho + TIE) {
    const top = components[0];
    findings.push(
      finding(
        "RHO_EXCEEDED",
        "error",
        `Effective ρ = ${fmt(effective.rho)} (ρ(A) = ${fmt(plain.rho)}) exceeds maxRho = ${maxRho}.`,
        "Guard the recommended nodes or remove feedback edges in the component shown.",
        top ? { path: top.nodes } : {},
      ),
    );
  }

  // Seeds.
  const seedCount = Math.max(0, Math.floor(options.seeds ?? 5));
  const seeds = rankSeeds(g, kSpectrum, weighted ? k : factor.some((f) => f < 1) ? ag : null, seedCount);
  if (seeds.length > 0 && plain.rho > 0 && seeds[0]!.score > 0) {
    findings.push(
      finding(
        "DANGEROUS_SEED",
        "info",
        `An error injected at "${seeds[0]!.node}" spreads most (largest principal-eigenvector entry; reaches ${seeds[0]!.reach} nodes).`,
        `Verify "${seeds[0]!.node}"'s output before others consume it.`,
        { node: seeds[0]!.node },
      ),
    );
  }

  // Guards.
  let guards: GuardReport | null = null;
  if (options.guards !== false) {
    const unit = options.guards?.unit === "edge" ? "edge" : "node";
    const eligible = new Uint8Array(g.n);
    for (let i = 0; i < g.n; i++) eligible[i] = factor[i]! < 1 ? 0 : 1;
    const kWeights = weighted ? k : scaled(ag, scale);
    const placed = placeGuards({
      g,
      k: kWeights,
      eligible,
      residual,
      unit,
      maxGuards: Math.max(0, Math.floor(options.guards?.max ?? 25)),
      components: weighted ? kComps : effective.components,
    });
    let rhoAfter = effective.rho;
    if (placed.recommended.length > 0) {
      if (!weighted) rhoAfter = placed.rAfter / scale;
      else {
        const agAfter = ag.map((w, e) => (kWeights[e]! > 0 ? (w * placed.weights[e]!) / kWeights[e]! : w));
        rhoAfter = computeSpectrum(g, agAfter).rho;
      }
    }
    guards = {
      unit,
      residual,
      rBefore: placed.rBefore,
      rAfter: placed.rAfter,
      rhoBefore: effective.rho,
      rhoAfter,
      recommended: placed.recommended,
      sufficient: placed.rAfter < 1,
    };
    if (placed.recommended.length > 0) {
      const names = placed.recommended.map((r) => r.node ?? formatPath(r.edge ?? []));
      findings.push(
        finding(
          "GUARDS_RECOMMENDED",
          R >= 1 - TIE ? "warning" : "info",
          `Guard ${unit === "node" ? "producers" : "edges"} ${short(names)}: R ${fmt(placed.rBefore)} → ${fmt(placed.rAfter)}, effective ρ ${fmt(effective.rho)} → ${fmt(guards.rhoAfter)} (residual ${residual}).`,
          unit === "node"
            ? "Wrap each listed node in a BICR guard (guardNode(builder, name, options) or createBicrGuard from langgraph-firebreak/nodes)."
            : "Put a verifier node on each listed edge.",
          { path: names },
        ),
      );
    }
    if (!guards.sufficient && R >= 1 - TIE) {
      findings.push(
        finding(
          "GUARDS_INSUFFICIENT",
          "warning",
          `Even after ${placed.recommended.length} guard${placed.recommended.length === 1 ? "" : "s"} R = ${fmt(placed.rAfter)} ≥ 1.`,
          "Restructure: fewer feedback edges, fewer workers per hub, or lower β with structured handoffs.",
        ),
      );
    }
  }

  // Relay depth.
  const relay = relayIndexed(g, options.maxRelayDepth !== undefined ? { maxRelayDepth: options.maxRelayDepth } : {}, plainComps);
  if (relay.depth === "unbounded") {
    for (const cycle of relay.unboundedCycles) {
      findings.push(
        finding(
          "RELAY_UNBOUNDED",
          "error",
          `Agents ${formatPath([...cycle, cycle[0]!])} hand work around a loop with no verifier or human on it: an unbounded relay (each stage loses accuracy, arXiv:2603.26993).`,
          "Put a verifier node (role \"verifier\") or a human gate on the loop, or wrap one of its agents in a guard.",
          { path: cycle },
        ),
      );
    }
  } else if (!relay.ok) {
    findings.push(
      finding(
        "RELAY_DEPTH_EXCEEDED",
        "error",
        `${relay.depth} agents relay work without verification (${formatPath(relay.path)}); the limit is ${relay.limit} (a heuristic, arXiv:2603.26993).`,
        "Insert a verifier node (role \"verifier\") in the middle of the chain, hand over structured posteriors, or raise maxRelayDepth deliberately.",
        { path: relay.path },
      ),
    );
  }
  for (const agent of relay.selfLoops) {
    findings.push(
      finding(
        "AGENT_SELF_LOOP",
        "info",
        `Agent "${agent}" loops back to itself (through tools or routers): only the recursion limit bounds it.`,
        "Make sure a condition routes out of the loop; set recursionLimit deliberately.",
        { node: agent },
      ),
    );
  }

  // Cycles.
  let cycles: CycleReport | null = null;
  if (options.cycles !== false) {
    cycles = findCyclesIndexed(g, options.cycles ?? {});
    if (!cycles.exact) {
      findings.push(
        finding(
          "CYCLES_TRUNCATED",
          "info",
          `At least ${cycles.count} elementary cycles; enumeration stopped at the cap.`,
          "Raise cycles.countLimit for an exact count; ρ does not depend on it.",
        ),
      );
    }
  }

  // Tier.
  const tier = assessTier(
    {
      topology,
      rho: plain.rho,
      relayOk: relay.ok,
      relayDepth: relay.depth,
      relayLimit: relay.limit,
      unguardedComponents: unguarded,
      cyclicComponents: components.length,
    },
    options.facts ?? {},
  );
  for (const control of tier.controls) {
    if (control.status !== "missing" || control.id === "relay-depth") continue;
    findings.push(
      finding(
        "CONTROL_MISSING",
        "warning",
        `Tier ${tier.tier} needs "${control.label}" (tier ${control.tier}): ${control.evidence}.`,
        `Add the control or lower the tier's drivers.`,
      ),
    );
  }

  return {
    kind: "firebreak/topology-report",
    ...(topology.name !== undefined ? { name: topology.name } : {}),
    size: { nodes: g.n, edges: m },
    rho: plain.rho,
    rhoBounds: [plain.lo, plain.hi],
    converged: plain.converged && effective.converged && kSpectrum.converged,
    rhoEffective: effective.rho,
    beta,
    delta,
    guardResidual: residual,
    weighted,
    R,
    verdict,
    components,
    componentCount: plainComps.count,
    cycles,
    seeds,
    patterns,
    guards,
    relay,
    tier,
    findings: sortFindings(findings),
    ok: !findings.some((f) => f.severity === "error"),
  };
}

function scaled(w: Float64Array, s: number): Float64Array {
  return w.map((v) => v * s);
}

function maxRhoOver(s: Spectrum, members: number[]): number {
  let best = 0;
  const seen = new Set<number>();
  for (const i of members) {
    const c = s.components.comp[i]!;
    if (seen.has(c)) continue;
    seen.add(c);
    const r = s.blocks.get(c)?.result.rho ?? 0;
    if (r > best) best = r;
  }
  return best;
}

/** 1 for nodes from which some exit (a node handing over to `__end__`) is reachable. */
function reachesEnd(g: IndexedGraph, exits: readonly string[]): Uint8Array {
  const ok = new Uint8Array(g.n);
  const queue: number[] = [];
  for (const id of exits) {
    const i = g.index.get(id);
    if (i !== undefined && !ok[i]) {
      ok[i] = 1;
      queue.push(i);
    }
  }
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h]!;
    for (let p = g.inStart[v]!; p < g.inStart[v + 1]!; p++) {
      const u = g.inSource[p]!;
      if (!ok[u]) {
        ok[u] = 1;
        queue.push(u);
      }
    }
  }
  return ok;
}

function rankSeeds(g: IndexedGraph, s: Spectrum, weights: Float64Array | null, count: number): SeedReport[] {
  if (count === 0 || g.n === 0) return [];
  const x = principalVector(g, s, weights);
  if (s.rho > 0) {
    // Top-k selection in one pass (k is small), ties broken by id.
    const top: number[] = [];
    const better = (a: number, b: number) => x[a]! > x[b]! || (x[a] === x[b] && g.ids[a]! < g.ids[b]!);
    for (let i = 0; i < g.n; i++) {
      if (!(x[i]! > 0)) continue;
      if (top.length === count && !better(i, top[count - 1]!)) continue;
      let k = Math.min(top.length, count - 1);
      if (top.length < count) top.push(i);
      while (k > 0 && better(i, top[k - 1]!)) {
        top[k] = top[k - 1]!;
        k--;
      }
      top[k] = i;
    }
    return top.map((i) => ({ node: g.ids[i]!, score: round(x[i]!), reach: reachCount(g, i) }));
  }
  // A DAG: no growth, rank by how many nodes an error can reach.
  let candidates = Array.from({ length: g.n }, (_, i) => i);
  if (g.n > 2000) {
    candidates = candidates
      .sort((a, b) => g.outStart[b + 1]! - g.outStart[b]! - (g.outStart[a + 1]! - g.outStart[a]!))
      .slice(0, 50);
  }
  return candidates
    .map((i) => ({ node: g.ids[i]!, score: 0, reach: reachCount(g, i) }))
    .filter((r) => r.reach > 0)
    .sort((a, b) => b.reach - a.reach || (a.node < b.node ? -1 : 1))
    .slice(0, count);
}

function round(v: number): number {
  return Math.round(v * 1e12) / 1e12;
}

function short(ids: readonly string[], max = 8): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} … (${ids.length} nodes)`;
}

const ORDER = { error: 0, warning: 1, info: 2 } as const;

function sortFindings(findings: TopologyFinding[]): TopologyFinding[] {
  return findings
    .map((f, i) => [f, i] as const)
    .sort((a, b) => ORDER[a[0].severity] - ORDER[b[0].severity] || a[1] - b[1])
    .map(([f]) => f);
}

function failedReport(error: unknown, options: AnalyzeTopologyOptions, topology?: Topology): TopologyReport {
  const message = error instanceof Error ? error.message : String(error);
  const limit = options.maxRelayDepth ?? 3;
  return {
    kind: "firebreak/topology-report",
    ...(topology?.name !== undefined ? { name: topology.name } : {}),
    size: { nodes: topology?.nodes.length ?? 0, edges: topology?.edges.length ?? 0 },
    rho: 0,
    rhoBounds: [0, 0],
    converged: false,
    rhoEffective: 0,
    beta: num(options.beta, DEFAULT_BETA, 0, 1),
    delta: num(options.delta, DEFAULT_DELTA, Number.MIN_VALUE, 1),
    guardResidual: num(options.guardResidual, DEFAULT_GUARD_RESIDUAL, 0, 1),
    weighted: false,
    R: 0,
    verdict: "sub-threshold",
    components: [],
    componentCount: 0,
    cycles: null,
    seeds: [],
    patterns: [],
    guards: null,
    relay: { limit, depth: 0, path: [], ok: true, unboundedCycles: [], selfLoops: [] },
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
