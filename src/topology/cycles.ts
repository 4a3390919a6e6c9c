/**
 * Elementary cycles by Johnson's algorithm (1975), iterative: each strongly connected
 * component is searched for the cycles through one vertex, that vertex is removed, and
 * the rest is split into components again. Enumeration stops at a cap; the count then is a
 * lower bound (a graph can have exponentially many cycles).
 */
import { indexTopology, type IndexedGraph } from "./graph-index.js";
import { createSccScratch, stronglyConnectedComponents, subsetComponents } from "./scc.js";
import type { Topology } from "./topology.js";

/** Options of {@link findCycles}. */
export interface FindCyclesOptions {
  /** Cycles returned (shortest first). @default 50 */
  limit?: number;
  /** Cycles counted before stopping; the count is a lower bound when reached. @default 10_000 */
  countLimit?: number;
  /**
   * Search steps (edge visits) before stopping; the count is then a lower bound. Keeps the
   * enumeration linear in the graph's size on large graphs, where one search can wander far
   * before it closes a cycle.
   * @default 4·(nodes + edges) + 2,000, plus 50 per cycle when `countLimit` is given
   */
  workLimit?: number;
}

/** Cycles longer than this are counted but not listed (a report stays readable on big graphs). */
export const MAX_LISTED_LENGTH = 64;

/** The elementary cycles of a topology. */
export interface CycleReport {
  /**
   * Up to `limit` cycles of at most {@link MAX_LISTED_LENGTH} nodes (longer ones are counted,
   * not listed), each as its node ids in order (the first node is not repeated).
   */
  readonly cycles: readonly (readonly string[])[];
  /** Number of elementary cycles found. */
  readonly count: number;
  /** Whether `count` is every cycle (false: enumeration stopped at `countLimit`). */
  readonly exact: boolean;
}

/**
 * Enumerates the elementary cycles of a topology with Johnson's algorithm.
 *
 * @example
 * ```ts
 * findCycles(createTopology({ edges: [["a", "b"], ["b", "a"]] })).cycles; // [["a", "b"]]
 * ```
 */
export function findCycles(topology: Topology, options: FindCyclesOptions = {}): CycleReport {
  return findCyclesIndexed(indexTopology(topology), options);
}

/** {@link findCycles} on an already indexed graph. */
export function findCyclesIndexed(g: IndexedGraph, options: FindCyclesOptions = {}): CycleReport {
  const limit = Math.max(0, Math.floor(options.limit ?? 50));
  const countLimit = Math.max(limit, Math.floor(options.countLimit ?? 10_000));
  // Collect more than `limit` so the shortest can be returned, within reason.
  const keep = Math.min(countLimit, Math.max(limit * 4, limit));
  const perCycle = options.countLimit !== undefined ? 50 * countLimit : 0;
  const workLimit = Math.max(0, Math.floor(options.workLimit ?? 4 * (g.n + g.outTarget.length) + 2_000 + perCycle));
  let steps = 0;
  const found: number[][] = [];
  let count = 0;
  let exact = true;

  const n = g.n;
  const include = new Uint8Array(n);
  const blocked = new Uint8Array(n);
  const bSets: (number[] | undefined)[] = new Array(n);
  const path: number[] = [];
  const edgePtr = new Int32Array(n);
  const closed: boolean[] = [];
  const work: Int32Array[] = [];
  const scratch = createSccScratch(n);

  const initial = stronglyConnectedComponents(n, g.outStart, g.outTarget);
  for (let c = 0; c < initial.count; c++) {
    work.push(initial.members.slice(initial.start[c]!, initial.start[c + 1]!));
  }

  const unblock = (u0: number) => {
    const stack = [u0];
    while (stack.length > 0) {
      const u = stack.pop()!;
      if (blocked[u] === 0) continue;
      blocked[u] = 0;
      const set = bSets[u];
      if (set) {
        for (const w of set) stack.push(w);
        bSets[u] = undefined;
      }
    }
  };

  outer: while (work.length > 0) {
    const members = work.pop()!;
    if (members.length === 1 && g.selfLoop[members[0]!] === 0) continue;
    steps += members.length;
    if (steps > workLimit) {
      exact = false;
      break;
    }
    let s = members[0]!;
    for (const v of members) if (v < s) s = v;
    for (const v of members) {
      include[v] = 1;
      blocked[v] = 0;
      bSets[v] = undefined;
    }
    path.length = 0;
    closed.length = 0;
    path.push(s);
    closed.push(false);
    blocked[s] = 1;
    edgePtr[s] = g.outStart[s]!;
    while (path.length > 0) {
      const v = path[path.length - 1]!;
      let descended = false;
      while (edgePtr[v]! < g.outStart[v + 1]!) {
        const w = g.outTarget[edgePtr[v]!]!;
        edgePtr[v]!++;
        if (++steps > workLimit) {
          exact = false;
          for (const m of members) include[m] = 0;
          break outer;
        }
        if (include[w] === 0) continue;
        if (w === s) {
          count++;
          if (found.length < keep && path.length <= MAX_LISTED_LENGTH) found.push(path.slice());
          closed[closed.length - 1] = true;
          if (count >= countLimit) {
            exact = false;
            for (const m of members) include[m] = 0;
            break outer;
          }
        } else if (blocked[w] === 0) {
          path.push(w);
          closed.push(false);
          blocked[w] = 1;
          edgePtr[w] = g.outStart[w]!;
          descended = true;
          break;
        }
      }
      if (descended) continue;
      path.pop();
      if (closed.pop()) {
        if (closed.length > 0) closed[closed.length - 1] = true;
        unblock(v);
      } else {
        for (let e = g.outStart[v]!; e < g.outStart[v + 1]!; e++) {
          const w = g.outTarget[e]!;
          if (include[w] === 0) continue;
          const set = (bSets[w] ??= []);
          if (!set.includes(v)) set.push(v);
        }
      }
    }
    // Remove s and split the rest of the component again.
    include[s] = 0;
    const rest = members.filter((v) => v !== s);
    for (const part of subsetComponents(scratch, g.outStart, g.outTarget, rest, include)) {
      work.push(part);
    }
    for (const v of members) include[v] = 0;
  }

  found.sort((a, b) => a.length - b.length || compareIds(a, b, g));
  return {
    cycles: found.slice(0, limit).map((cycle) => cycle.map((i) => g.ids[i]!)),
    count,
    exact,
  };
}

function compareIds(a: number[], b: number[], g: IndexedGraph): number {
  for (let i = 0; i < a.length; i++) {
    const x = g.ids[a[i]!]!;
    const y = g.ids[b[i]!]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
