/**
 * The roles contract shared by every part of the pack: node metadata of the form
 * `{ firebreak: { role, hub?, guard? } }` tells the topology analyzers what a node does.
 * Prebuilt firebreak nodes (guards, challengers, human gates) set it themselves.
 */

/** What a node does, as far as error propagation is concerned. */
export type FirebreakRole = "agent" | "verifier" | "human" | "tool" | "router";

/** Every role, in a stable order. */
export const FIREBREAK_ROLES: readonly FirebreakRole[] = [
  "agent",
  "verifier",
  "human",
  "tool",
  "router",
];

/** Declares that a node wraps a producer whose output is checked before anyone sees it. */
export interface FirebreakGuardInfo {
  /** Name of the guarded producer, for reports. */
  readonly producer?: string;
  /**
   * Fraction of wrong claims that still get through this guard (0–1); overrides the
   * analysis-wide `guardResidual` for this node.
   */
  readonly residual?: number;
  /** True when the guard retries its producer on errors (a `retryPolicy` moved inside the guard). */
  readonly producerRetry?: boolean;
}

/** The `firebreak` entry of a node's metadata. */
export interface FirebreakNodeInfo {
  /** The node's role. */
  readonly role?: FirebreakRole;
  /** Marks a hub (supervisor, router of many workers), for reports. */
  readonly hub?: boolean;
  /** Present on guard nodes: the node's outgoing edges carry checked output only. */
  readonly guard?: FirebreakGuardInfo;
  /** Transmission probability β on this node's outgoing edges (0–1). */
  readonly beta?: number;
  /** Self-correction rate δ of this node (0–1]. */
  readonly delta?: number;
}

/**
 * Node metadata carrying a firebreak role: `{ firebreak: { role: "verifier" } }`. A type
 * alias (not an interface) so it fits LangGraph's `metadata: Record<string, unknown>`.
 */
export type FirebreakNodeMetadata = {
  /** The firebreak entry. */
  readonly firebreak: FirebreakNodeInfo;
};

/**
 * Builds the metadata that declares a node's role; pass it as `addNode`'s `metadata`.
 *
 * @example
 * ```ts
 * builder.addNode("fact_check", checkFacts, { metadata: firebreakRole("verifier") });
 * builder.addNode("supervisor", route, { metadata: firebreakRole("agent", { hub: true }) });
 * ```
 */
export function firebreakRole(
  role: FirebreakRole,
  extra: Omit<FirebreakNodeInfo, "role"> = {},
): FirebreakNodeMetadata {
  return { firebreak: { ...extra, role } };
}

/** True when `value` is one of the five roles. */
export function isFirebreakRole(value: unknown): value is FirebreakRole {
  return typeof value === "string" && (FIREBREAK_ROLES as readonly string[]).includes(value);
}

/**
 * Reads the `firebreak` entry of a node's metadata; `undefined` when there is none.
 * Unknown roles and out-of-range numbers are dropped rather than trusted.
 */
export function readFirebreakInfo(metadata: unknown): FirebreakNodeInfo | undefined {
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const raw = (metadata as { firebreak?: unknown }).firebreak;
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const info: {
    role?: FirebreakRole;
    hub?: boolean;
    guard?: FirebreakGuardInfo;
    beta?: number;
    delta?: number;
  } = {};
  if (isFirebreakRole(r.role)) info.role = r.role;
  if (r.hub === true) info.hub = true;
  if (typeof r.guard === "object" && r.guard !== null) {
    const g = r.guard as Record<string, unknown>;
    info.guard = {
      ...(typeof g.producer === "string" ? { producer: g.producer } : {}),
      ...(isProbability(g.residual) ? { residual: g.residual } : {}),
      ...(g.producerRetry === true ? { producerRetry: true } : {}),
    };
  } else if (r.guard === true) {
    info.guard = {};
  }
  if (isProbability(r.beta)) info.beta = r.beta;
  if (isProbability(r.delta) && r.delta > 0) info.delta = r.delta;
  return info;
}

function isProbability(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;
}
