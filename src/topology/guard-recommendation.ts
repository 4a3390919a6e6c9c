/**
 * Internal: turns guard placement into the report's `guards` section and its findings. Every
 * recommended node is a top-level node, the name `guardNode(builder, name, …)` accepts.
 */
import type { AnalysisSettings } from "./analysis-settings.js";
import { fmt, short, TIE, type Cascade } from "./cascade.js";
import { finding, formatPath, type TopologyFinding } from "./findings.js";
import type { IndexedGraph } from "./graph-index.js";
import { placeGuards, type GuardReport } from "./guards.js";
import { computeSpectrum } from "./spectrum.js";

/** Guard options of the analysis. */
export type GuardOptions = false | { unit?: "node" | "edge"; max?: number } | undefined;

/** Places guards and reports GUARDS_RECOMMENDED / GUARDS_INSUFFICIENT. */
export function recommendGuards(
  g: IndexedGraph,
  c: Cascade,
  s: AnalysisSettings,
  options: GuardOptions,
): { guards: GuardReport | null; findings: TopologyFinding[] } {
  if (options === false) return { guards: null, findings: [] };
  const unit = options?.unit === "edge" ? "edge" : "node";
  const { factor, ag, k, weighted } = c.weights;
  const scale = s.beta / s.delta;
  const eligible = new Uint8Array(g.n);
  for (let i = 0; i < g.n; i++) eligible[i] = factor[i]! < 1 ? 0 : 1;
  const kWeights = weighted ? k : ag.map((v) => v * scale);
  const placed = placeGuards({
    g,
    k: kWeights,
    eligible,
    residual: s.residual,
    unit,
    maxGuards: Math.max(0, Math.floor(options?.max ?? 25)),
    components: weighted ? c.kComps : c.effective.components,
    warm: new Map([...(weighted ? c.kSpectrum : c.effective).blocks].map(([n, b]) => [n, b.result.vector])),
  });
  let rhoAfter = c.effective.rho;
  if (placed.recommended.length > 0) {
    if (!weighted) rhoAfter = placed.rAfter / scale;
    else rhoAfter = computeSpectrum(g, ag.map((w, e) => (kWeights[e]! > 0 ? (w * placed.weights[e]!) / kWeights[e]! : w))).rho;
  }
  const guards: GuardReport = {
    unit,
    residual: s.residual,
    rBefore: placed.rBefore,
    rAfter: placed.rAfter,
    rhoBefore: c.effective.rho,
    rhoAfter,
    recommended: placed.recommended,
    sufficient: placed.rAfter < 1,
  };
  return { guards, findings: guardFindings(guards, c) };
}

function guardFindings(guards: GuardReport, c: Cascade): TopologyFinding[] {
  const out: TopologyFinding[] = [];
  const { recommended, unit } = guards;
  if (recommended.length > 0) {
    const names = recommended.map((r) => r.node ?? formatPath(r.edge ?? []));
    const inner = recommended.filter((r) => r.at !== undefined).map((r) => `${r.node} (holding ${r.at})`);
    out.push(
      finding(
        "GUARDS_RECOMMENDED",
        c.R >= 1 - TIE ? "warning" : "info",
        `Guard ${unit === "node" ? "producers" : "edges"} ${short(names)}: R ${fmt(guards.rBefore)} → ${fmt(guards.rAfter)}, effective ρ ${fmt(guards.rhoBefore)} → ${fmt(guards.rhoAfter)} (residual ${guards.residual}).${inner.length > 0 ? ` Subgraphs are guarded as the top-level node that holds them: ${inner.join(", ")}.` : ""}`,
        unit === "node"
          ? `Wrap each listed node in a BICR guard: ${names.map((n) => `guardNode(builder, "${n}", { challenger })`).join("; ")} (langgraph-firebreak/nodes).`
          : "Put a verifier node on each listed edge.",
        { path: names },
      ),
    );
  }
  if (!guards.sufficient && c.R >= 1 - TIE) {
    out.push(
      finding(
        "GUARDS_INSUFFICIENT",
        "warning",
        `Even after ${recommended.length} guard${recommended.length === 1 ? "" : "s"} R = ${fmt(guards.rAfter)} ≥ 1.`,
        "Restructure: fewer feedback edges, fewer workers per hub, or lower β with structured handoffs.",
      ),
    );
  }
  return out;
}
