/**
 * Internal: turns guard placement into the report's `guards` section and its findings. Every
 * recommended node is a top-level node, the name `guardNodeInPlace(builder, name, …)` accepts.
 */
import type { AnalysisSettings } from "./analysis-settings.js";
import { fmt, short, TIE, type Cascade } from "./cascade.js";
import { finding, formatPath, type TopologyFinding } from "./findings.js";
import type { IndexedGraph } from "./graph-index.js";
import { collapseGroups, topLevelGroups, type Groups } from "./groups.js";
import { placeGuards, type GuardReport } from "./guards.js";
import { normaliseLimit, relayIndexed, type RelayReport } from "./relay.js";
import { placeRelayGuards } from "./relay-placement.js";
import type { Components } from "./scc.js";
import { computeSpectrum } from "./spectrum.js";

/** Guard options of the analysis. */
export type GuardOptions = false | { unit?: "node" | "edge"; max?: number } | undefined;

/** Groups already guarded: a guard node, or the nodes of a guarded subgraph read through its guard. */
export function guardedGroups(g: IndexedGraph, groups: Groups): Uint8Array {
  const out = new Uint8Array(groups.names.length);
  for (let i = 0; i < g.n; i++) if (g.nodes[i]!.guard || g.nodes[i]!.insideGuard) out[groups.of[i]!] = 1;
  return out;
}

/**
 * Relay depth as the audit measures it: a guarded subgraph read through its guard is one
 * guarded agent (the guard counts as its producer and resets the chain after it).
 */
export function relayOfGuarded(g: IndexedGraph, maxRelayDepth: number | undefined, groups?: Groups): { relay: RelayReport; collapsed: boolean } {
  const options = maxRelayDepth !== undefined ? { maxRelayDepth } : {};
  if (!g.nodes.some((node) => node.insideGuard)) return { relay: relayIndexed(g, options), collapsed: false };
  const gs = groups ?? topLevelGroups(g);
  return { relay: relayIndexed(collapseGroups(g, gs, guardedGroups(g, gs)).graph, options), collapsed: true };
}

/**
 * The analysis's relay step: read through guards when a guarded subgraph is present, else on
 * the graph as it is (`all`, the whole graph's components, reused).
 */
export function measureRelay(g: IndexedGraph, maxRelayDepth: number | undefined, all?: Components): RelayReport {
  if (g.nodes.some((node) => node.insideGuard)) return relayOfGuarded(g, maxRelayDepth).relay;
  return relayIndexed(g, maxRelayDepth !== undefined ? { maxRelayDepth } : {}, all);
}

/** Places guards (relay cuts first, then the cascade) and reports GUARDS_RECOMMENDED / GUARDS_INSUFFICIENT. */
export function recommendGuards(
  g: IndexedGraph,
  c: Cascade,
  s: AnalysisSettings,
  options: GuardOptions,
  relay: RelayReport,
): { guards: GuardReport | null; findings: TopologyFinding[] } {
  if (options === false) return { guards: null, findings: [] };
  const unit = options?.unit === "edge" ? "edge" : "node";
  const { guarded, ag, k, weighted } = c.weights;
  const scale = s.beta / s.delta;
  const eligible = new Uint8Array(g.n);
  for (let i = 0; i < g.n; i++) eligible[i] = guarded[i] === 1 ? 0 : 1;
  const kWeights = weighted ? k : ag.map((v) => v * scale);
  const maxGuards = Math.max(0, Math.floor(options?.max ?? 25));
  const groups = topLevelGroups(g);
  const before = guardedGroups(g, groups);
  const limit = normaliseLimit(relay.limit);
  // Relay cuts first: they fix errors, and the cascade's greedy starts from them. When guards
  // cannot fix the relay within the cap, none are spent on it: the cascade gets the budget.
  const relayPlan = unit === "node" && !relay.ok ? placeRelayGuards(g, groups, before, limit, maxGuards, relay) : undefined;
  const relayPicks = relayPlan?.ok ? relayPlan.picks : [];
  const place = (preset: Parameters<typeof placeGuards>[0]["preset"]) =>
    placeGuards({
      g,
      k: kWeights,
      eligible,
      residual: s.residual,
      unit,
      maxGuards,
      components: weighted ? c.kComps : c.effective.components,
      warm: new Map([...(weighted ? c.kSpectrum : c.effective).blocks].map(([n, b]) => [n, b.result.vector])),
      groups,
      preset,
    });
  let placed = place(relayPicks);
  let relayAfter: RelayReport = relayPlan?.ok ? relayPlan.after : relay;
  if (unit === "node" && placed.recommended.length > relayPicks.length) {
    // A guard placed for R also counts as one agent: check the relay with every pick, cut again if needed.
    const state = before.slice();
    const groupIndex = new Map(groups.names.map((name, k) => [name, k]));
    const all = placed.recommended.map((rec) => {
      const group = groupIndex.get(rec.node!)!;
      return { group, node: g.index.get(rec.at ?? rec.node!) ?? groups.members[groups.start[group]!]!, reason: rec.reason, sensitivity: rec.sensitivity };
    });
    for (const pick of all) state[pick.group] = 1;
    const extra = placeRelayGuards(g, groups, state, limit, maxGuards - all.length);
    relayAfter = extra.after;
    if (extra.ok && extra.picks.length > 0) {
      placed = place([...all, ...extra.picks]);
      for (const pick of extra.picks) state[pick.group] = 1;
      relayAfter = relayIndexed(collapseGroups(g, groups, state).graph, { maxRelayDepth: limit });
    }
  }
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
    ...(unit === "node" ? { relay: { limit: relay.limit, before: relay.depth, after: relayAfter.depth, ok: relayAfter.ok } } : {}),
  };
  const insideGuarded = groups.names.filter((_, k) => before[k] === 1 && groups.multi[k] === 1);
  return { guards, findings: guardFindings(guards, c, insideGuarded) };
}

function guardFindings(guards: GuardReport, c: Cascade, insideGuarded: readonly string[]): TopologyFinding[] {
  const out: TopologyFinding[] = [];
  const { recommended, unit } = guards;
  if (recommended.length > 0) {
    const names = recommended.map((r) => r.node ?? formatPath(r.edge ?? []));
    const inner = recommended.filter((r) => r.at !== undefined).map((r) => `${r.node} (holding ${r.at})`);
    const relay = guards.relay && guards.relay.before !== guards.relay.after ? `, relay depth ${guards.relay.before} → ${guards.relay.after}` : "";
    const cuts = recommended.filter((r) => r.reason === "relay").length;
    out.push(
      finding(
        "GUARDS_RECOMMENDED",
        c.R >= 1 - TIE || cuts > 0 ? "warning" : "info",
        `Guard ${unit === "node" ? "producers" : "edges"} ${short(names)}: R ${fmt(guards.rBefore)} → ${fmt(guards.rAfter)}, effective ρ ${fmt(guards.rhoBefore)} → ${fmt(guards.rhoAfter)} (residual ${guards.residual})${relay}.${cuts > 0 ? ` ${cuts} of them cut relay loops or chains (a guard counts as one agent and resets the chain).` : ""}${inner.length > 0 ? ` Subgraphs are guarded as the top-level node that holds them: ${inner.join(", ")}.` : ""}`,
        unit === "node"
          ? `Wrap each listed node in a BICR guard: ${names.map((n) => `guardNodeInPlace(builder, "${n}", { challenger })`).join("; ")} (langgraph-firebreak/nodes).`
          : "Put a verifier node on each listed edge.",
        { path: names },
      ),
    );
  }
  if (guards.relay && !guards.relay.ok) {
    out.push(
      finding(
        "GUARDS_INSUFFICIENT",
        "warning",
        `Even after ${recommended.length} guard${recommended.length === 1 ? "" : "s"} the relay depth is ${guards.relay.after} (limit ${guards.relay.limit}): guards alone cannot cut it within guards.max.`,
        "Raise guards.max, add verifier nodes on the longest chains, or split the graph.",
      ),
    );
  }
  if (!guards.sufficient && c.R >= 1 - TIE) {
    out.push(
      finding(
        "GUARDS_INSUFFICIENT",
        "warning",
        `Even after ${recommended.length} guard${recommended.length === 1 ? "" : "s"} R = ${fmt(guards.rAfter)} ≥ 1.${insideGuarded.length > 0 ? ` Guarded subgraphs (${short(insideGuarded)}) are checked where their output leaves them; the loops inside them are not.` : ""}`,
        insideGuarded.length > 0
          ? "Guard inside those subgraphs (guardNodeInPlace on the subgraph's own builder, before compiling it), or restructure: fewer feedback edges, fewer workers per hub, or lower β with structured handoffs."
          : "Restructure: fewer feedback edges, fewer workers per hub, or lower β with structured handoffs.",
      ),
    );
  }
  return out;
}
