/**
 * `extractTopology`: reads a LangGraph `StateGraph` (or a compiled graph, which keeps its
 * builder) into a {@link Topology}: nodes with roles, plain edges, fan-in, conditional
 * path-map targets, `Send` fan-out, `Command` targets declared with `ends`, handoff tools
 * (`Command.PARENT`), and subgraphs. At **agent level** (the default) a prebuilt agent or any
 * subgraph that is one agent is one node (its model ⇄ tools loop is its own iteration) and
 * subgraphs of several agents are expanded as `parent:child`; at **node level** every
 * subgraph is expanded. Reads the builder's public fields only; loads no LangGraph module.
 */
import { guardProducer, walkClosures, type ClosureWalk } from "./closure-scan.js";
import { detectControls, scanModels, type ModelScan } from "./detect-controls.js";
import {
  isHook,
  isModelNodeKey,
  isSingleAgent,
  isToolNode,
  readHandoffs,
  type BuilderLike,
} from "./extract-agents.js";
import { branchTargets } from "./extract-branches.js";
import { finding, type TopologyFinding } from "./findings.js";
import { readFirebreakInfo, isFirebreakRole, type FirebreakNodeInfo, type FirebreakRole } from "./roles.js";
import type { AnalysisLevel, EdgeKind, RoleSource, Topology, TopologyEdge, TopologyNode } from "./topology.js";
import { InvalidOptionsError } from "../internal/options-schema.js";

const START = "__start__";
const END = "__end__";

/** Options of {@link extractTopology}. */
export interface ExtractTopologyOptions {
  /**
   * `"agent"`: a prebuilt agent (or any subgraph that is one agent) is one node and handoff
   * tools are edges between agents; `"node"`: every node of every subgraph.
   * @default "agent"
   */
  level?: AnalysisLevel;
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
  return typeof v.nodes === "object" && v.nodes !== null && v.edges instanceof Set && typeof v.branches === "object" && v.branches !== null;
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

const resolveBuilder = (value: unknown) => resolve(value)?.builder;

/** True when `value` is something {@link extractTopology} can read. */
export function isExtractableGraph(value: unknown): boolean {
  return resolve(value) !== undefined;
}

interface Context {
  readonly options: ExtractTopologyOptions;
  readonly level: AnalysisLevel;
  readonly defaultRole: FirebreakRole;
  readonly nodes: Map<string, TopologyNode>;
  /** Index of each node id, so edges are keyed by a number rather than a concatenated string. */
  readonly index: Map<string, number>;
  readonly edges: Map<number, TopologyEdge>;
  readonly findings: TopologyFinding[];
  readonly defaulted: string[];
  readonly scan: ModelScan;
  /** Model-node functions of prebuilt agents, whose closures hold the model. */
  readonly closureRoots: Function[];
  collapsed: number;
}

/** Entry and exit nodes of one expanded node, and the handoffs made from inside it. */
interface Ends {
  entries: string[];
  exits: string[];
  /** Handoff destination (a key of the containing graph) → node ids the handoff starts from. */
  handoffs: Map<string, string[]>;
}

const KIND_RANK: Record<EdgeKind, number> = { direct: 0, "fan-in": 1, conditional: 2, send: 3, command: 4, handoff: 5, read: 6, unknown: 7 };

/**
 * Reads a `StateGraph`, a compiled graph or a `createAgent` agent into a topology.
 * Throws a `TypeError` for anything else (analyzeTopology turns that into a finding).
 * At agent level, when an agent was collapsed, `nodeLevel` holds the node-level topology too.
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
    throw new InvalidOptionsError("extractTopology", [{ option: "graph", received: describe(graph), allowed: "a StateGraph, a compiled graph or an agent with a .graph" }], {
      message: `extractTopology: expected a StateGraph, a compiled graph or an agent with a .graph, got ${describe(graph)}.`,
    });
  }
  const level: AnalysisLevel = options.level === "node" ? "node" : "agent";
  const ctx: Context = {
    options,
    level,
    defaultRole: isFirebreakRole(options.defaultRole) ? options.defaultRole : "agent",
    nodes: new Map(),
    index: new Map(),
    edges: new Map(),
    findings: [],
    defaulted: [],
    scan: { models: 0, breakers: 0 },
    closureRoots: [],
    collapsed: 0,
  };
  const depth = options.xray === false ? 0 : options.xray === true || options.xray === undefined ? Infinity : Math.max(0, options.xray);
  const top = expand(ctx, resolved.builder, resolved.compiled, "", depth, true);
  if (ctx.defaulted.length > 0) ctx.findings.push(defaultRolesFinding(ctx.defaulted, ctx.defaultRole));
  if (ctx.scan.models === 0 && ctx.scan.breakers === 0) scanClosures(ctx);
  const name = resolved.compiled?.name;
  const nodeLevel = level === "agent" && ctx.collapsed > 0 ? extractTopology(graph, { ...options, level: "node" }) : undefined;
  return {
    kind: "firebreak/topology",
    ...(typeof name === "string" && name !== "LangGraph" ? { name } : {}),
    level,
    nodes: [...ctx.nodes.values()],
    edges: [...ctx.edges.values()],
    entries: top.entries,
    exits: top.exits,
    findings: ctx.findings,
    controls: detectControls(resolved.compiled, options, ctx.scan),
    ...(nodeLevel ? { nodeLevel: { nodes: nodeLevel.nodes, edges: nodeLevel.edges } } : {}),
  };
}

/** Looks for models in the closures of prebuilt agents' model nodes (where property walks cannot see). */
function scanClosures(ctx: Context): void {
  const found: ModelScan = { models: 0, breakers: 0 };
  const walk = walkClosures(ctx.closureRoots, (value) => {
    scanModels(value, found);
  });
  if (walk.status === "failed") ctx.findings.push(closureScanFinding("the models held by prebuilt agents", walk));
  if (found.models + found.breakers === 0) return;
  ctx.scan.models = found.models;
  ctx.scan.breakers = found.breakers;
  ctx.scan.viaClosures = true;
}

/** The function a node runs (a `RunnableCallable`'s `func`), when there is one. */
function nodeFunction(runnable: unknown): Function | undefined {
  const func = (runnable as { func?: unknown } | undefined)?.func;
  return typeof func === "function" ? func : undefined;
}

function closureScanFinding(what: string, walk: Extract<ClosureWalk, { status: "failed" }>, node?: string): TopologyFinding {
  return finding(
    "CLOSURE_SCAN_FAILED",
    "info",
    `Reading ${what} through the inspector failed (${walk.reason}); the analysis went on without them.`,
    "Nothing breaks; declare roles and controls in node metadata where the report shows them as unknown.",
    node !== undefined ? { node } : {},
  );
}

function defaultRolesFinding(ids: readonly string[], role: FirebreakRole): TopologyFinding {
  return finding(
    "DEFAULT_ROLES",
    "info",
    `${ids.length} node${ids.length === 1 ? "" : "s"} declare no role and were assumed to be ${role}s: ${ids.slice(0, 8).join(", ")}${ids.length > 8 ? ", …" : ""}.`,
    `Declare roles with addNode(name, fn, { metadata: firebreakRole("verifier") }) (also "tool", "router", "human").`,
  );
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

/** One (sub)graph level being expanded. */
interface Level {
  readonly builder: BuilderLike;
  readonly prefix: string;
  readonly keys: readonly string[];
  readonly local: Map<string, Ends>;
  readonly before: readonly string[] | "*";
  readonly after: readonly string[] | "*";
  readonly hasToolNode: boolean;
}

/** Adds the nodes and edges of one (sub)graph level; returns its entry and exit nodes. */
function expand(ctx: Context, builder: BuilderLike, compiled: CompiledLike | undefined, prefix: string, depth: number, isTop: boolean): Ends {
  const keys = Object.keys(builder.nodes).filter((key) => !skipErrorHandler(ctx, builder, prefix, key));
  const lvl: Level = {
    builder,
    prefix,
    keys,
    local: new Map(),
    before: union(interruptList(compiled?.interruptBefore), isTop ? ctx.options.interruptBefore : undefined),
    after: union(interruptList(compiled?.interruptAfter), isTop ? ctx.options.interruptAfter : undefined),
    hasToolNode: keys.some((key) => isToolNode(builder.nodes[key]!.runnable)),
  };
  for (const key of keys) addNode(ctx, lvl, key, depth);
  return connectLevel(ctx, lvl);
}

function skipErrorHandler(ctx: Context, builder: BuilderLike, prefix: string, key: string): boolean {
  if (!builder.nodes[key]?.isErrorHandler) return false;
  ctx.findings.push(
    finding(
      "ERROR_HANDLER_NOT_MODELLED",
      "info",
      `Error handler "${prefix}${key}" may route anywhere with a Command; its edges are not modelled.`,
      "Declare the handler's targets or keep it to state updates.",
      { node: prefix + key },
    ),
  );
  return true;
}

/** Adds one node: expanded (a subgraph of several agents, or any subgraph at node level), or a single node. */
function addNode(ctx: Context, lvl: Level, key: string, depth: number): void {
  const spec = lvl.builder.nodes[key]!;
  const id = lvl.prefix + key;
  const info = readFirebreakInfo(spec.metadata);
  const declared = info !== undefined && (info.role !== undefined || info.guard !== undefined);
  const subs = Array.isArray(spec.subgraphs) ? spec.subgraphs : [];
  const child = subs.length === 1 ? resolve(subs[0]) : undefined;
  if (info?.guard && depth > 0 && expandGuarded(ctx, lvl, key, info, depth)) return;
  let agent = false;
  if (!declared && depth > 0 && child) {
    agent = ctx.level === "agent" && isSingleAgent(child.builder, resolveBuilder);
    if (!agent) {
      const inner = expand(ctx, child.builder, child.compiled, `${id}:`, depth - 1, false);
      if (inner.entries.length > 0) {
        lvl.local.set(key, { ...inner, handoffs: innerHandoffs(child.builder, lvl.keys, `${id}:`) });
        return;
      }
    }
  } else if (!declared && subs.length > 0 && depth > 0) {
    ctx.findings.push(notExpandedFinding(id, subs.length));
  }
  if (agent) ctx.collapsed++;
  const node = describeNode(ctx, lvl, key, info, agent);
  ctx.nodes.set(id, node);
  ctx.index.set(id, ctx.index.size);
  scanModels(spec.runnable, ctx.scan);
  if (child && agent) {
    for (const [innerKey, inner] of Object.entries(child.builder.nodes)) {
      scanModels(inner.runnable, ctx.scan);
      const fn = isModelNodeKey(innerKey) ? nodeFunction(inner.runnable) : undefined;
      if (fn) ctx.closureRoots.push(fn);
    }
  } else if (lvl.hasToolNode && isModelNodeKey(key)) {
    const fn = nodeFunction(spec.runnable);
    if (fn) ctx.closureRoots.push(fn);
  }
  const handoffs = new Map<string, string[]>();
  if (child) for (const targets of readHandoffs(child.builder, lvl.keys).values()) for (const t of targets) handoffs.set(t, [id]);
  lvl.local.set(key, { entries: [id], exits: [id], handoffs });
}

/**
 * A guarded node read through its guard: when the producer `guardNodeInPlace` wrapped is a subgraph
 * that would be expanded unguarded (several agents at agent level, any subgraph at node level),
 * it is expanded under the same `node:` prefix and its nodes are marked as inside the guard, so
 * a guard scales the edges leaving the group and removes none. Returns false when the node
 * stays one guarded node (a single agent, a plain function, or a producer that cannot be read).
 */
function expandGuarded(ctx: Context, lvl: Level, key: string, info: FirebreakNodeInfo, depth: number): boolean {
  const id = lvl.prefix + key;
  const spec = lvl.builder.nodes[key]!;
  const read = guardProducer(spec.runnable);
  if (read.walk?.status === "failed") ctx.findings.push(closureScanFinding(`the producer inside guard "${id}"`, read.walk, id));
  const child = resolve(read.producer) ?? resolveWrapped(ctx, read.producer, id);
  if (!child || (ctx.level === "agent" && isSingleAgent(child.builder, resolveBuilder))) return false;
  const before = new Set(ctx.nodes.keys());
  const inner = expand(ctx, child.builder, child.compiled, `${id}:`, depth - 1, false);
  if (inner.entries.length === 0) return false;
  const residual = info.guard?.residual;
  const insideGuard = { node: id, ...(residual !== undefined ? { residual } : {}) };
  for (const [nodeId, node] of ctx.nodes) if (!before.has(nodeId)) ctx.nodes.set(nodeId, { ...node, insideGuard });
  lvl.local.set(key, { ...inner, handoffs: innerHandoffs(child.builder, lvl.keys, `${id}:`) });
  return true;
}

/**
 * The graph a node function runs, when the function holds it in its closure (how
 * `createSupervisor` adds an agent: a function calling the compiled agent, with the agent in
 * `subgraphs`, which a guard replaces).
 */
function resolveWrapped(ctx: Context, runnable: unknown, id: string): ReturnType<typeof resolve> {
  const fn = nodeFunction(runnable) ?? (typeof runnable === "function" ? runnable : undefined);
  if (!fn) return undefined;
  let found: ReturnType<typeof resolve>;
  const walk = walkClosures([fn], (value) => {
    found = resolve(value);
    return found !== undefined;
  }, 4);
  if (walk.status === "failed") ctx.findings.push(closureScanFinding(`the producer inside guard "${id}"`, walk, id));
  return found;
}

/** Handoffs from the tool nodes of an expanded subgraph into the graph that holds it. */
function innerHandoffs(builder: BuilderLike, siblings: readonly string[], prefix: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [toolKey, targets] of readHandoffs(builder, siblings)) {
    for (const t of targets) out.set(t, [...(out.get(t) ?? []), prefix + toolKey]);
  }
  return out;
}

function notExpandedFinding(id: string, count: number): TopologyFinding {
  return finding(
    "SUBGRAPH_NOT_EXPANDED",
    "info",
    count > 1
      ? `Node "${id}" runs ${count} subgraphs; it is analysed as one node.`
      : `Node "${id}" runs a subgraph without a readable builder; it is analysed as one node.`,
    "Declare the node's role in its metadata, or add each subgraph as its own node.",
    { node: id },
  );
}

/** The node's role (metadata, interrupt, prebuilt shape or default) and numbers. */
function describeNode(ctx: Context, lvl: Level, key: string, info: FirebreakNodeInfo | undefined, agent: boolean): TopologyNode {
  const spec = lvl.builder.nodes[key]!;
  const id = lvl.prefix + key;
  const interrupt =
    has(lvl.before, key) && has(lvl.after, key) ? "before,after" : has(lvl.before, key) ? "before" : has(lvl.after, key) ? "after" : undefined;
  const [role, roleSource] = roleOf(spec.runnable, key, info, interrupt, agent, lvl.hasToolNode) ?? [ctx.defaultRole, "default" as const];
  if (roleSource === "default") ctx.defaulted.push(id);
  const delta = ctx.options.nodeDelta?.[id] ?? info?.delta;
  return {
    id,
    role,
    roleSource,
    ...(info?.guard ? { guard: info.guard } : {}),
    ...(info?.hub ? { hub: true } : {}),
    ...(info?.beta !== undefined ? { beta: info.beta } : {}),
    ...(delta !== undefined ? { delta } : {}),
    ...(interrupt ? { interrupt } : {}),
    ...(agent ? { collapsed: true } : {}),
    retry: spec.retryPolicy !== undefined || lvl.builder._nodeDefaults?.retryPolicy !== undefined || info?.guard?.producerRetry === true,
  };
}

function roleOf(
  runnable: unknown,
  key: string,
  info: FirebreakNodeInfo | undefined,
  interrupt: string | undefined,
  agent: boolean,
  hasToolNode: boolean,
): [FirebreakRole, RoleSource] | undefined {
  if (info?.guard) return [info.role ?? "verifier", "metadata"];
  if (interrupt) return ["human", "interrupt"];
  if (info?.role) return [info.role, "metadata"];
  if (agent) return ["agent", "prebuilt"];
  if (isToolNode(runnable)) return ["tool", "prebuilt"];
  if (hasToolNode && isModelNodeKey(key)) return ["agent", "prebuilt"];
  if (isHook(key)) return ["router", "prebuilt"];
  return undefined;
}

/** Wires the edges of one level: plain, fan-in, conditional (path maps, Send), Command ends and handoffs. */
function connectLevel(ctx: Context, lvl: Level): Ends {
  const ends: Ends = { entries: [], exits: [], handoffs: new Map() };
  const entries = new Set<string>();
  const exits = new Set<string>();
  const withOut = new Set<string>();
  const withCommand = new Set<string>();
  const connect = (source: string, target: string, kind: EdgeKind, from?: readonly string[]) => {
    if (source === START) {
      for (const t of target === END ? [] : (lvl.local.get(target)?.entries ?? [])) entries.add(t);
      return;
    }
    (kind === "command" || kind === "handoff" ? withCommand : withOut).add(source);
    const sources = from ?? lvl.local.get(source)?.exits ?? [];
    if (target === END) {
      for (const s of sources) exits.add(s);
      return;
    }
    for (const s of sources) for (const t of lvl.local.get(target)?.entries ?? []) addEdge(ctx, s, t, kind);
  };
  for (const [source, target] of lvl.builder.edges) connect(source, target, "direct");
  for (const [sources, target] of lvl.builder.waitingEdges ?? []) for (const source of sources) connect(source, target, "fan-in");
  connectBranches(ctx, lvl, connect);
  for (const key of lvl.keys) {
    const handoffs = lvl.local.get(key)!.handoffs;
    for (const [target, from] of handoffs) connect(key, target, "handoff", from);
    for (const target of lvl.builder.nodes[key]!.ends ?? []) if (!handoffs.has(target)) connect(key, target, "command");
  }
  for (const key of lvl.keys) {
    if (withOut.has(key)) continue;
    // LangGraph ends the run after a node with no out-edge (or one that returns no Command).
    for (const s of lvl.local.get(key)?.exits ?? []) exits.add(s);
    if (!withCommand.has(key)) ctx.findings.push(noExitFinding(lvl.prefix, key));
  }
  ends.entries = [...entries];
  ends.exits = [...exits];
  return ends;
}

function noExitFinding(prefix: string, key: string): TopologyFinding {
  return finding(
    "NO_DECLARED_EXIT",
    "info",
    `Node "${prefix + key}" has no declared out-edge; it is taken to end the run.`,
    `If it returns Command({ goto }), declare the targets: addNode("${key}", fn, { ends: [...] }); otherwise add an edge to END.`,
    { node: prefix + key },
  );
}

type Connect = (source: string, target: string, kind: EdgeKind) => void;

/** Conditional edges: path-map targets, Send fan-out, or targets read from the routing function. */
function connectBranches(ctx: Context, lvl: Level, connect: Connect): void {
  for (const [source, branches] of Object.entries(lvl.builder.branches)) {
    for (const branch of Object.values(branches)) {
      const read = branchTargets(branch, lvl.keys, source);
      const kind: EdgeKind = read.source === "map" ? (read.send ? "send" : "conditional") : read.send ? "send" : "read";
      for (const target of read.targets) connect(source, target, kind);
      if (read.source !== "map") ctx.findings.push(unknownBranchFinding(source === START ? START : lvl.prefix + source, source, read.targets));
    }
  }
}

function unknownBranchFinding(where: string, source: string, targets: readonly string[]): TopologyFinding {
  const known = targets.length > 0
    ? `the analysis read ${targets.join(", ")} from the routing function's source, but cannot know whether it returns other nodes`
    : "the analysis cannot know where it goes and leaves it out, so ρ, cycles and relay depth may be understated";
  return finding(
    "UNKNOWN_BRANCH_TARGETS",
    "warning",
    `The conditional edge from "${where}" has no path map: ${known}.`,
    `Pass the possible targets: addConditionalEdges("${source}", route, ["a", "b", END]).`,
    { node: where },
  );
}

/** Room for 2²⁶ nodes in a numeric edge key (source · 2²⁶ + target stays below 2⁵³). */
const KEY_STRIDE = 67_108_864;

function addEdge(ctx: Context, source: string, target: string, kind: EdgeKind): void {
  const key = ctx.index.get(source)! * KEY_STRIDE + ctx.index.get(target)!;
  const existing = ctx.edges.get(key);
  if (existing && KIND_RANK[existing.kind] <= KIND_RANK[kind]) return;
  const beta = ctx.options.edgeBeta?.[`${source}->${target}`];
  ctx.edges.set(key, { source, target, kind, ...(beta !== undefined ? { beta } : {}) });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name ? `an instance of ${name}` : "an object";
}
