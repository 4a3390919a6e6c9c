import { InvalidOptionsError } from "../internal/options-schema.js";
import { FIREBREAK_PREFIX } from "../internal/events.js";
import {
  analyzeTopology,
  isExtractableGraph,
  isTopology,
  type AnalyzeTopologyOptions,
  type CascadeVerdict,
  type Tier,
} from "../topology/index.js";

/** Run metadata describing a graph's topology, as {@link topologyMetadata} returns it. */
export interface TopologyMetadata {
  /** Spectral radius ρ(A) of the graph's adjacency (0 for a DAG, √k for a supervisor with k workers). */
  readonly "firebreak.topology.rho": number;
  /** ρ with the out-edges of guards, verifiers and human gates scaled by the guard residual. */
  readonly "firebreak.topology.rhoEffective": number;
  /** Reproduction number R = β·ρ_eff/δ (arXiv:2603.04474): above 1, one wrong claim can cascade. */
  readonly "firebreak.topology.R": number;
  /** The risk tier (0–3) the graph's shape and the declared facts call for. */
  readonly "firebreak.topology.tier": Tier;
  /** Whether a single error dies out or spreads. */
  readonly "firebreak.topology.verdict": CascadeVerdict;
  /** Why the analysis failed, when it did (the other keys are then absent). */
  readonly "firebreak.topology.error"?: string;
}

/** Per graph object: the metadata for each set of analysis options used with it. */
const cache = new WeakMap<object, Map<string, TopologyMetadata>>();

/**
 * `firebreak.topology.*` run metadata for a graph — ρ, effective ρ, R, tier and cascade
 * verdict — to spread into the config of a run, so the graph's span in Phoenix or Langfuse
 * carries them (the tracing lifts them onto the graph's own span, not onto every node).
 * The graph is analysed once per graph object and options; later calls return the cached
 * result. Throws only when `graph` is not a graph at all; an analysis that fails comes
 * back as `firebreak.topology.error` rather than breaking the run.
 *
 * @example
 * const graph = builder.compile({ checkpointer });
 * await graph.invoke(input, {
 *   configurable: { thread_id },
 *   callbacks: tracing.callbacks,
 *   metadata: { ...topologyMetadata(graph) },
 * });
 */
export function topologyMetadata(graph: unknown, options?: AnalyzeTopologyOptions): TopologyMetadata {
  if (typeof graph !== "object" && typeof graph !== "function") throw notAGraph(graph);
  if (graph === null || !(isTopology(graph) || isExtractableGraph(graph))) throw notAGraph(graph);
  const key = options === undefined ? "" : JSON.stringify(options);
  let byOptions = cache.get(graph);
  const hit = byOptions?.get(key);
  if (hit !== undefined) return hit;
  const report = analyzeTopology(graph, { cycles: false, guards: false, seeds: 0, ...options });
  const failed = report.findings.find((f) => f.code === "NOT_A_GRAPH");
  const metadata: TopologyMetadata = Object.freeze(
    failed !== undefined
      ? ({ [`${FIREBREAK_PREFIX}topology.error`]: failed.message } as unknown as TopologyMetadata)
      : {
          "firebreak.topology.rho": report.rho,
          "firebreak.topology.rhoEffective": report.rhoEffective,
          "firebreak.topology.R": report.R,
          "firebreak.topology.tier": report.tier.tier,
          "firebreak.topology.verdict": report.verdict,
        },
  );
  if (byOptions === undefined) cache.set(graph, (byOptions = new Map()));
  byOptions.set(key, metadata);
  return metadata;
}

function notAGraph(value: unknown): InvalidOptionsError {
  const shown = value === null ? "null" : typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
  return new InvalidOptionsError("topologyMetadata", [{ option: "graph", received: shown, allowed: "a StateGraph, a compiled graph or a topology" }], {
    message: `topologyMetadata: expected a StateGraph, a compiled graph or a topology, got ${shown}. Pass the graph you invoke (e.g. builder.compile()).`,
  });
}
