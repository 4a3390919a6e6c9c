/**
 * Internal: top-level groups. A guard is placed on what `guardNodeInPlace(builder, name)` can wrap, a
 * top-level node; the nodes of an expanded subgraph (`team:lead`, `team:w0`) belong to the
 * top-level node holding them (`team`). Guarding a group scales every edge that leaves it
 * (all out-edges of a one-node group); for relay depth a guarded group is one guarded agent.
 */
import type { IndexedGraph } from "./graph-index.js";

/** Top-level groups: `team:lead` belongs to `team`. */
export interface Groups {
  readonly of: Int32Array;
  readonly names: readonly string[];
  /** 1 when the group has more than one member. */
  readonly multi: Uint8Array;
  /** Members of group `k`: `members[start[k] .. start[k+1])`. */
  readonly start: Int32Array;
  readonly members: Int32Array;
}

/** Groups nodes by their top-level name (the part before the first `:`). */
export function topLevelGroups(g: IndexedGraph): Groups {
  let nested = false;
  for (let i = 0; i < g.n && !nested; i++) if (g.ids[i]!.includes(":")) nested = true;
  if (!nested) {
    // Every node is its own group (no expanded subgraph): no string work at all.
    const identity = Int32Array.from({ length: g.n }, (_, i) => i);
    return { of: identity, names: g.ids, multi: new Uint8Array(g.n), start: Int32Array.from({ length: g.n + 1 }, (_, i) => i), members: identity };
  }
  const of = new Int32Array(g.n);
  const names: string[] = [];
  const index = new Map<string, number>();
  const size: number[] = [];
  for (let i = 0; i < g.n; i++) {
    const id = g.ids[i]!;
    const cut = id.indexOf(":");
    const top = cut < 0 ? id : id.slice(0, cut);
    let k = index.get(top);
    if (k === undefined) {
      k = names.length;
      names.push(top);
      index.set(top, k);
      size.push(0);
    }
    of[i] = k;
    size[k]!++;
  }
  const start = new Int32Array(names.length + 1);
  for (let k = 0; k < names.length; k++) start[k + 1] = start[k]! + size[k]!;
  const fill = start.slice(0, names.length);
  const members = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) members[fill[of[i]!]!++] = i;
  return { of, names, multi: Uint8Array.from(size, (x) => (x > 1 ? 1 : 0)), start, members };
}

/** Whether guarding node `a`'s group scales out-edge `e` (an edge leaving the group, or any edge of a one-node group). */
export function leavesGroup(g: IndexedGraph, groups: Groups, a: number, e: number): boolean {
  return groups.multi[groups.of[a]!] === 0 || groups.of[g.outTarget[e]!] !== groups.of[a];
}

/**
 * The graph with every group marked in `collapse` read as one guarded agent (named after the
 * group; edges inside it dropped). Nodes of other groups are kept as they are. Linear in the
 * size of the graph; `rep[i]` is the node of the result that node `i` became.
 */
export function collapseGroups(g: IndexedGraph, groups: Groups, collapse: Uint8Array): { graph: IndexedGraph; rep: Int32Array } {
  if (!changes(g, groups, collapse)) return { graph: g, rep: groups.of === groups.members ? groups.of : Int32Array.from({ length: g.n }, (_, i) => i) };
  const { rep, ids, nodes } = collapsedNodes(g, groups, collapse);
  const n = ids.length;
  const edges = collapsedEdges(g, groups, collapse, rep, n);
  const index = new Map<string, number>();
  const graph: IndexedGraph = {
    n,
    ids,
    nodes,
    get index() {
      if (index.size === 0) for (let i = 0; i < n; i++) index.set(ids[i]!, i);
      return index;
    },
    ...edges,
  };
  return { graph, rep };
}

/** The nodes after collapsing (a marked group becomes one node at its first member's place) and `rep`. */
function collapsedNodes(
  g: IndexedGraph,
  groups: Groups,
  collapse: Uint8Array,
): { rep: Int32Array; ids: string[]; nodes: IndexedGraph["nodes"][number][] } {
  const rep = new Int32Array(g.n).fill(-1);
  const groupRep = new Int32Array(groups.names.length).fill(-1);
  const ids: string[] = [];
  const nodes: IndexedGraph["nodes"][number][] = [];
  for (let i = 0; i < g.n; i++) {
    const k = groups.of[i]!;
    if (collapse[k] === 1) {
      if (groupRep[k] === -1) {
        groupRep[k] = ids.length;
        ids.push(groups.names[k]!);
        nodes.push(collapsedNode(g, groups, k));
      }
      rep[i] = groupRep[k]!;
    } else {
      rep[i] = ids.length;
      ids.push(g.ids[i]!);
      nodes.push(g.nodes[i]!);
    }
  }
  return { rep, ids, nodes };
}

type EdgeArrays = Pick<IndexedGraph, "outStart" | "outTarget" | "outBeta" | "inStart" | "inSource" | "inEdge" | "selfLoop">;

/** The edges mapped through `rep` (edges inside a collapsed group dropped), in both CSR directions. */
function collapsedEdges(g: IndexedGraph, groups: Groups, collapse: Uint8Array, rep: Int32Array, n: number): EdgeArrays {
  const dropped = (i: number, s: number, t: number) => s === t && collapse[groups.of[i]!] === 1;
  const outDeg = new Int32Array(n);
  const inDeg = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < g.n; i++) {
    const s = rep[i]!;
    for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) {
      const t = rep[g.outTarget[e]!]!;
      if (dropped(i, s, t)) continue;
      outDeg[s]!++;
      inDeg[t]!++;
      m++;
    }
  }
  const outStart = new Int32Array(n + 1);
  const inStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    outStart[i + 1] = outStart[i]! + outDeg[i]!;
    inStart[i + 1] = inStart[i]! + inDeg[i]!;
  }
  const outTarget = new Int32Array(m);
  const outBeta = new Float64Array(m).fill(Number.NaN);
  const inSource = new Int32Array(m);
  const inEdge = new Int32Array(m);
  const selfLoop = new Uint8Array(n);
  const outFill = outStart.slice(0, n);
  const inFill = inStart.slice(0, n);
  for (let i = 0; i < g.n; i++) {
    const s = rep[i]!;
    for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) {
      const t = rep[g.outTarget[e]!]!;
      if (dropped(i, s, t)) continue;
      const o = outFill[s]!++;
      outTarget[o] = t;
      outBeta[o] = g.outBeta[e]!;
      const p = inFill[t]!++;
      inSource[p] = s;
      inEdge[p] = o;
      if (s === t) selfLoop[s] = 1;
    }
  }
  return { outStart, outTarget, outBeta, inStart, inSource, inEdge, selfLoop };
}

/** Whether collapsing changes anything (a marked group of several nodes, or a marked node not yet a guard). */
function changes(g: IndexedGraph, groups: Groups, collapse: Uint8Array): boolean {
  for (let k = 0; k < collapse.length; k++) {
    if (collapse[k] !== 1) continue;
    if (groups.multi[k] === 1 || !g.nodes[groups.members[groups.start[k]!]!]!.guard) return true;
  }
  return false;
}

/** The node a collapsed group becomes: a guarded agent named after the group. */
function collapsedNode(g: IndexedGraph, groups: Groups, k: number): IndexedGraph["nodes"][number] {
  const first = g.nodes[groups.members[groups.start[k]!]!]!;
  if (groups.multi[k] === 0 && first.guard) return first;
  const residual = first.guard?.residual ?? first.insideGuard?.residual;
  return {
    id: groups.names[k]!,
    role: "agent",
    roleSource: first.insideGuard ? "metadata" : first.roleSource,
    guard: { producer: groups.names[k]!, ...(residual !== undefined ? { residual } : {}) },
  };
}
