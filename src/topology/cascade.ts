/**
 * Internal: the cascade model of arXiv:2603.04474 on an indexed graph. Guard, verifier and
 * human nodes scale their outgoing edges by the residual pass-through; the next-generation
 * matrix is K = D⁻¹B (per-edge β, per-node δ) and R = ρ(K), which is β·ρ_eff/δ when no node or
 * edge declares its own numbers. A DAG has ρ = 0; any cycle gives ρ ≥ 1.
 */
import type { AnalysisSettings } from "./analysis-settings.js";
import { finding, type TopologyFinding } from "./findings.js";
import type { IndexedGraph } from "./graph-index.js";
import { leavesGroup, topLevelGroups } from "./groups.js";
import type { Components } from "./scc.js";
import { computeSpectrum, graphComponents, type Spectrum } from "./spectrum.js";

/** Whether a single error dies out or spreads. */
export type CascadeVerdict = "sub-threshold" | "at-threshold" | "epidemic";

/** Relative tolerance for "at the threshold". */
export const TIE = 1e-9;

/** Edge weights of the cascade model. */
export interface CascadeWeights {
  /**
   * Guard factor per node: the residual for guard, verifier and human nodes, else 1 (a node
   * inside a guarded subgraph keeps its own factor; its edges leaving the group are scaled).
   */
  readonly factor: Float64Array;
  /** 1 for nodes whose output passes a guard, a verifier or a human (already guarded). */
  readonly guarded: Uint8Array;
  /** Guard factor per out-edge slot (ρ_eff). */
  readonly ag: Float64Array;
  /** Next-generation weights per out-edge slot. */
  readonly k: Float64Array;
  /** Whether some node or edge declares its own β or δ. */
  readonly weighted: boolean;
}

/** Spectra and verdict. */
export interface Cascade {
  readonly weights: CascadeWeights;
  readonly plainComps: Components;
  readonly plain: Spectrum;
  readonly effective: Spectrum;
  readonly kComps: Components;
  readonly kSpectrum: Spectrum;
  readonly R: number;
  readonly verdict: CascadeVerdict;
}

/** Guard factors and next-generation weights K = D⁻¹B. */
export function cascadeWeights(g: IndexedGraph, s: AnalysisSettings): CascadeWeights {
  const factor = new Float64Array(g.n);
  const guarded = new Uint8Array(g.n);
  let weighted = false;
  let inside = false;
  for (let i = 0; i < g.n; i++) {
    const node = g.nodes[i]!;
    factor[i] = node.guard ? (node.guard.residual ?? s.residual) : node.role === "verifier" || node.role === "human" ? s.residual : 1;
    if (factor[i]! < 1 || node.insideGuard) guarded[i] = 1;
    if (node.insideGuard) inside = true;
    if (node.beta !== undefined || node.delta !== undefined) weighted = true;
  }
  // A guarded subgraph read through its guard: only the edges leaving the group pass the guard.
  const groups = inside ? topLevelGroups(g) : undefined;
  const m = g.outTarget.length;
  const ag = new Float64Array(m);
  const k = new Float64Array(m);
  for (let i = 0; i < g.n; i++) {
    const node = g.nodes[i]!;
    const di = node.delta ?? s.delta;
    const around = node.insideGuard ? (node.insideGuard.residual ?? s.residual) : 1;
    for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) {
      const be = g.outBeta[e]!;
      if (!Number.isNaN(be)) weighted = true;
      const f = groups && around < 1 && leavesGroup(g, groups, i, e) ? factor[i]! * around : factor[i]!;
      ag[e] = f;
      k[e] = ((Number.isNaN(be) ? (node.beta ?? s.beta) : be) * f) / di;
    }
  }
  return { factor, guarded, ag, k, weighted };
}

function hasZero(w: Float64Array): boolean {
  for (let e = 0; e < w.length; e++) if (!(w[e]! > 0)) return true;
  return false;
}

/** ρ(A), ρ_eff, R and the verdict. */
export function solveCascade(g: IndexedGraph, s: AnalysisSettings): Cascade {
  const weights = cascadeWeights(g, s);
  const { guarded, ag, k, weighted } = weights;
  const plainComps = graphComponents(g, null);
  const plain = computeSpectrum(g, null, plainComps);
  // Residuals only change ρ when they sit on a cycle.
  let anyResidual = false;
  for (let i = 0; i < g.n && !anyResidual; i++) if (guarded[i] === 1 && plain.blocks.has(plainComps.comp[i]!)) anyResidual = true;
  const effective = anyResidual ? computeSpectrum(g, ag, hasZero(ag) ? graphComponents(g, ag) : plainComps) : plain;
  const kComps = hasZero(k) ? graphComponents(g, k) : plainComps;
  const kSpectrum = weighted ? computeSpectrum(g, k, kComps) : effective;
  const R = weighted ? kSpectrum.rho : (s.beta / s.delta) * effective.rho;
  const verdict: CascadeVerdict = R > 1 + TIE ? "epidemic" : R >= 1 - TIE ? "at-threshold" : "sub-threshold";
  return { weights, plainComps, plain, effective, kComps, kSpectrum, R, verdict };
}

/** Formats a figure: integers as they are, others to 4 decimals. */
export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

/** Lists ids, cut after `max`. */
export function short(ids: readonly string[], max = 8): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} … (${ids.length} nodes)`;
}

/** ACYCLIC / CYCLIC, RHO_NOT_CONVERGED, EPIDEMIC / AT_THRESHOLD and RHO_EXCEEDED. */
export function cascadeFindings(
  c: Cascade,
  s: AnalysisSettings,
  top: readonly string[] | undefined,
  cyclicCount: number,
  options: { failOnEpidemic?: boolean; maxRho?: number },
): TopologyFinding[] {
  const out: TopologyFinding[] = [];
  const { plain, effective, kSpectrum, R, verdict } = c;
  if (plain.rho === 0) {
    out.push(finding("ACYCLIC", "info", "ρ(A) = 0: the graph is acyclic, so A is nilpotent and no error can recirculate. A pipeline or tree has ρ = 0, not 1; errors still flow downstream, which relay depth measures.", "Nothing to do for cascades; keep unverified relay chains short."));
  } else {
    out.push(finding("CYCLIC", "info", `${cyclicCount} cyclic component${cyclicCount === 1 ? "" : "s"}; ρ(A) = ${fmt(plain.rho)}, from {${short(top ?? [])}}. Any cycle gives ρ ≥ 1; a single simple cycle gives exactly 1.`, "Guard the recommended nodes, or remove feedback edges that are not needed.", top ? { path: top } : {}));
  }
  if (!plain.converged || !effective.converged || !kSpectrum.converged) {
    out.push(finding("RHO_NOT_CONVERGED", "warning", `ρ did not converge to 1e-12; it lies in [${plain.lo}, ${plain.hi}].`, "The bounds are rigorous; report them as an interval."));
  }
  const equation = c.weights.weighted ? `R = ρ(D⁻¹B) = ${fmt(R)}` : `R = β·ρ_eff/δ = ${s.beta}·${fmt(effective.rho)}/${s.delta} = ${fmt(R)}`;
  if (verdict === "epidemic") {
    out.push(finding("EPIDEMIC", options.failOnEpidemic ? "error" : "warning", `${equation} > 1: one wrong claim grows into a cascade (β·ρ(A) > δ, arXiv:2603.04474).`, "Place guards where recommended, lower β (structured handoffs) or remove feedback edges."));
  } else if (verdict === "at-threshold") {
    out.push(finding("AT_THRESHOLD", "warning", `${equation}: exactly at the epidemic threshold; errors neither die out nor grow.`, "Add a verifier on the cycle to bring R below 1."));
  }
  const maxRho = options.maxRho;
  if (typeof maxRho === "number" && Number.isFinite(maxRho) && effective.rho > maxRho + TIE) {
    out.push(finding("RHO_EXCEEDED", "error", `Effective ρ = ${fmt(effective.rho)} (ρ(A) = ${fmt(plain.rho)}) exceeds maxRho = ${maxRho}.`, "Guard the recommended nodes or remove feedback edges in the component shown.", top ? { path: top } : {}));
  }
  return out;
}
