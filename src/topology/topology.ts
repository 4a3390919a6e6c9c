/**
 * The topology data model: a directed dependency graph of named nodes with roles.
 * An edge `a → b` means `b` consumes `a`'s output. Plain JSON data, so it can be saved,
 * diffed and built by hand for graphs that are not LangGraph graphs.
 */
import type { TopologyFinding } from "./findings.js";
import type { FirebreakGuardInfo, FirebreakRole } from "./roles.js";
import { isFirebreakRole } from "./roles.js";

/** Where a node's role came from. */
export type RoleSource = "metadata" | "interrupt" | "prebuilt" | "default" | "declared";

/** How an edge was declared in LangGraph. */
export type EdgeKind =
  /** `addEdge(a, b)`. */
  | "direct"
  /** `addEdge([a, b], c)`: `c` waits for all of them. */
  | "fan-in"
  /** A conditional edge's path-map target. */
  | "conditional"
  /** `Send` fan-out: the routing function returns `Send` packets. */
  | "send"
  /** A `Command` goto target declared with `addNode(…, { ends })`. */
  | "command"
  /** A handoff tool's `Command({ goto, graph: Command.PARENT })` to another agent. */
  | "handoff"
  /** A target of a conditional edge without a path map, read from the routing function's source. */
  | "read"
  /** A target nobody declared (hand-built topologies: a worst-case assumption). */
  | "unknown";

/**
 * What one node stands for. `agent`: a prebuilt agent (or any subgraph that is one agent) is
 * one node and handoff tools are edges between agents; `node`: every node of every subgraph.
 */
export type AnalysisLevel = "agent" | "node";

/** One node. */
export interface TopologyNode {
  /** Unique name; subgraph nodes are prefixed `parent:child`. */
  readonly id: string;
  /** The node's role. */
  readonly role: FirebreakRole;
  /** Where the role came from. */
  readonly roleSource: RoleSource;
  /** Present when the node is a guard: its outgoing edges carry checked output only. */
  readonly guard?: FirebreakGuardInfo;
  /** Declared hub (supervisor). */
  readonly hub?: boolean;
  /** Transmission probability β on this node's outgoing edges, when declared. */
  readonly beta?: number;
  /** Self-correction rate δ of this node, when declared. */
  readonly delta?: number;
  /** Static interrupt on this node (compiled `interruptBefore` / `interruptAfter`). */
  readonly interrupt?: "before" | "after" | "before,after";
  /** Whether the node has a `retryPolicy` (own or from `setNodeDefaults`), when known. */
  readonly retry?: boolean;
  /** True for an agent whose subgraph (model ⇄ tools loop) was read as one node (agent level). */
  readonly collapsed?: boolean;
  /**
   * Present on the nodes of a guarded node's producer subgraph, read through the guard
   * (`team:lead` inside a guarded `team`): edges leaving the group `node` pass the guard, edges
   * inside it do not. For relay depth the whole group is one guarded agent.
   */
  readonly insideGuard?: { readonly node: string; readonly residual?: number };
}

/** One edge `source → target`. */
export interface TopologyEdge {
  /** Producer. */
  readonly source: string;
  /** Consumer. */
  readonly target: string;
  /** How the edge was declared. */
  readonly kind: EdgeKind;
  /** Transmission probability β on this edge, overriding the node's and the analysis' β. */
  readonly beta?: number;
}

/** Presence of a control: `unknown` when it cannot be seen from the graph object. */
export type ControlStatus = "present" | "absent" | "unknown";

/** Controls the extractor could see on the graph object. */
export interface DetectedControls {
  /** A checkpointer on the compiled graph (`unknown` for an uncompiled builder). */
  readonly checkpointer: ControlStatus;
  /** Callbacks configured on the graph, or LangSmith tracing enabled in the environment. */
  readonly tracing: ControlStatus;
  /** Chat models wrapped by `withSemanticBreaker`, where models are visible at all. */
  readonly breaker: ControlStatus;
  /** Free-text evidence for each status, for reports. */
  readonly evidence: Readonly<Record<"checkpointer" | "tracing" | "breaker", string>>;
}

/** A directed dependency graph ready for analysis. */
export interface Topology {
  /** Marks the object as a topology. */
  readonly kind: "firebreak/topology";
  /** The graph's name, when it has one. */
  readonly name?: string;
  /** Every node except `__start__` and `__end__`. */
  readonly nodes: readonly TopologyNode[];
  /** Every edge between nodes, one per ordered pair. */
  readonly edges: readonly TopologyEdge[];
  /** Nodes reached from `__start__`. */
  readonly entries: readonly string[];
  /** Nodes that may hand over to `__end__` (explicitly, by a branch, or having no out-edge). */
  readonly exits: readonly string[];
  /** What extraction noticed (unknown branch targets, unexpanded subgraphs, …). */
  readonly findings: readonly TopologyFinding[];
  /** Controls visible on the graph object. */
  readonly controls: DetectedControls;
  /** What a node stands for; absent on hand-built topologies (where nodes are what they are). */
  readonly level?: AnalysisLevel;
  /** The same graph at node level, when it differs (an agent was read as one node). */
  readonly nodeLevel?: { readonly nodes: readonly TopologyNode[]; readonly edges: readonly TopologyEdge[] };
}

/** A node given to {@link createTopology}: a name, or a name with a role and numbers. */
export type TopologyNodeInput =
  | string
  | {
      id: string;
      role?: FirebreakRole;
      guard?: FirebreakGuardInfo;
      hub?: boolean;
      beta?: number;
      delta?: number;
    };

/** An edge given to {@link createTopology}: `[source, target]` or an object. */
export type TopologyEdgeInput =
  | readonly [source: string, target: string]
  | { source: string; target: string; kind?: EdgeKind; beta?: number };

/** Input of {@link createTopology}. */
export interface CreateTopologyInput {
  /** Nodes; nodes named only in edges are added with the default role. */
  nodes?: readonly TopologyNodeInput[];
  /** Edges between nodes (use `__start__` / `__end__` for entries and exits). */
  edges: readonly TopologyEdgeInput[];
  /** Role of nodes without one. @default "agent" */
  defaultRole?: FirebreakRole;
  /** The graph's name. */
  name?: string;
}

const START = "__start__";
const END = "__end__";

/**
 * Builds a topology by hand, for graphs that are not LangGraph graphs or for what-if
 * analysis. Edges from `__start__` mark entries, edges to `__end__` exits.
 *
 * @example
 * ```ts
 * const t = createTopology({
 *   nodes: [{ id: "check", role: "verifier" }],
 *   edges: [["__start__", "draft"], ["draft", "check"], ["check", "draft"], ["check", "__end__"]],
 * });
 * analyzeTopology(t).rho; // 1
 * ```
 */
export function createTopology(input: CreateTopologyInput): Topology {
  const defaultRole = isFirebreakRole(input.defaultRole) ? input.defaultRole : "agent";
  const nodes = new Map<string, TopologyNode>();
  for (const n of input.nodes ?? []) {
    const node: TopologyNode =
      typeof n === "string"
        ? { id: n, role: defaultRole, roleSource: "default" }
        : {
            id: n.id,
            role: n.role ?? defaultRole,
            roleSource: n.role ? "declared" : "default",
            ...(n.guard ? { guard: n.guard } : {}),
            ...(n.hub ? { hub: true } : {}),
            ...(n.beta !== undefined ? { beta: n.beta } : {}),
            ...(n.delta !== undefined ? { delta: n.delta } : {}),
          };
    nodes.set(node.id, node);
  }
  const entries = new Set<string>();
  const exits = new Set<string>();
  const edges = new Map<string, TopologyEdge>();
  const ensure = (id: string) => {
    if (id !== START && id !== END && !nodes.has(id)) {
      nodes.set(id, { id, role: defaultRole, roleSource: "default" });
    }
  };
  for (const e of input.edges) {
    const [source, target, kind, beta] = Array.isArray(e)
      ? [e[0], e[1], "direct" as EdgeKind, undefined]
      : [
          (e as { source: string }).source,
          (e as { target: string }).target,
          (e as { kind?: EdgeKind }).kind ?? "direct",
          (e as { beta?: number }).beta,
        ];
    ensure(source);
    ensure(target);
    if (source === START) {
      if (target !== END) entries.add(target);
      continue;
    }
    if (target === END) {
      exits.add(source);
      continue;
    }
    const key = `${source}\u0000${target}`;
    if (!edges.has(key)) {
      edges.set(key, { source, target, kind, ...(beta !== undefined ? { beta } : {}) });
    }
  }
  return {
    kind: "firebreak/topology",
    ...(input.name !== undefined ? { name: input.name } : {}),
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    entries: [...entries],
    exits: [...exits],
    findings: [],
    controls: {
      checkpointer: "unknown",
      tracing: "unknown",
      breaker: "unknown",
      evidence: {
        checkpointer: "built by hand",
        tracing: "built by hand",
        breaker: "built by hand",
      },
    },
  };
}

/** True for a {@link Topology} (from {@link extractTopology} or {@link createTopology}). */
export function isTopology(value: unknown): value is Topology {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "firebreak/topology" &&
    Array.isArray((value as { nodes?: unknown }).nodes) &&
    Array.isArray((value as { edges?: unknown }).edges)
  );
}
