/**
 * A Mermaid flowchart of a topology in LangGraph's own drawing style (solid edges for
 * plain edges, dotted for conditional ones), with cyclic components, their edges, existing
 * guards and recommended guards highlighted.
 */
import type { TopologyReport } from "./analyze.js";
import type { Topology } from "./topology.js";
import { InvalidOptionsError } from "../internal/options-schema.js";

/** Options of {@link topologyToMermaid}. */
export interface MermaidOptions {
  /** Colour the nodes and edges of cyclic components. @default true */
  highlightCycles?: boolean;
  /** Colour the recommended guards from the report. @default true */
  highlightGuards?: boolean;
}

/**
 * Draws a topology as Mermaid; pass the report to highlight cycles and recommended guards.
 *
 * @example
 * ```ts
 * const topology = extractTopology(graph);
 * console.log(topologyToMermaid(topology, analyzeTopology(topology)));
 * ```
 */
export function topologyToMermaid(
  topology: Topology,
  report?: TopologyReport,
  options: MermaidOptions = {},
): string {
  if (typeof topology !== "object" || topology === null || !Array.isArray(topology.nodes) || !Array.isArray(topology.edges)) {
    throw new InvalidOptionsError("topologyToMermaid", [{ option: "topology", received: topology === null ? "null" : typeof topology, allowed: "a Topology from extractTopology" }]);
  }
  const ids = mermaidIds();
  const marks = highlights(report, options);
  const lines: string[] = ["%%{init: {'flowchart': {'curve': 'linear'}}}%%", "graph TD;"];
  lines.push("\t__start__([<p>__start__</p>]):::first");
  for (const node of topology.nodes) {
    const label = escapeLabel(node.id);
    const detail = node.role === "agent" ? "" : `<hr/><small><em>${node.guard ? "guard" : node.role}</em></small>`;
    lines.push(`\t${ids.of(node.id)}("${label}${detail}")`);
  }
  lines.push("\t__end__([<p>__end__</p>]):::last");
  const links = drawEdges(topology, ids.of, marks, lines);
  lines.push(...styleLines(topology, ids, marks, links));
  return `${lines.join("\n")}\n`;
}

/** Mermaid ids for node names: sanitised, unique, stable in the order first asked for. */
function mermaidIds(): { of: (name: string) => string; has: (name: string) => boolean } {
  const ids = new Map<string, string>();
  const used = new Set<string>(["__start__", "__end__"]);
  const of = (name: string) => {
    let id = ids.get(name);
    if (id === undefined) {
      const base = name.replace(/[^A-Za-z0-9_]/g, "_") || "node";
      id = base;
      for (let k = 2; used.has(id); k++) id = `${base}_${k}`;
      used.add(id);
      ids.set(name, id);
    }
    return id;
  };
  return { of, has: (name) => ids.has(name) };
}

/** What the report asks to highlight: each node's cyclic component, recommended guard nodes and edges. */
interface Highlights {
  readonly cyclic: ReadonlyMap<string, number>;
  readonly recommended: ReadonlySet<string>;
  readonly recommendedEdges: ReadonlySet<string>;
}

function highlights(report: TopologyReport | undefined, options: MermaidOptions): Highlights {
  const cyclic = new Map<string, number>();
  if (report && (options.highlightCycles ?? true)) {
    report.components.forEach((c, k) => {
      for (const n of c.nodes) cyclic.set(n, k);
    });
  }
  const recommended = new Set<string>();
  const recommendedEdges = new Set<string>();
  if (report?.guards && (options.highlightGuards ?? true)) {
    for (const r of report.guards.recommended) {
      if (r.node) recommended.add(r.at ?? r.node);
      if (r.edge) recommendedEdges.add(`${r.edge[0]}\u0000${r.edge[1]}`);
    }
  }
  return { cyclic, recommended, recommendedEdges };
}

/** Appends the entry, edge and exit links; returns the link numbers to colour. */
function drawEdges(
  topology: Topology,
  idOf: (name: string) => string,
  marks: Highlights,
  lines: string[],
): { cycleLinks: number[]; guardLinks: number[] } {
  const cycleLinks: number[] = [];
  const guardLinks: number[] = [];
  let link = 0;
  for (const entry of topology.entries) {
    lines.push(`\t__start__ --> ${idOf(entry)};`);
    link++;
  }
  for (const e of topology.edges) {
    const arrow = e.kind === "direct" || e.kind === "fan-in" ? "-->" : e.kind === "unknown" || e.kind === "read" ? "-. ? .->" : "-.->";
    const label = e.kind === "send" ? "|Send|" : e.kind === "handoff" ? "|handoff|" : "";
    lines.push(`\t${idOf(e.source)} ${arrow}${label} ${idOf(e.target)};`);
    const cs = marks.cyclic.get(e.source);
    if (cs !== undefined && cs === marks.cyclic.get(e.target)) cycleLinks.push(link);
    if (marks.recommendedEdges.has(`${e.source}\u0000${e.target}`)) guardLinks.push(link);
    link++;
  }
  for (const exit of topology.exits) {
    lines.push(`\t${idOf(exit)} --> __end__;`);
    link++;
  }
  return { cycleLinks, guardLinks };
}

/** The class definitions and link styles. */
function styleLines(
  topology: Topology,
  ids: ReturnType<typeof mermaidIds>,
  marks: Highlights,
  links: { cycleLinks: number[]; guardLinks: number[] },
): string[] {
  const lines = [
    "\tclassDef default fill:#f2f0ff,line-height:1.2;",
    "\tclassDef first fill-opacity:0;",
    "\tclassDef last fill:#bfb6fc;",
  ];
  const cycleNodes = topology.nodes.filter((n) => marks.cyclic.has(n.id) && !marks.recommended.has(n.id)).map((n) => ids.of(n.id));
  const checked = topology.nodes
    .filter((n) => n.guard || n.role === "verifier" || n.role === "human")
    .map((n) => ids.of(n.id));
  const guardNodes = [...marks.recommended].filter((n) => ids.has(n)).map((n) => ids.of(n));
  if (cycleNodes.length > 0) {
    lines.push("\tclassDef cycle stroke:#d9480f,stroke-width:2px;");
    lines.push(`\tclass ${cycleNodes.join(",")} cycle;`);
  }
  if (checked.length > 0) {
    lines.push("\tclassDef checked fill:#d3f9d8,stroke:#2b8a3e;");
    lines.push(`\tclass ${checked.join(",")} checked;`);
  }
  if (guardNodes.length > 0) {
    lines.push("\tclassDef recommendedGuard fill:#ffe066,stroke:#e67700,stroke-width:3px;");
    lines.push(`\tclass ${guardNodes.join(",")} recommendedGuard;`);
  }
  if (links.cycleLinks.length > 0) lines.push(`\tlinkStyle ${links.cycleLinks.join(",")} stroke:#d9480f,stroke-width:2px;`);
  if (links.guardLinks.length > 0) lines.push(`\tlinkStyle ${links.guardLinks.join(",")} stroke:#e67700,stroke-width:4px;`);
  return lines;
}

function escapeLabel(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}
