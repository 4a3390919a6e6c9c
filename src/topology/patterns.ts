/**
 * Recognises the supervisor–worker pattern: a hub with k workers, each linked to the hub
 * both ways and to nothing else in their loop. That bidirectional star has ρ = √k exactly
 * (A² restricted to the hub is k), so "workers report back to the supervisor" is a cycle
 * whose amplification grows with the number of workers. Subgraphs are collapsed to their
 * top-level node first, so a supervisor built from ReAct agents is still recognised.
 */
import { finding, type TopologyFinding } from "./findings.js";
import type { IndexedGraph } from "./graph-index.js";
import { stronglyConnectedComponents, type Components } from "./scc.js";

/** A recognised supervisor–worker star. */
export interface SupervisorWorkerPattern {
  readonly kind: "supervisor-worker";
  /** The hub (top-level name). */
  readonly hub: string;
  /** The workers (top-level names). */
  readonly workers: readonly string[];
  /** Number of workers. */
  readonly k: number;
  /** ρ of the bare star: √k. */
  readonly rhoClosedForm: number;
}

/**
 * Finds bidirectional stars with at least two workers, at every level: among the top-level
 * nodes (subgraphs collapsed to the node holding them) and inside each expanded subgraph
 * (`team:lead` with `team:a`, `team:b`), so a team of supervisors shows each nested star.
 * `components` (of `g` itself) is reused when no subgraph was expanded.
 */
export function findSupervisorWorker(g: IndexedGraph, components?: Components): SupervisorWorkerPattern[] {
  const scopes = new Set<string>([""]);
  for (const id of g.ids) {
    for (let cut = id.indexOf(":"); cut >= 0; cut = id.indexOf(":", cut + 1)) scopes.add(id.slice(0, cut + 1));
  }
  if (scopes.size === 1) return starsIn({ n: g.n, outStart: g.outStart, outTarget: g.outTarget, names: g.ids, selfLoop: g.selfLoop }, components);
  const out: SupervisorWorkerPattern[] = [];
  for (const scope of [...scopes].sort()) out.push(...starsIn(collapse(g, scope)));
  return out;
}

/** Supervisor–worker findings, each naming what `guardNodeInPlace` can wrap. */
export function patternFindings(patterns: readonly SupervisorWorkerPattern[], componentRho: (hub: string) => number | undefined): TopologyFinding[] {
  return patterns.map((p) => {
    const measured = componentRho(p.hub) ?? p.rhoClosedForm;
    const bare = Math.abs(measured - p.rhoClosedForm) <= 1e-9 * Math.max(1, measured);
    const cut = p.hub.indexOf(":");
    const fix =
      cut < 0
        ? `Guard the hub: guardNodeInPlace(builder, "${p.hub}", { challenger }) (one guard covers every handoff), or verify workers' results before they reach it.`
        : `Guard the hub inside its subgraph (guardNodeInPlace(subgraphBuilder, "${p.hub.slice(p.hub.lastIndexOf(":") + 1)}", …) before compiling it), or the whole team at the top level: guardNodeInPlace(builder, "${p.hub.slice(0, cut)}", …).`;
    return finding(
      "SUPERVISOR_WORKER",
      "info",
      `Supervisor–worker: hub "${p.hub}" with k = ${p.k} workers (${p.workers.join(", ")}), each reporting back. That is a cycle, not a tree: the bare star has ρ = √${p.k} ≈ ${p.rhoClosedForm.toFixed(4)}${bare ? "" : `; with the loops around it, its component has ρ = ${Number.isInteger(measured) ? measured : measured.toFixed(4)}`}. More workers, more amplification.`,
      fix,
      { node: p.hub },
    );
  });
}

interface Collapsed {
  n: number;
  outStart: Int32Array;
  outTarget: Int32Array;
  names: readonly string[];
  selfLoop: Uint8Array;
}

/** Bidirectional stars among the strongly connected components of a (collapsed) graph. */
function starsIn(c: Collapsed, components?: Components): SupervisorWorkerPattern[] {
  const { n, outStart, outTarget, names, selfLoop } = c;
  const comps = components ?? stronglyConnectedComponents(n, outStart, outTarget);
  const patterns: SupervisorWorkerPattern[] = [];
  const degree = new Int32Array(n);
  for (let k = 0; k < comps.count; k++) {
    const size = comps.start[k + 1]! - comps.start[k]!;
    if (size < 3) continue;
    const members = comps.members.subarray(comps.start[k]!, comps.start[k + 1]!);
    let edges = 0;
    for (const a of members) {
      let d = 0;
      for (let e = outStart[a]!; e < outStart[a + 1]!; e++) if (comps.comp[outTarget[e]!] === k) d++;
      degree[a] = d;
      edges += d;
    }
    // A star on `size` nodes has exactly 2·(size − 1) edges: hub → each worker and back.
    if (edges !== 2 * (size - 1)) continue;
    let hub = members[0]!;
    for (const a of members) if (degree[a]! > degree[hub]!) hub = a;
    if (degree[hub] !== size - 1 || selfLoop[hub]) continue;
    const workers = Array.from(members).filter((a) => a !== hub);
    if (!workers.every((w) => degree[w] === 1 && !selfLoop[w])) continue;
    const sorted = workers.map((w) => names[w]!).sort();
    patterns.push({ kind: "supervisor-worker", hub: names[hub]!, workers: sorted, k: sorted.length, rhoClosedForm: Math.sqrt(sorted.length) });
  }
  return patterns;
}

/**
 * The nodes under `scope` (all nodes for ""), each collapsed to `scope + its next name
 * segment`; only edges between different collapsed nodes are kept.
 */
function collapse(g: IndexedGraph, scope: string): Collapsed {
  const groupOf = new Int32Array(g.n).fill(-1);
  const names: string[] = [];
  const groupIndex = new Map<string, number>();
  for (let i = 0; i < g.n; i++) {
    const id = g.ids[i]!;
    if (!id.startsWith(scope)) continue;
    const rest = id.slice(scope.length);
    const cut = rest.indexOf(":");
    const name = scope + (cut < 0 ? rest : rest.slice(0, cut));
    let k = groupIndex.get(name);
    if (k === undefined) {
      k = names.length;
      names.push(name);
      groupIndex.set(name, k);
    }
    groupOf[i] = k;
  }
  const n = names.length;
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const selfLoop = new Uint8Array(n);
  for (let i = 0; i < g.n; i++) {
    const a = groupOf[i]!;
    if (a < 0) continue;
    for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) {
      const j = g.outTarget[e]!;
      const b = groupOf[j]!;
      if (b < 0) continue;
      if (a !== b) adj[a]!.add(b);
      else if (i === j && g.ids[i] === names[a]) selfLoop[a] = 1;
    }
  }
  const outStart = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) outStart[a + 1] = outStart[a]! + adj[a]!.size;
  const outTarget = new Int32Array(outStart[n]!);
  for (let a = 0, p = 0; a < n; a++) for (const b of adj[a]!) outTarget[p++] = b;
  return { n, outStart, outTarget, names, selfLoop };
}
