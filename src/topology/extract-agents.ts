/**
 * Internal: how extraction reads prebuilt agents and handoffs. At agent level a subgraph that
 * is one agent (a `createReactAgent` / `createAgent` loop of a model node and a `ToolNode`, or a
 * wrapper around one) is a single node: its model ⇄ tools loop is that agent's own iteration,
 * not a handoff between agents. Handoff tools (`transfer_to_<agent>`, or tools whose metadata
 * names `__handoff_destination`) return `Command({ goto, graph: Command.PARENT })`: they are
 * edges from the agent that calls them to a node of the graph that contains that agent.
 */

/** The builder fields extraction reads. */
export interface BuilderLike {
  nodes: Record<string, NodeSpecLike>;
  edges: Set<[string, string]>;
  branches: Record<string, Record<string, BranchLike>>;
  waitingEdges?: Set<[string[], string]>;
  _nodeDefaults?: { retryPolicy?: unknown };
}

/** A conditional edge: `ends` is its path map (undefined without one). */
export interface BranchLike {
  ends?: Record<string, string>;
  path?: unknown;
}

/** One node of a builder. */
export interface NodeSpecLike {
  runnable?: unknown;
  metadata?: unknown;
  subgraphs?: unknown[];
  ends?: string[];
  retryPolicy?: unknown;
  isErrorHandler?: boolean;
}

/** A `ToolNode` (by class name, or a runnable holding named tools). */
export function isToolNode(runnable: unknown): boolean {
  if (typeof runnable !== "object" || runnable === null) return false;
  if (runnable.constructor?.name === "ToolNode") return true;
  const tools = (runnable as { tools?: unknown }).tools;
  return Array.isArray(tools) && tools.length > 0 && tools.every((t) => typeof (t as { name?: unknown })?.name === "string");
}

/** Prebuilt hooks and langchain middleware nodes only pass state along. */
export function isHook(key: string): boolean {
  return key === "pre_model_hook" || key === "post_model_hook" || /\.(before|after)_(model|agent)$/.test(key);
}

/** The model node of a prebuilt agent. */
export function isModelNodeKey(key: string): boolean {
  return key === "agent" || key === "model_request";
}

/**
 * Whether a subgraph's builder is a single agent: a model node next to a `ToolNode`, or one
 * node that is neither a tool nor a hook (and no subgraph of several agents).
 */
export function isSingleAgent(builder: BuilderLike, resolveChild: (value: unknown) => BuilderLike | undefined, depth = 0): boolean {
  const keys = Object.keys(builder.nodes);
  const hasTools = keys.some((k) => isToolNode(builder.nodes[k]!.runnable));
  if (hasTools && keys.some(isModelNodeKey)) return true;
  const active = keys.filter((k) => !isToolNode(builder.nodes[k]!.runnable) && !isHook(k));
  if (active.length !== 1) return false;
  const subs = builder.nodes[active[0]!]!.subgraphs;
  if (!Array.isArray(subs) || subs.length === 0) return true;
  const child = subs.length === 1 ? resolveChild(subs[0]) : undefined;
  return child !== undefined && depth < 8 && isSingleAgent(child, resolveChild, depth + 1);
}

const WHITESPACE = /\s+/g;

/** How `@langchain/langgraph-supervisor` turns an agent name into a tool-name suffix. */
export function normaliseAgentName(name: string): string {
  return name.trim().replace(WHITESPACE, "_").toLowerCase();
}

/** The destination a handoff tool names, or undefined for an ordinary tool. */
export function handoffDestination(tool: unknown): string | undefined {
  if (typeof tool !== "object" || tool === null) return undefined;
  const meta = (tool as { metadata?: Record<string, unknown> }).metadata;
  const declared = meta?.["__handoff_destination"];
  if (typeof declared === "string" && declared !== "") return declared;
  const name = (tool as { name?: unknown }).name;
  const match = typeof name === "string" ? /^transfer_(?:back_)?to_(.+)$/.exec(name) : null;
  return match ? match[1] : undefined;
}

/**
 * The handoffs made by the `ToolNode`s of `builder` into the graph that holds it: for each
 * tool node key, the keys of `siblings` its handoff tools go to.
 */
export function readHandoffs(builder: BuilderLike, siblings: readonly string[]): Map<string, string[]> {
  const byNormalised = new Map<string, string>();
  for (const key of siblings) byNormalised.set(normaliseAgentName(key), key);
  const out = new Map<string, string[]>();
  for (const [key, spec] of Object.entries(builder.nodes)) {
    if (!isToolNode(spec.runnable)) continue;
    const tools = (spec.runnable as { tools?: unknown }).tools;
    if (!Array.isArray(tools)) continue;
    const targets = new Set<string>();
    for (const tool of tools) {
      const dest = handoffDestination(tool);
      if (dest === undefined) continue;
      const sibling = siblings.includes(dest) ? dest : byNormalised.get(normaliseAgentName(dest));
      if (sibling !== undefined) targets.add(sibling);
    }
    if (targets.size > 0) out.set(key, [...targets]);
  }
  return out;
}
