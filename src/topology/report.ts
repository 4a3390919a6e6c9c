/** A readable plain-text rendering of a {@link TopologyReport}, for terminals and CI logs. */
import type { TopologyReport } from "./analyze.js";
import { formatPath } from "./findings.js";

/**
 * Renders a report as text: ρ, R and verdict, components, cycles, seeds, relay depth,
 * recommended guards, tier checklist and findings.
 *
 * @example
 * ```ts
 * console.log(formatTopologyReport(analyzeTopology(graph), { title: "graph.ts:graph" }));
 * ```
 */
export function formatTopologyReport(report: TopologyReport, options: { title?: string } = {}): string {
  const out: string[] = [];
  const title = options.title ?? report.name ?? "graph";
  const cyclic = report.components.length;
  out.push(`Topology audit: ${title}`);
  out.push(
    `  ${report.size.nodes} nodes, ${report.size.edges} edges; ${cyclic} cyclic component${cyclic === 1 ? "" : "s"} of ${report.componentCount}`,
  );
  if (report.level === "agent") out.push("  level: agent (a prebuilt agent's model ⇄ tools loop is one agent; --level node shows every node)");
  else if (report.level === "node") out.push("  level: node (every node of every subgraph)");
  cascadeSection(report, out);
  structureSection(report, out);
  relaySection(report, out);
  tierSection(report, out);
  return `${out.join("\n")}\n`;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

/** ρ, R, the verdict and the stars. */
function cascadeSection(report: TopologyReport, out: string[]): void {
  const n = num;
  out.push("");
  out.push("Cascade risk (arXiv:2603.04474)");
  out.push(`  ρ(A)          = ${n(report.rho)}${report.rho === 0 ? "  (acyclic: A is nilpotent, no error recirculates)" : ""}`);
  if (report.rhoNodeLevel !== undefined) {
    out.push(`  ρ node level  = ${n(report.rhoNodeLevel)}  (counting each agent's own model ⇄ tools loop as relay)`);
  }
  if (report.rhoEffective !== report.rho) {
    out.push(`  ρ effective   = ${n(report.rhoEffective)}  (guard/verifier/human out-edges × ${report.guardResidual})`);
  }
  out.push(
    report.weighted
      ? `  R = ρ(D⁻¹B)   = ${n(report.R)}  → ${report.verdict.toUpperCase()}`
      : `  R = β·ρ_eff/δ = ${report.beta}·${n(report.rhoEffective)}/${report.delta} = ${n(report.R)}  → ${report.verdict.toUpperCase()}`,
  );
  for (const p of report.patterns) {
    out.push(`  supervisor–worker: hub "${p.hub}" with k = ${p.k} workers → bare star ρ = √${p.k} ≈ ${n(p.rhoClosedForm)}`);
  }
}

/** Cyclic components, cycles and seeds. */
function structureSection(report: TopologyReport, out: string[]): void {
  const n = num;
  const cyclic = report.components.length;
  if (cyclic > 0) {
    out.push("");
    out.push("Cyclic components");
    for (const c of report.components.slice(0, 10)) {
      const members = c.nodes.length <= 10 ? c.nodes.join(", ") : `${c.nodes.slice(0, 10).join(", ")}, … (${c.nodes.length} nodes)`;
      const tags = [c.guarded ? "guarded" : "unguarded", c.hasExit ? "" : "NO EXIT"].filter(Boolean).join(", ");
      out.push(`  ρ = ${n(c.rho)}${c.rhoEffective !== c.rho ? ` (eff. ${n(c.rhoEffective)})` : ""}  {${members}}  ${tags}`);
    }
    if (report.components.length > 10) out.push(`  … ${report.components.length - 10} more`);
  }
  if (report.cycles) {
    out.push("");
    out.push(`Cycles: ${report.cycles.exact ? report.cycles.count : `at least ${report.cycles.count}`}`);
    for (const cycle of report.cycles.cycles.slice(0, 10)) out.push(`  ${formatPath([...cycle, cycle[0]!])}`);
    if (report.cycles.count > Math.min(10, report.cycles.cycles.length)) out.push("  …");
  }
  if (report.seeds.length > 0) {
    out.push("");
    out.push(report.rho > 0 ? "Most dangerous seeds (principal eigenvector)" : "Widest-reaching nodes (acyclic: no growth)");
    report.seeds.forEach((s, i) => {
      out.push(`  ${i + 1}. ${s.node}${report.rho > 0 ? `  score ${s.score.toFixed(3)}` : ""}  reaches ${s.reach} node${s.reach === 1 ? "" : "s"}`);
    });
  }
}

/** Relay depth and recommended guards. */
function relaySection(report: TopologyReport, out: string[]): void {
  const n = num;
  out.push("");
  const r = report.relay;
  out.push(`Relay depth: ${r.depth} (limit ${r.limit}, a heuristic from arXiv:2603.26993) ${r.ok ? "ok" : "FAILS"}`);
  if (r.path.length > 0) out.push(`  ${formatPath(r.depth === "unbounded" ? [...r.path, r.path[0]!] : r.path)}`);
  if (report.guards) {
    const g = report.guards;
    out.push("");
    if (g.recommended.length === 0) {
      out.push(`Guards: none needed (R = ${n(g.rBefore)} < 1)`);
    } else {
      out.push(`Recommended guards (${g.unit}s, residual ${g.residual})`);
      for (const rec of g.recommended) {
        const at = rec.at !== undefined ? `  (holds ${rec.at})` : "";
        out.push(`  + ${rec.node ?? formatPath(rec.edge ?? [])}${at}  → R ${n(rec.rAfter)}`);
      }
      out.push(`  ρ effective ${n(g.rhoBefore)} → ${n(g.rhoAfter)};  R ${n(g.rBefore)} → ${n(g.rAfter)}${g.sufficient ? "" : "  (still ≥ 1)"}`);
    }
  }
}

/** The tier checklist, the findings and the result line. */
function tierSection(report: TopologyReport, out: string[]): void {
  out.push("");
  out.push(`Tier ${report.tier.tier}`);
  for (const reason of report.tier.reasons) out.push(`  · ${reason}`);
  const mark = { present: "[x]", missing: "[ ]", unknown: "[?]", manual: "[~]" } as const;
  for (const c of report.tier.controls) out.push(`  ${mark[c.status]} T${c.tier} ${c.label}: ${c.evidence}`);
  if (report.findings.length > 0) {
    out.push("");
    out.push("Findings");
    for (const f of report.findings) {
      const at = f.path && f.path.length > 0 ? ` at ${formatPath(f.path)}` : f.node ? ` at ${f.node}` : "";
      out.push(`  ${f.severity.toUpperCase().padEnd(7)} ${f.code}${at}`);
      out.push(`          ${f.message}`);
      out.push(`          fix: ${f.fix}`);
    }
  }
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.filter((f) => f.severity === "warning").length;
  out.push("");
  out.push(`Result: ${report.ok ? "PASS" : "FAIL"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})`);
}
