/** A hand-built topology, indexed the way every analysis step receives it. */
import { indexTopology, type IndexedGraph } from "../../../src/topology/graph-index.js";
import { createTopology, type CreateTopologyInput, type Topology } from "../../../src/topology/topology.js";

/** `createTopology(input)` and its index. */
export function indexed(input: CreateTopologyInput): { topology: Topology; g: IndexedGraph } {
  const topology = createTopology(input);
  return { topology, g: indexTopology(topology) };
}

/** A hub with `k` workers, each reporting back (ρ = √k), leaving through the hub. */
export function star(k: number, hub = "hub"): CreateTopologyInput {
  const edges: [string, string][] = [["__start__", hub], [hub, "__end__"]];
  for (let i = 1; i <= k; i++) edges.push([hub, `w${i}`], [`w${i}`, hub]);
  return { edges };
}
