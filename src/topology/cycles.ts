/**
 * Elementary cycles by Johnson's algorithm (1975), iterative: each strongly connected
 * component is searched for the cycles through one vertex, that vertex is removed, and
 * the rest is split into components again. Enumeration stops at a cap; the count then is a
 * lower bound (a graph can have exponentially many cycles).
 */
import { finding, type TopologyFinding } from "./findings.js";
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
  const perCycle = options.countLimit !== undefined ? 50 * countLimit : 0;
  const st = createSearch(g, {
    // Collect more than `limit` so the shortest can be returned, within reason.
    keep: Math.min(countLimit, Math.max(limit * 4, limit)),
    countLimit,
    workLimit: Math.max(0, Math.floor(options.workLimit ?? 4 * (g.n + g.outTarget.length) + 2_000 + perCycle)),
  });
  const scratch = createSccScratch(g.n);
  const work: Int32Array[] = [];
  const initial = stronglyConnectedComponents(g.n, g.outStart, g.outTarget);
  for (let c = 0; c < initial.count; c++) work.push(initial.members.slice(initial.start[c]!, initial.start[c + 1]!));
  let exact = true;
  while (work.length > 0) {
    const members = work.pop()!;
    if (members.length === 1 && g.selfLoop[members[0]!] === 0) continue;
    st.steps += members.length;
    let s = members[0]!;
    for (const v of members) if (v < s) s = v;
    for (const v of members) {
      st.include[v] = 1;
      st.blocked[v] = 0;
      st.bSets[v] = undefined;
    }
    if (st.steps > st.workLimit || !cyclesThrough(st, s)) {
      exact = false;
      for (const m of members) st.include[m] = 0;
      break;
    }
    // Remove s and split the rest of the component again.
    st.include[s] = 0;
    const rest = members.filter((v) => v !== s);
    for (const part of subsetComponents(scratch, g.outStart, g.outTarget, rest, st.include)) work.push(part);
    for (const v of members) st.include[v] = 0;
  }
  st.found.sort((a, b) => a.length - b.length || compareIds(a, b, g));
  return { cycles: st.found.slice(0, limit).map((cycle) => cycle.map((i) => g.ids[i]!)), count: st.count, exact };
}

/** The state of Johnson's search, shared across the components it visits. */
interface Search {
  readonly g: IndexedGraph;
  readonly include: Uint8Array;
  readonly blocked: Uint8Array;
  readonly bSets: (number[] | undefined)[];
  readonly path: number[];
  readonly edgePtr: Int32Array;
  readonly closed: boolean[];
  readonly found: number[][];
  readonly keep: number;
  readonly countLimit: number;
  readonly workLimit: number;
  steps: number;
  count: number;
}

function createSearch(g: IndexedGraph, limits: { keep: number; countLimit: number; workLimit: number }): Search {
  const n = g.n;
  return {
    g,
    include: new Uint8Array(n),
    blocked: new Uint8Array(n),
    bSets: new Array(n),
    path: [],
    edgePtr: new Int32Array(n),
    closed: [],
    found: [],
    ...limits,
    steps: 0,
    count: 0,
  };
}

function unblock(st: Search, u0: number): void {
  const stack = [u0];
  while (stack.length > 0) {
    const u = stack.pop()!;
    if (st.blocked[u] === 0) continue;
    st.blocked[u] = 0;
    const set = st.bSets[u];
    if (set) {
      for (const w of set) stack.push(w);
      st.bSets[u] = undefined;
    }
  }
}

/**
 * Johnson's circuit search for the cycles through `s` among the included nodes; false when the
 * count or work limit stopped it.
 */
function cyclesThrough(st: Search, s: number): boolean {
  const { g, include, blocked, bSets, path, edgePtr, closed } = st;
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
      if (++st.steps > st.workLimit) return false;
      if (include[w] === 0) continue;
      if (w === s) {
        st.count++;
        if (st.found.length < st.keep && path.length <= MAX_LISTED_LENGTH) st.found.push(path.slice());
        closed[closed.length - 1] = true;
        if (st.count >= st.countLimit) return false;
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
      unblock(st, v);
    } else {
      for (let e = g.outStart[v]!; e < g.outStart[v + 1]!; e++) {
        const w = g.outTarget[e]!;
        if (include[w] === 0) continue;
        const set = (bSets[w] ??= []);
        if (!set.includes(v)) set.push(v);
      }
    }
  }
  return true;
}

function compareIds(a: number[], b: number[], g: IndexedGraph): number {
  for (let i = 0; i < a.length; i++) {
    const x = g.ids[a[i]!]!;
    const y = g.ids[b[i]!]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The analysis's cycle step: the cycles (null when `options` is false) and a CYCLES_TRUNCATED
 * note when enumeration stopped at its cap.
 */
export function enumerateCycles(
  g: IndexedGraph,
  options: false | FindCyclesOptions | undefined,
): { cycles: CycleReport | null; findings: TopologyFinding[] } {
  if (options === false) return { cycles: null, findings: [] };
  const cycles = findCyclesIndexed(g, options ?? {});
  const findings = cycles.exact
    ? []
    : [
        finding(
          "CYCLES_TRUNCATED",
          "info",
          `At least ${cycles.count} elementary cycles; enumeration stopped at its cap (a count or a work limit).`,
          "Raise cycles.countLimit and cycles.workLimit for an exact count; ρ does not depend on it.",
        ),
      ];
  return { cycles, findings };
}
