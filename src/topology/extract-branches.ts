/**
 * Internal: what a conditional edge can reach. With a path map, its values (a path function
 * that builds `Send` packets is labelled `send`, and literal `Send("node", …)` targets outside
 * the map are added). Without one LangGraph allows any node; rather than invent edges to every
 * node (and a phantom self-loop), the targets are read from string literals in the routing
 * function that name a node, or left out, and a finding says that the analysis cannot know.
 */
import type { BranchLike } from "./extract-agents.js";

/** The targets of one conditional edge and how they were found. */
export interface BranchTargets {
  readonly targets: readonly string[];
  /** `map`: the path map; `read`: literals in the routing function; `none`: unknown. */
  readonly source: "map" | "read" | "none";
  /** The routing function builds `Send` packets. */
  readonly send: boolean;
}

const END = "__end__";

/** The routing function's source text, when it can be read. */
function pathSource(branch: BranchLike): string {
  const path = branch.path as { func?: unknown } | ((...args: unknown[]) => unknown) | undefined;
  const fn = typeof path === "function" ? path : typeof path?.func === "function" ? path.func : undefined;
  try {
    return fn ? Function.prototype.toString.call(fn) : "";
  } catch {
    return "";
  }
}

/** String literals in source text (quotes, no escapes across them). */
function literals(source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(/(["'`])([^"'`\\\n]{1,200})\1/g)) out.add(m[2]!);
  return out;
}

/** Reads a conditional edge's possible targets among `keys` (and END). */
export function branchTargets(branch: BranchLike, keys: readonly string[], self?: string): BranchTargets {
  const source = pathSource(branch);
  const send = /\bSend\s*\(/.test(source);
  const sendTargets = send
    ? [...source.matchAll(/\bSend\s*\(\s*(["'`])([^"'`]+)\1/g)].map((m) => m[2]!).filter((t) => keys.includes(t))
    : [];
  if (branch.ends && typeof branch.ends === "object") {
    const mapped = Object.values(branch.ends).filter((t): t is string => typeof t === "string");
    return { targets: [...new Set([...mapped, ...sendTargets])], source: "map", send };
  }
  const found = literals(source);
  // The routing function naming its own node is read as a comparison or a prefix, not a target:
  // an invented self-loop would become the top finding (a real one needs a path map).
  const targets = keys.filter((k) => found.has(k) && k !== self);
  if (found.has(END) || /\bEND\b/.test(source)) targets.push(END);
  for (const t of sendTargets) if (!targets.includes(t)) targets.push(t);
  return { targets, source: targets.length > 0 ? "read" : "none", send };
}
