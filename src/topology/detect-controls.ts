/**
 * Internal: the controls extraction can see on a graph object: the checkpointer, tracing
 * callbacks, and chat models wrapped by `withSemanticBreaker` (found by looking a few levels
 * into node runnables, subgraphs of collapsed agents included).
 */
import type { ControlStatus, DetectedControls } from "./topology.js";

/** Savers that keep checkpoints in process memory: not durable. */
const IN_MEMORY_SAVERS = new Set(["MemorySaver", "InMemorySaver"]);

/** What `detectControls` reads from a compiled graph. */
export interface CompiledControlsLike {
  checkpointer?: unknown;
  config?: { callbacks?: unknown };
}

/** Chat models and breaker wrappers seen so far. */
export interface ModelScan {
  models: number;
  breakers: number;
  /** Set when the models were found in the closures of prebuilt agents' model nodes. */
  viaClosures?: boolean;
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
export function scanModels(root: unknown, scan: ModelScan): void {
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

export function detectControls(
  compiled: CompiledControlsLike | undefined,
  options: { readonly checkpointer?: boolean },
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
    breakerEvidence = `${scan.models} chat model${scan.models === 1 ? "" : "s"} in nodes without withSemanticBreaker${scan.viaClosures ? " (found in the closures of prebuilt agents' model nodes)" : ""}`;
  } else if (scan.breakers > 0) {
    breaker = "present";
    breakerEvidence = `${scan.breakers} model${scan.breakers === 1 ? "" : "s"} wrapped by withSemanticBreaker${scan.viaClosures ? " (found in the closures of prebuilt agents' model nodes)" : ""}`;
  }
  return {
    checkpointer,
    tracing,
    breaker,
    evidence: { checkpointer: checkpointerEvidence, tracing: tracingEvidence, breaker: breakerEvidence },
  };
}
