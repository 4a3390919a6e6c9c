/**
 * Internal: resolves fault targets (names, roles, `"hub"`, `"leaf"`) to node names of a
 * builder, through the topology analysis (roles and the principal eigenvector).
 */
import { analyzeTopology, extractTopology, type Topology, type TopologyReport } from "../topology/index.js";
import { ChaosError } from "./chaos-error.js";
import type { FaultTarget } from "./fault-plan.js";

/** How topology targets are resolved. */
export interface TargetResolution {
  /**
   * The topology to rank nodes on, when the builder's own (extracted with `xray: false`) is
   * not the one you want (e.g. with per-edge β). @default extracted from the builder
   */
  topology?: Topology;
}

/**
 * Picks `"hub"` (largest principal-eigenvector entry) or `"leaf"` (the agent with the smallest
 * positive entry; on a DAG, where every entry is 0, the agent that reaches fewest nodes).
 */
export function pickHubOrLeaf(which: "hub" | "leaf", topology: Topology, report?: TopologyReport): string {
  const analysis = report ?? analyzeTopology(topology, { seeds: topology.nodes.length, guards: false, cycles: false });
  const roleOf = new Map(topology.nodes.map((n) => [n.id, n.role]));
  const seeds = [...analysis.seeds];
  if (seeds.length === 0) {
    throw new ChaosError(`Cannot pick the ${which}: the topology has no nodes.`);
  }
  const positive = seeds.filter((s) => s.score > 0);
  const key = positive.length > 0 ? (s: (typeof seeds)[number]) => s.score : (s: (typeof seeds)[number]) => s.reach;
  const pool = positive.length > 0 ? positive : seeds;
  const sorted = [...pool].sort((a, b) => key(b) - key(a) || b.reach - a.reach || a.node.localeCompare(b.node));
  if (which === "hub") return sorted[0]!.node;
  const agents = sorted.filter((s) => roleOf.get(s.node) === "agent");
  const leaves = agents.length > 0 ? agents : sorted;
  return leaves[leaves.length - 1]!.node;
}

/** Node names of `builder` that `targets` name. Throws a `CHAOS` error for an unknown name or an empty role. */
export function resolveTargets(builder: object, targets: readonly FaultTarget[], options: TargetResolution = {}): string[] {
  const nodes = Object.keys((builder as { nodes: Record<string, unknown> }).nodes).filter((n) => n !== "__start__");
  let topology = options.topology;
  const getTopology = () => (topology ??= extractTopology(builder, { xray: false }));
  const out = new Set<string>();
  for (const target of targets) {
    if (target === "hub" || target === "leaf") {
      out.add(pickHubOrLeaf(target, getTopology()));
      continue;
    }
    if (typeof target === "string" || "node" in target) {
      const name = typeof target === "string" ? target : target.node;
      if (!nodes.includes(name)) {
        throw new ChaosError(
          `Fault target "${name}" is not a node of the graph; nodes: ${nodes.join(", ")}. Use a node name, "hub", "leaf" or { role }.`,
        );
      }
      out.add(name);
      continue;
    }
    const matched = getTopology()
      .nodes.filter((n) => n.role === target.role && nodes.includes(n.id))
      .map((n) => n.id);
    if (matched.length === 0) {
      throw new ChaosError(
        `Fault target { role: "${target.role}" } matches no node; declare roles with addNode(name, fn, { metadata: firebreakRole("${target.role}") }).`,
      );
    }
    for (const m of matched) out.add(m);
  }
  return [...out];
}
