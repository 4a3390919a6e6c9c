/**
 * Internal: a topology as integer arrays (compressed sparse rows), so the analyzers run in
 * linear time without string lookups in their inner loops. Not exported from the package.
 */
import type { Topology, TopologyNode } from "./topology.js";

/** Out- and in-adjacency of a topology in CSR form. */
export interface IndexedGraph {
  /** Number of nodes. */
  readonly n: number;
  /** Node ids by index. */
  readonly ids: readonly string[];
  /** Node by index. */
  readonly nodes: readonly TopologyNode[];
  /** Index of a node id. */
  readonly index: ReadonlyMap<string, number>;
  /** `outTarget[outStart[i] .. outStart[i+1])` are the successors of `i`. */
  readonly outStart: Int32Array;
  readonly outTarget: Int32Array;
  /** β of each out-edge when declared on the edge, else NaN. */
  readonly outBeta: Float64Array;
  /** `inSource[inStart[j] .. inStart[j+1])` are the predecessors of `j`. */
  readonly inStart: Int32Array;
  readonly inSource: Int32Array;
  /** For each in-edge slot, the matching out-edge slot (to share weights). */
  readonly inEdge: Int32Array;
  /** 1 for nodes with a self-loop. */
  readonly selfLoop: Uint8Array;
}

/** Builds the CSR form; edges naming unknown nodes are ignored (extraction never makes them). */
export function indexTopology(topology: Topology): IndexedGraph {
  const nodes = topology.nodes;
  const n = nodes.length;
  const ids = nodes.map((node) => node.id);
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(ids[i]!, i);

  const cap = topology.edges.length;
  const src = new Int32Array(cap);
  const dst = new Int32Array(cap);
  const beta = new Float64Array(cap);
  const outDeg = new Int32Array(n);
  const inDeg = new Int32Array(n);
  const selfLoop = new Uint8Array(n);
  let count = 0;
  for (const e of topology.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined) continue;
    src[count] = s;
    dst[count] = t;
    beta[count] = e.beta ?? Number.NaN;
    count++;
    outDeg[s]!++;
    inDeg[t]!++;
    if (s === t) selfLoop[s] = 1;
  }
  const m = count;
  const outStart = new Int32Array(n + 1);
  const inStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    outStart[i + 1] = outStart[i]! + outDeg[i]!;
    inStart[i + 1] = inStart[i]! + inDeg[i]!;
  }
  const outTarget = new Int32Array(m);
  const outBeta = new Float64Array(m);
  const inSource = new Int32Array(m);
  const inEdge = new Int32Array(m);
  const outFill = outStart.slice(0, n);
  const inFill = inStart.slice(0, n);
  for (let k = 0; k < m; k++) {
    const s = src[k]!;
    const t = dst[k]!;
    const o = outFill[s]!++;
    outTarget[o] = t;
    outBeta[o] = beta[k]!;
    const p = inFill[t]!++;
    inSource[p] = s;
    inEdge[p] = o;
  }
  return { n, ids, nodes, index, outStart, outTarget, outBeta, inStart, inSource, inEdge, selfLoop };
}
