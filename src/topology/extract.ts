/**
 * `extractTopology`: reads a LangGraph `StateGraph` (or a compiled graph, which keeps its
 * builder) into a {@link Topology}: nodes with roles, plain edges, fan-in, conditional
 * path-map targets (also `Send` fan-out), `Command` targets declared with `ends`, and
 * subgraphs expanded as `parent:child`. Reads the builder's public fields only; loads no
 * LangGraph module.
 */
import { finding, type TopologyFinding } from "./findings.js";
import { readFirebreakInfo, isFirebreakRole, type FirebreakRole } from "./roles.js";
import type {
  ControlStatus,
  DetectedControls,
  EdgeKind,
  RoleSource,
  Topology,
  TopologyEdge,
  TopologyNode,
} from "./topology.js";

const START = "__start__";
const END = "__end__";


/** Savers that keep checkpoints in process memory: not durable. */
const IN_MEMORY_SAVERS = new Set(["MemorySaver", "InMemorySaver"]);
/** Options of {@link extractTopology}. */
export interface ExtractTopologyOptions {
  /** Expand subgraphs (`true`), not at all (`false`), or to a depth. @default true */
  xray?: boolean | number;
  /**
   * Role of nodes that declare none and match no prebuilt. Unknown nodes are assumed to
   * be agents: the worst case for relay depth.
   * @default "agent"
   */
  defaultRole?: FirebreakRole;
  /** Nodes gated by a static interrupt, for a builder not yet compiled. */
  interruptBefore?: readonly string[] | "*";
  /** Nodes followed by a static interrupt, for a builder not yet compiled. */
  interruptAfter?: readonly string[] | "*";
  /** Whether the graph will run with a checkpointer (for a builder not yet compiled). */
  checkpointer?: boolean;
  /** Transmission probability per edge, keyed `"source->target"`. */
  edgeBeta?: Readonly<Record<string, number>>;
  /** Self-correction rate per node id. */
  nodeDelta?: Readonly<Record<string, number>>;
}

interface BranchLike {
  ends?: Record<string, string>;
}
interface NodeSpecLike {
  runnable?: unknown;
  metadata?: unknown;
  subgraphs?: unknown[];
  ends?: string[];
  retryPolicy?: unknown;
  isErrorHandler?: boolean;
}
interface BuilderLike {
  nodes: Record<string, NodeSpecLike>;
  edges: Set<[string, string]>;
  branches: Record<string, Record<string, BranchLike>>;
  waitingEdges?: Set<[string[], string]>;
  _nodeDefaults?: { retryPolicy?: unknown };
}
interface CompiledLike {
  builder: BuilderLike;
  interruptBefore?: string[] | "*";
  interruptAfter?: string[] | "*";
  checkpointer?: unknown;
  config?: { callbacks?: unknown };
  name?: string;
}

function isBuilder(value: unknown): value is BuilderLike {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.nodes === "object" &&
    v.nodes !== null &&
    v.edges instanceof Set &&
    typeof v.branches === "object" &&
    v.branches !== null
  );
}

/** Finds the builder (and compiled graph) behind a builder, a compiled graph or an agent. */
function resolve(value: unknown): { builder: BuilderLike; compiled?: CompiledLike } | undefined {
  if (isBuilder(value)) return { builder: value };
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as { builder?: unknown; graph?: unknown };
  if (isBuilder(v.builder)) return { builder: v.builder, compiled: value as CompiledLike };
  // langchain's createAgent returns an object holding the compiled graph.
  if (typeof v.graph === "object" && v.graph !== null && isBuilder((v.graph as { builder?: unknown }).builder)) {
    const compiled = v.graph as CompiledLike;
    return { builder: compiled.builder, compiled };
  }
  return undefined;
}

/** True when `value` is something {@link extractTopology} can read. */
export function isExtractableGraph(value: unknown): boolean {
  return resolve(value) !== undefined;
}

interface Context {
  readonly options: ExtractTopologyOptions;
  readonly defaultRole: FirebreakRole;
  readonly nodes: Map<string, TopologyNode>;
  readonly edges: Map<string, TopologyEdge>;
  readonly findings: TopologyFinding[];
  readonly defaulted: string[];
  readonly scan: ModelScan;
}

interface Ends {
  entries: string[];
  exits: string[];
}

const KIND_RANK: Record<EdgeKind, number> = { direct: 0, "fan-in": 1, conditional: 2, command: 3, unknown: 4 };

/**
 * Reads a `StateGraph`, a compiled graph or a `createAgent` agent into a topology.
 * Throws a `TypeError` for anything else (analyzeTopology turns that into a finding).
 *
 * @example
 * ```ts
 * const topology = extractTopology(builder, { interruptBefore: ["publish"] });
 * topology.nodes; // [{ id: "writer", role: "agent", … }, { id: "publish", role: "human", … }]
 * ```
 */
export function extractTopology(graph: unknown, options: ExtractTopologyOptions = {}): Topology {
  const resolved = resolve(graph);
  if (!resolved) {
    throw new TypeError(
      `expected a StateGraph, a compiled graph or an agent with a .graph, got ${describe(graph)}`,
    );
  }
  const ctx: Context = {
    options,
    defaultRole: isFirebreakRole(options.defaultRole) ? options.defaultRole : "agent",
    nodes: new Map(),
    edges: new Map(),
    findings: [],
    defaulted: [],
    scan: { models: 0, breakers: 0 },
  };
  const depth = options.xray === false ? 0 : options.xray === true || options.xray === undefined ? Infinity : Math.max(0, options.xray);
  const top = expand(ctx, resolved.builder, resolved.compiled, "", depth, true);

  if (ctx.defaulted.length > 0) {
    const ids = ctx.defaulted;
    ctx.findings.push(
      finding(
        "DEFAULT_ROLES",
        "info",
        `${ids.length} node${ids.length === 1 ? "" : "s"} declare no role and were assumed to be ${ctx.defaultRole}s: ${ids.slice(0, 8).join(", ")}${ids.length > 8 ? ", …" : ""}.`,
        `Declare roles with addNode(name, fn, { metadata: firebreakRole("verifier") }) (also "tool", "router", "human").`,
      ),
    );
  }
  const name = resolved.compiled?.name;
  return {
    kind: "firebreak/topology",
    ...(typeof name === "string" && name !== "LangGraph" ? { name } : {}),
    nodes: [...ctx.nodes.values()],
    edges: [...ctx.edges.values()],
    entries: top.entries,
    exits: top.exits,
    findings: ctx.findings,
    controls: detectControls(resolved.compiled, options, ctx.scan),
  };
}

function interruptList(value: unknown): readonly string[] | "*" {
  if (value === "*") return "*";
  return Array.isArray(value) ? (value.filter((v) => typeof v === "string") as string[]) : [];
}

function union(a: readonly string[] | "*", b: readonly string[] | "*" | undefined): readonly string[] | "*" {
  if (a === "*" || b === "*") return "*";
  return b ? [...a, ...b] : a;
}

function has(list: readonly string[] | "*", key: string): boolean {
  return list === "*" || list.includes(key);
}

/** Adds the nodes and edges of one (sub)graph level; returns its entry and exit nodes. */
function expand(
  ctx: Context,
  builder: BuilderLike,
  compiled: CompiledLike | undefined,
  prefix: string,
  depth: number,
  isTop: boolean,
): Ends {
  const before = union(interruptList(compiled?.interruptBefore), isTop ? ctx.options.interruptBefore : undefined);
  const after = union(interruptList(compiled?.interruptAfter), isTop ? ctx.options.interruptAfter : undefined);
  const keys = Object.keys(builder.nodes).filter((key) => {
    if (builder.nodes[key]?.isErrorHandler) {
      ctx.findings.push(
        finding(
          "ERROR_HANDLER_NOT_MODELLED",
          "info",
          `Error handler "${prefix}${key}" may route anywhere with a Command; its edges are not modelled.`,
          "Declare the handler's targets or keep it to state updates.",
          { node: prefix + key },
        ),
      );
      return false;
    }
    return true;
  });
  const hasToolNode = keys.some((key) => isToolNode(builder.nodes[key]!.runnable));
  const local = new Map<string, Ends>();

  for (const key of keys) {
    const spec = builder.nodes[key]!;
    const id = prefix + key;
    const info = readFirebreakInfo(spec.metadata);
    const declared = info !== undefined && (info.role !== undefined || info.guard !== undefined);
    const subs = Array.isArray(spec.subgraphs) ? spec.subgraphs : [];
    const child = subs.length === 1 ? resolve(subs[0]) : undefined;
    if (!declared && depth > 0 && child) {
      const inner = expand(ctx, child.builder, child.compiled, `${id}:`, depth - 1, false);
      if (inner.entries.length > 0) {
        local.set(key, inner);
        continue;
      }
    } else if (!declared && subs.length > 0 && depth > 0) {
      ctx.findings.push(
        finding(
          "SUBGRAPH_NOT_EXPANDED",
          "info",
          subs.length > 1
            ? `Node "${id}" runs ${subs.length} subgraphs; it is analysed as one node.`
            : `Node "${id}" runs a subgraph without a readable builder; it is analysed as one node.`,
          "Declare the node's role in its metadata, or add each subgraph as its own node.",
          { node: id },
        ),
      );
    }
    const interrupt =
      has(before, key) && has(after, key) ? "before,after" : has(before, key) ? "before" : has(after, key) ? "after" : undefined;
    let role: FirebreakRole;
    let roleSource: RoleSource;
    if (info?.guard) {
      role = info.role ?? "verifier";
      roleSource = "metadata";
    } else if (interrupt) {
      role = "human";
      roleSource = "interrupt";
    } else if (info?.role) {
      role = info.role;
      roleSource = "metadata";
    } else if (isToolNode(spec.runnable)) {
      role = "tool";
      roleSource = "prebuilt";
    } else if (hasToolNode && (key === "agent" || key === "model_request")) {
      role = "agent";
      roleSource = "prebuilt";
    } else if (isHook(key)) {
      role = "router";
      roleSource = "prebuilt";
    } else {
      role = ctx.defaultRole;
      roleSource = "default";
      ctx.defaulted.push(id);
    }
    scanModels(spec.runnable, ctx.scan);
    const delta = ctx.options.nodeDelta?.[id] ?? info?.delta;
    ctx.nodes.set(id, {
      id,
      role,
      roleSource,
      ...(info?.guard ? { guard: info.guard } : {}),
      ...(info?.hub ? { hub: true } : {}),
      ...(info?.beta !== undefined ? { beta: info.beta } : {}),
      ...(delta !== undefined ? { delta } : {}),
      ...(interrupt ? { interrupt } : {}),
      retry: spec.retryPolicy !== undefined || builder._nodeDefaults?.retryPolicy !== undefined || info?.guard?.producerRetry === true,
    });
    local.set(key, { entries: [id], exits: [id] });
  }

  const entries = new Set<string>();
  const exits = new Set<string>();
  const withOut = new Set<string>();
  const withCommand = new Set<string>();
  const connect = (source: string, target: string, kind: EdgeKind) => {
    if (source === START) {
      for (const t of target === END ? [] : (local.get(target)?.entries ?? [])) entries.add(t);
      return;
    }
    (kind === "command" ? withCommand : withOut).add(source);
    const from = local.get(source)?.exits ?? [];
    if (target === END) {
      for (const s of from) exits.add(s);
      return;
    }
    for (const s of from) for (const t of local.get(target)?.entries ?? []) addEdge(ctx, s, t, kind);
  };

  for (const [source, target] of builder.edges) connect(source, target, "direct");
  for (const [sources, target] of builder.waitingEdges ?? []) {
    for (const source of sources) connect(source, target, "fan-in");
  }
  for (const [source, branches] of Object.entries(builder.branches)) {
    for (const branch of Object.values(branches)) {
      if (branch.ends && typeof branch.ends === "object") {
        for (const target of Object.values(branch.ends)) connect(source, target, "conditional");
        continue;
      }
      // LangGraph itself assumes "any node" here; so do we (the source included).
      for (const target of keys) connect(source, target, "unknown");
      connect(source, END, "unknown");
      const where = source === START ? "__start__" : prefix + source;
      ctx.findings.push(
        finding(
          "UNKNOWN_BRANCH_TARGETS",
          "warning",
          `The conditional edge from "${where}" has no path map, so its targets are unknown: assumed to be every node and __end__ (worst case).`,
          `Pass the possible targets: addConditionalEdges("${source}", route, ["a", "b", END]).`,
          { node: where },
        ),
      );
    }
  }
  for (const key of keys) {
    for (const target of builder.nodes[key]!.ends ?? []) connect(key, target, "command");
  }
  for (const key of keys) {
    if (withOut.has(key)) continue;
    // LangGraph ends the run after a node with no out-edge (or one that returns no Command).
    for (const s of local.get(key)?.exits ?? []) exits.add(s);
    if (withCommand.has(key)) continue;
    ctx.findings.push(
      finding(
        "NO_DECLARED_EXIT",
        "info",
        `Node "${prefix + key}" has no declared out-edge; it is taken to end the run.`,
        `If it returns Command({ goto }), declare the targets: addNode("${key}", fn, { ends: [...] }); otherwise add an edge to END.`,
        { node: prefix + key },
      ),
    );
  }
  return { entries: [...entries], exits: [...exits] };
}

function addEdge(ctx: Context, source: string, target: string, kind: EdgeKind): void {
  const key = `${source}\u0000${target}`;
  const existing = ctx.edges.get(key);
  if (existing && KIND_RANK[existing.kind] <= KIND_RANK[kind]) return;
  const beta = ctx.options.edgeBeta?.[`${source}->${target}`];
  ctx.edges.set(key, { source, target, kind, ...(beta !== undefined ? { beta } : {}) });
}

function isToolNode(runnable: unknown): boolean {
  if (typeof runnable !== "object" || runnable === null) return false;
  if (runnable.constructor?.name === "ToolNode") return true;
  const tools = (runnable as { tools?: unknown }).tools;
  return (
    Array.isArray(tools) &&
    tools.length > 0 &&
    tools.every((t) => typeof (t as { name?: unknown })?.name === "string")
  );
}

/** Prebuilt hooks and langchain middleware nodes only pass state along. */
function isHook(key: string): boolean {
  return (
    key === "pre_model_hook" ||
    key === "post_model_hook" ||
    /\.(before|after)_(model|agent)$/.test(key)
  );
}

interface ModelScan {
  models: number;
  breakers: number;
}

const BREAKER_MARK = Symbol.for("langgraph-firebreak.breaker");

function isBreaker(obj: object): boolean {
  const ctorName = (obj as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctorName === "string" && ctorName.includes("SemanticBreaker")) return true;
  if ((obj as Record<symbol, unknown>)[BREAKER_MARK] === true) return true;
  const ns = (obj as { lc_namespace?: unknown }).lc_namespace;
  return Array.isArray(ns) && ns.some((s) => typeof s === "string" && s.toLowerCase().includes("firebreak"));
}

function isChatModel(obj: object): boolean {
  const o = obj as { _llmType?: unknown; invoke?: unknown; lc_namespace?: unknown };
  return (
    typeof o._llmType === "function" &&
    typeof o.invoke === "function" &&
    Array.isArray(o.lc_namespace) &&
    o.lc_namespace.includes("chat_models")
  );
}

/** Looks a few levels into a node's runnable for chat models and breaker wrappers. */
function scanModels(root: unknown, scan: ModelScan): void {
  const seen = new Set<object>();
  const stack: [unknown, number][] = [[root, 0]];
  let visited = 0;
  while (stack.length > 0 && visited < 500) {
    const [value, level] = stack.pop()!;
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    visited++;
    if (isBreaker(value)) {
      scan.breakers++;
      continue;
    }
    if (isChatModel(value)) {
      scan.models++;
      continue;
    }
    if (level >= 4 || (value as { lg_is_pregel?: unknown }).lg_is_pregel === true) continue;
    const children = Array.isArray(value) ? value.slice(0, 50) : Object.values(value);
    for (const child of children) if (typeof child === "object" && child !== null) stack.push([child, level + 1]);
  }
}

function detectControls(
  compiled: CompiledLike | undefined,
  options: ExtractTopologyOptions,
  scan: ModelScan,
): DetectedControls {
  let checkpointer: ControlStatus = "unknown";
  let checkpointerEvidence = "an uncompiled builder: the checkpointer is chosen at compile()";
  if (options.checkpointer !== undefined) {
    checkpointer = options.checkpointer ? "present" : "absent";
    checkpointerEvidence = options.checkpointer ? "declared in options" : "declared absent in options";
  } else if (compiled) {
    const cp = compiled.checkpointer;
    const saver = (cp as { constructor?: { name?: string } } | null | undefined)?.constructor?.name ?? "a checkpointer";
    if (typeof cp === "object" && cp !== null && IN_MEMORY_SAVERS.has(saver)) {
      // An in-memory saver keeps threads for human gates and time travel, but a crash loses them.
      checkpointer = "absent";
      checkpointerEvidence = `compiled with ${saver}: in memory, lost when the process ends (use PostgresSaver or createCheckpointer())`;
    } else if (typeof cp === "object" && cp !== null) {
      checkpointer = "present";
      checkpointerEvidence = `compiled with ${saver}`;
    } else {
      checkpointer = "absent";
      checkpointerEvidence = "compiled without a checkpointer";
    }
  }

  let tracing: ControlStatus = "unknown";
  let tracingEvidence = "callbacks passed per call cannot be seen on the graph";
  const callbacks = compiled?.config?.callbacks;
  const env = typeof process === "object" ? process.env : {};
  if (callbacks !== undefined && callbacks !== null && !(Array.isArray(callbacks) && callbacks.length === 0)) {
    tracing = "present";
    tracingEvidence = "callbacks configured on the graph (withConfig)";
  } else if (env.LANGSMITH_TRACING === "true" || env.LANGCHAIN_TRACING_V2 === "true") {
    tracing = "present";
    tracingEvidence = "LangSmith tracing enabled in the environment";
  }

  let breaker: ControlStatus = "unknown";
  let breakerEvidence = "models are created inside node functions, where they cannot be seen";
  if (scan.models > 0) {
    breaker = "absent";
    breakerEvidence = `${scan.models} chat model${scan.models === 1 ? "" : "s"} in nodes without withSemanticBreaker`;
  } else if (scan.breakers > 0) {
    breaker = "present";
    breakerEvidence = `${scan.breakers} model${scan.breakers === 1 ? "" : "s"} wrapped by withSemanticBreaker`;
  }
  return {
    checkpointer,
    tracing,
    breaker,
    evidence: { checkpointer: checkpointerEvidence, tracing: tracingEvidence, breaker: breakerEvidence },
  };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name ? `an instance of ${name}` : "an object";
}
