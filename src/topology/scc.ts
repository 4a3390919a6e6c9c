/**
 * Internal: strongly connected components by Tarjan's algorithm, iterative so a path of
 * 10,000+ nodes cannot overflow the call stack.
 */

/** Components of a (sub)graph. */
export interface Components {
  /** Component of each node; -1 for nodes outside the subgraph. */
  readonly comp: Int32Array;
  /** Number of components. */
  readonly count: number;
  /**
   * Members of component `c` are `members[start[c] .. start[c+1])`. Components are numbered
   * in reverse topological order: a component only has edges to lower-numbered ones.
   */
  readonly start: Int32Array;
  readonly members: Int32Array;
}

/**
 * Tarjan's algorithm on the nodes with `include[i] === 1` (all nodes when omitted), following
 * only edges between included nodes (and, when `weight` is given, only edges of positive weight).
 */
export function stronglyConnectedComponents(
  n: number,
  outStart: Int32Array,
  outTarget: Int32Array,
  include?: Uint8Array,
  weight?: Float64Array,
): Components {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const members = new Int32Array(n);
  const starts: number[] = [0];
  let sp = 0;
  let next = 0;
  let count = 0;
  let filled = 0;

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1 || (include && include[root] === 0)) continue;
    let cs = 0;
    callNode[cs] = root;
    callEdge[cs] = outStart[root]!;
    cs++;
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (cs > 0) {
      const v = callNode[cs - 1]!;
      const e = callEdge[cs - 1]!;
      if (e < outStart[v + 1]!) {
        callEdge[cs - 1] = e + 1;
        const w = outTarget[e]!;
        if (include && include[w] === 0) continue;
        if (weight && !(weight[e]! > 0)) continue;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[cs] = w;
          callEdge[cs] = outStart[w]!;
          cs++;
        } else if (onStack[w] === 1 && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
        continue;
      }
      cs--;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          comp[w] = count;
          members[filled++] = w;
        } while (w !== v);
        count++;
        starts.push(filled);
      }
      if (cs > 0) {
        const parent = callNode[cs - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  return { comp, count, start: Int32Array.from(starts), members: members.subarray(0, filled) };
}

/** Members of component `c` as a fresh array. */
export function componentMembers(components: Components, c: number): Int32Array {
  return components.members.subarray(components.start[c]!, components.start[c + 1]!);
}

/** Reusable buffers for {@link subsetComponents}, so repeated calls cost O(subset), not O(n). */
export interface SccScratch {
  readonly index: Int32Array;
  readonly low: Int32Array;
  readonly onStack: Uint8Array;
  readonly stack: Int32Array;
  readonly callNode: Int32Array;
  readonly callEdge: Int32Array;
}

/** Allocates scratch buffers for a graph of `n` nodes. */
export function createSccScratch(n: number): SccScratch {
  return {
    index: new Int32Array(n).fill(-1),
    low: new Int32Array(n),
    onStack: new Uint8Array(n),
    stack: new Int32Array(n),
    callNode: new Int32Array(n),
    callEdge: new Int32Array(n),
  };
}

/**
 * Components of the subgraph induced by `members` (whose `include` flag must be 1), in
 * O(size of the subgraph). Leaves the scratch clean for the next call.
 */
export function subsetComponents(
  scratch: SccScratch,
  outStart: Int32Array,
  outTarget: Int32Array,
  members: ArrayLike<number>,
  include: Uint8Array,
): Int32Array[] {
  const { index, low, onStack, stack, callNode, callEdge } = scratch;
  const out: Int32Array[] = [];
  let sp = 0;
  let next = 0;
  for (let r = 0; r < members.length; r++) {
    const root = members[r]!;
    if (index[root] !== -1) continue;
    let cs = 0;
    callNode[cs] = root;
    callEdge[cs] = outStart[root]!;
    cs++;
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (cs > 0) {
      const v = callNode[cs - 1]!;
      const e = callEdge[cs - 1]!;
      if (e < outStart[v + 1]!) {
        callEdge[cs - 1] = e + 1;
        const w = outTarget[e]!;
        if (include[w] === 0) continue;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[cs] = w;
          callEdge[cs] = outStart[w]!;
          cs++;
        } else if (onStack[w] === 1 && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
        continue;
      }
      cs--;
      if (low[v] === index[v]) {
        const group: number[] = [];
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          group.push(w);
        } while (w !== v);
        out.push(Int32Array.from(group));
      }
      if (cs > 0) {
        const parent = callNode[cs - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  for (let r = 0; r < members.length; r++) index[members[r]!] = -1;
  return out;
}
