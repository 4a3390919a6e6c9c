/**
 * Internal: Perron roots and vectors of the irreducible blocks of a non-negative matrix.
 *
 * ρ(A) is the maximum over strongly connected components of ρ(A restricted to the
 * component); a DAG has only trivial components and ρ = 0 (nilpotent). Each irreducible
 * block is solved by the cheapest exact method that applies: a self-loop or a simple cycle
 * in closed form, Noda's inverse iteration with a dense LU for small blocks, and power
 * iteration on the shifted matrix B + σI for large aperiodic ones, and for a large block of
 * period p > 1 (a bipartite cycle, a ring of layers: p eigenvalues on the circle |λ| = ρ, where
 * plain power iteration oscillates) power iteration on Bᵖ restricted to one cyclic class,
 * which is primitive with Perron root ρᵖ.
 * Every iterative method stops on Collatz–Wielandt bounds: min (Bx)ᵢ/xᵢ ≤ ρ ≤ max (Bx)ᵢ/xᵢ.
 */
import type { IndexedGraph } from "./graph-index.js";
import type { Components } from "./scc.js";

/** Blocks up to this size are solved densely. */
export const DENSE_MAX = 48;
/** Relative width of the Collatz–Wielandt interval the iterations aim for. */
export const RHO_TOLERANCE = 1e-12;
/** Relative width accepted once rounding stops the interval from shrinking further. */
export const RHO_FLOOR = 1e-10;

/** The rows of one irreducible block in local indices. */
export interface Block {
  /** Global node indices of the block's members. */
  readonly members: Int32Array;
  readonly rowStart: Int32Array;
  readonly col: Int32Array;
  readonly w: Float64Array;
  /** Global out-edge slot of each local entry (to rebuild weights). */
  readonly slot: Int32Array;
}

/** A block's Perron root and (right) Perron vector. */
export interface PerronResult {
  /** Best estimate of ρ (midpoint of the bounds). */
  readonly rho: number;
  /** Collatz–Wielandt lower bound. */
  readonly lo: number;
  /** Collatz–Wielandt upper bound. */
  readonly hi: number;
  /** Whether the bounds met the tolerance. */
  readonly converged: boolean;
  /** How it was computed. */
  readonly method: "self-loop" | "cycle" | "dense" | "power" | "periodic";
  /** Perron vector in local indices, scaled to a maximum of 1. */
  readonly vector: Float64Array;
  /** Iterations used (0 for closed forms). */
  readonly iterations: number;
}

/**
 * The block of component `c`: its members and the weighted edges between them. `localOf`
 * is scratch space of length n, reused across calls.
 */
export function buildBlock(
  g: IndexedGraph,
  components: Components,
  c: number,
  weights: Float64Array | null,
  localOf: Int32Array,
): Block {
  const members = components.members.subarray(components.start[c]!, components.start[c + 1]!);
  const size = members.length;
  for (let k = 0; k < size; k++) localOf[members[k]!] = k;
  let count = 0;
  for (let k = 0; k < size; k++) {
    const i = members[k]!;
    for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) {
      if (components.comp[g.outTarget[e]!] === c && (weights === null || weights[e]! > 0)) count++;
    }
  }
  const rowStart = new Int32Array(size + 1);
  const col = new Int32Array(count);
  const w = new Float64Array(count);
  const slot = new Int32Array(count);
  let p = 0;
  for (let k = 0; k < size; k++) {
    const i = members[k]!;
    for (let e = g.outStart[i]!; e < g.outStart[i + 1]!; e++) {
      const j = g.outTarget[e]!;
      const we = weights === null ? 1 : weights[e]!;
      if (components.comp[j] === c && we > 0) {
        col[p] = localOf[j]!;
        w[p] = we;
        slot[p] = e;
        p++;
      }
    }
    rowStart[k + 1] = p;
  }
  return { members, rowStart, col, w, slot };
}

/** The transposed block (its Perron vector is the left Perron vector of the original). */
export function transposeBlock(b: Block): Block {
  const size = b.members.length;
  const count = b.col.length;
  const deg = new Int32Array(size + 1);
  for (let p = 0; p < count; p++) deg[b.col[p]! + 1]!++;
  for (let k = 0; k < size; k++) deg[k + 1]! += deg[k]!;
  const rowStart = deg.slice();
  const fill = deg.slice(0, size);
  const col = new Int32Array(count);
  const w = new Float64Array(count);
  const slot = new Int32Array(count);
  for (let i = 0; i < size; i++) {
    for (let p = b.rowStart[i]!; p < b.rowStart[i + 1]!; p++) {
      const j = b.col[p]!;
      const q = fill[j]!++;
      col[q] = i;
      w[q] = b.w[p]!;
      slot[q] = b.slot[p]!;
    }
  }
  return { members: b.members, rowStart, col, w, slot };
}

/** Whether the block has at least one edge (a single node without a self-loop has none). */
export function isCyclicBlock(b: Block): boolean {
  return b.col.length > 0;
}

/**
 * Perron root and right Perron vector of an irreducible non-negative block.
 * `init` (positive, local indices) warm-starts the iterative methods; `tolerance` is the
 * relative width of the Collatz–Wielandt interval to reach (looser for ranking only).
 */
export function perron(b: Block, init?: Float64Array, tolerance = RHO_TOLERANCE): PerronResult {
  const size = b.members.length;
  if (b.col.length === 0) {
    return { rho: 0, lo: 0, hi: 0, converged: true, method: "cycle", vector: new Float64Array(size), iterations: 0 };
  }
  if (size === 1) {
    const w = b.w[0]!;
    return { rho: w, lo: w, hi: w, converged: true, method: "self-loop", vector: Float64Array.of(1), iterations: 0 };
  }
  if (b.col.length === size) return simpleCycle(b);
  if (size <= DENSE_MAX) return noda(b, init, tolerance);
  const classes = periodClasses(b);
  const result = classes ? periodicPower(b, classes, init, tolerance) : power(b, init, tolerance);
  if (!result.converged && size <= 400) {
    const dense = noda(b, result.vector, tolerance);
    if (dense.hi - dense.lo < result.hi - result.lo) return dense;
  }
  return result;
}

/** A strongly connected block with as many edges as nodes is one simple cycle. */
function simpleCycle(b: Block): PerronResult {
  const size = b.members.length;
  let logSum = 0;
  for (let p = 0; p < size; p++) logSum += Math.log(b.w[p]!);
  const rho = Math.exp(logSum / size);
  // Right vector: u_i = w_i u_next(i) / ρ, i.e. u_next = ρ u_i / w_i along the cycle.
  const u = new Float64Array(size);
  let i = 0;
  u[0] = 1;
  for (let step = 1; step < size; step++) {
    const p = b.rowStart[i]!;
    const next = b.col[p]!;
    u[next] = (rho * u[i]!) / b.w[p]!;
    i = next;
  }
  scaleToMax(u);
  return { rho, lo: rho, hi: rho, converged: true, method: "cycle", vector: u, iterations: 0 };
}

/** Collatz–Wielandt bounds of x, given y = Bx, written to `cw` (no allocation per call). */
const cw = { lo: 0, hi: 0 };
function bounds(x: Float64Array, y: Float64Array): void {
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (!(xi > 0)) {
      lo = 0;
      continue;
    }
    const r = y[i]! / xi;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  cw.lo = lo === Infinity ? 0 : lo;
  cw.hi = hi;
}

function multiply(b: Block, x: Float64Array, y: Float64Array): void {
  const size = b.members.length;
  for (let i = 0; i < size; i++) {
    let s = 0;
    for (let p = b.rowStart[i]!; p < b.rowStart[i + 1]!; p++) s += b.w[p]! * x[b.col[p]!]!;
    y[i] = s;
  }
}

/**
 * Power iteration on B + σI with Collatz–Wielandt bounds. A small shift (a tenth of the
 * mean row sum) converges fastest on aperiodic blocks; when the interval shrinks slowly —
 * the mark of a periodic block, whose eigenvalues ρ·e^(2πik/p) all sit on the circle — the
 * shift is raised to the lower bound on ρ, and put back if that turns out slower.
 * Multiplication, bounds and shift share one pass; the vector is rescaled only when its
 * magnitude drifts far from 1.
 */
function power(b: Block, init: Float64Array | undefined, tolerance: number): PerronResult {
  const size = b.members.length;
  const m = b.col.length;
  let total = 0;
  for (let p = 0; p < m; p++) total += b.w[p]!;
  const shift = new PowerShift((0.1 * total) / size);
  let x = new Float64Array(size);
  if (init && init.length === size && init.every((v) => v > 0)) x.set(init);
  else x.fill(1);
  let y = new Float64Array(size);
  const maxIterations = Math.min(200_000, Math.max(2_000, Math.floor(3e8 / (m + size))));
  let lo = 0;
  let hi = Infinity;
  let it = 0;
  let bestWidth = Infinity;
  let stalled = 0;
  for (; it < maxIterations; it++) {
    const step = powerStep(b, x, y, shift.sigma);
    lo = step.lo;
    hi = step.hi;
    const width = hi - lo;
    if (width <= tolerance * hi) break;
    // Rounding in long row sums puts a floor under the interval: stop once it stops shrinking.
    if (width < 0.999 * bestWidth) {
      bestWidth = width;
      stalled = 0;
    } else if (++stalled > 50 && width <= RHO_FLOOR * hi) {
      break;
    }
    shift.observe(it, width, lo);
    if (!(step.max > 0)) break;
    if (step.max > 1e100 || step.max < 1e-100) for (let i = 0; i < size; i++) y[i]! /= step.max;
    const t = x;
    x = y;
    y = t;
  }
  scaleToMax(x);
  return {
    rho: (lo + hi) / 2,
    lo,
    hi,
    converged: hi - lo <= Math.max(RHO_FLOOR, tolerance) * hi,
    method: "power",
    vector: x,
    iterations: it,
  };
}

/**
 * One pass: y = (B + σI)·x, with the Collatz–Wielandt bounds min/max (Bx)ᵢ/xᵢ and the
 * largest entry of y.
 */
function powerStep(b: Block, x: Float64Array, y: Float64Array, sigma: number): { lo: number; hi: number; max: number } {
  const { rowStart, col, w } = b;
  let low = Infinity;
  let high = 0;
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    let s = 0;
    const end = rowStart[i + 1]!;
    for (let p = rowStart[i]!; p < end; p++) s += w[p]! * x[col[p]!]!;
    const xi = x[i]!;
    if (xi > 0) {
      const r = s / xi;
      if (r < low) low = r;
      if (r > high) high = r;
    } else {
      low = 0;
    }
    const v = s + sigma * xi;
    y[i] = v;
    if (v > max) max = v;
  }
  return { lo: low === Infinity ? 0 : low, hi: high, max };
}

/**
 * The power iteration's shift σ: starts small; when the interval shrinks slowly over whole
 * windows (the first window is a transient from the starting vector), raised to the lower
 * bound on ρ; put back if that turns out slower.
 */
class PowerShift {
  static readonly WINDOW = 16;
  sigma: number;
  private phase: "small" | "raised" | "settled" = "small";
  private rateBefore = 0;
  private windowWidth = Infinity;

  constructor(private readonly sigma0: number) {
    this.sigma = sigma0;
  }

  observe(it: number, width: number, lo: number): void {
    const WINDOW = PowerShift.WINDOW;
    if (it % WINDOW !== 0) return;
    if (it >= 2 * WINDOW) {
      const rate = Math.pow(width / this.windowWidth, 1 / WINDOW);
      if (this.phase === "small" && rate > 0.9 && lo > this.sigma) {
        this.rateBefore = rate;
        this.sigma = lo;
        this.phase = "raised";
      } else if (this.phase === "raised") {
        if (rate > this.rateBefore) this.sigma = this.sigma0;
        this.phase = "settled";
      }
    }
    this.windowWidth = width;
  }
}

/** Cyclic classes of a block of period p > 1, or undefined for an aperiodic block. */
interface Classes {
  readonly p: number;
  /** Rows of class c are `order[start[c] .. start[c+1])`; an edge goes from class c to c+1 (mod p). */
  readonly order: Int32Array;
  readonly start: Int32Array;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The period of an irreducible block: the gcd of level(u) + 1 − level(v) over its edges, with
 * levels from a breadth-first search; the classes are the levels mod p. O(size + edges).
 */
function periodClasses(b: Block): Classes | undefined {
  const size = b.members.length;
  const level = new Int32Array(size).fill(-1);
  const queue = new Int32Array(size);
  level[0] = 0;
  let tail = 1;
  let p = 0;
  for (let head = 0; head < tail; head++) {
    const u = queue[head]!;
    for (let q = b.rowStart[u]!; q < b.rowStart[u + 1]!; q++) {
      const v = b.col[q]!;
      if (level[v] === -1) {
        level[v] = level[u]! + 1;
        queue[tail++] = v;
      } else p = gcd(p, level[u]! + 1 - level[v]!);
      if (p === 1) return undefined;
    }
  }
  if (p <= 1 || tail < size) return undefined;
  const count = new Int32Array(p + 1);
  for (let v = 0; v < size; v++) count[(level[v]! % p) + 1]!++;
  for (let c = 0; c < p; c++) count[c + 1]! += count[c]!;
  const order = new Int32Array(size);
  const fill = count.slice(0, p);
  for (let v = 0; v < size; v++) order[fill[level[v]! % p]!++] = v;
  return { p, order, start: count };
}

/** y = B·x on the rows of class `c` only (they read class c + 1). */
function multiplyClass(b: Block, k: Classes, c: number, x: Float64Array, y: Float64Array): void {
  for (let r = k.start[c]!; r < k.start[c + 1]!; r++) {
    const i = k.order[r]!;
    let s = 0;
    for (let q = b.rowStart[i]!; q < b.rowStart[i + 1]!; q++) s += b.w[q]! * x[b.col[q]!]!;
    y[i] = s;
  }
}

/**
 * Power iteration on Bᵖ restricted to class 0 (primitive, Perron root ρᵖ), with
 * Collatz–Wielandt bounds on ρᵖ. One outer step sweeps the classes p − 1, …, 0 once: O(edges).
 * The full right vector follows from class 0 by uᵢ = (Bu)ᵢ/ρ, class by class.
 */
function periodicPower(b: Block, k: Classes, init: Float64Array | undefined, tolerance: number): PerronResult {
  const size = b.members.length;
  const x = new Float64Array(size);
  if (init && init.length === size && init.every((v) => v > 0)) x.set(init);
  else x.fill(1);
  const y = new Float64Array(size);
  const first = k.start[1]!;
  const maxIterations = Math.min(100_000, Math.max(2_000, Math.floor(3e8 / (b.col.length + size))));
  let lo = 0;
  let hi = Infinity;
  let it = 0;
  for (; it < maxIterations; it++) {
    // Sweep classes p−1 … 0: after the sweep, y on class 0 is (Bᵖ x) on class 0.
    multiplyClass(b, k, k.p - 1, x, y);
    for (let c = k.p - 2; c >= 0; c--) multiplyClass(b, k, c, y, y);
    let low = Infinity;
    let high = 0;
    let max = 0;
    for (let r = 0; r < first; r++) {
      const i = k.order[r]!;
      const ratio = y[i]! / x[i]!;
      if (ratio < low) low = ratio;
      if (ratio > high) high = ratio;
      if (y[i]! > max) max = y[i]!;
    }
    lo = low;
    hi = high;
    // Relative width on ρᵖ is about p times the width on ρ.
    if (hi - lo <= tolerance * k.p * hi || !(max > 0)) break;
    for (let r = 0; r < first; r++) x[k.order[r]!] = y[k.order[r]!]! / max;
  }
  const rhoLo = Math.pow(lo, 1 / k.p);
  const rhoHi = Math.pow(hi, 1 / k.p);
  const rho = (rhoLo + rhoHi) / 2;
  // Right vector: class 0 from x, then classes p−1 … 1 by u = Bu/ρ.
  const u = new Float64Array(size);
  for (let r = 0; r < first; r++) u[k.order[r]!] = x[k.order[r]!]!;
  for (let c = k.p - 1; c >= 1; c--) {
    multiplyClass(b, k, c, u, u);
    for (let r = k.start[c]!; r < k.start[c + 1]!; r++) u[k.order[r]!]! /= rho;
  }
  scaleToMax(u);
  return {
    rho,
    lo: rhoLo,
    hi: rhoHi,
    converged: rhoHi - rhoLo <= Math.max(RHO_FLOOR, tolerance) * rhoHi,
    method: "periodic",
    vector: u,
    iterations: it,
  };
}

/**
 * Noda's iteration: x ← (λI − B)⁻¹x with λ the upper Collatz–Wielandt bound. λ decreases
 * to ρ quadratically; the Perron root is always the eigenvalue nearest λ, periodic or not.
 */
function noda(b: Block, init: Float64Array | undefined, tolerance: number): PerronResult {
  const size = b.members.length;
  const dense = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let p = b.rowStart[i]!; p < b.rowStart[i + 1]!; p++) dense[i * size + b.col[p]!]! += b.w[p]!;
  }
  let x: Float64Array = new Float64Array(size);
  if (init && init.length === size && init.every((v) => v > 0)) x.set(init);
  else x.fill(1);
  const y = new Float64Array(size);
  multiply(b, x, y);
  bounds(x, y);
  let lo = cw.lo;
  let hi = cw.hi;
  let best = { x: x.slice(), lo, hi };
  let it = 0;
  const work = new Float64Array(size * size);
  const perm = new Int32Array(size);
  for (; it < 60 && hi - lo > tolerance * hi; it++) {
    for (let k = 0; k < size * size; k++) work[k] = -dense[k]!;
    for (let i = 0; i < size; i++) work[i * size + i]! += hi;
    if (!luDecompose(work, size, perm)) break;
    const z = luSolve(work, size, perm, x);
    let max = 0;
    let ok = true;
    for (let i = 0; i < size; i++) {
      if (!Number.isFinite(z[i]!)) ok = false;
      if (z[i]! > max) max = z[i]!;
    }
    if (!ok || !(max > 0)) break;
    for (let i = 0; i < size; i++) z[i] = Math.max(z[i]! / max, 0);
    x = z;
    multiply(b, x, y);
    bounds(x, y);
    lo = cw.lo;
    hi = cw.hi;
    if (hi - lo < best.hi - best.lo) best = { x: x.slice(), lo, hi };
    else break;
  }
  const vector = best.x;
  scaleToMax(vector);
  return {
    rho: (best.lo + best.hi) / 2,
    lo: best.lo,
    hi: best.hi,
    converged: best.hi - best.lo <= Math.max(RHO_FLOOR, tolerance) * best.hi,
    method: "dense",
    vector,
    iterations: it,
  };
}

/** In-place LU with partial pivoting; false when singular. */
function luDecompose(a: Float64Array, n: number, perm: Int32Array): boolean {
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let pivot = k;
    let best = Math.abs(a[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]!);
      if (v > best) {
        best = v;
        pivot = i;
      }
    }
    if (best === 0) return false;
    if (pivot !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j]!;
        a[k * n + j] = a[pivot * n + j]!;
        a[pivot * n + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[pivot]!;
      perm[pivot] = t;
    }
    const d = a[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k]! / d;
      if (f === 0) continue;
      a[i * n + k] = f;
      for (let j = k + 1; j < n; j++) a[i * n + j]! -= f * a[k * n + j]!;
    }
  }
  return true;
}

function luSolve(a: Float64Array, n: number, perm: Int32Array, rhs: Float64Array): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = rhs[perm[i]!]!;
    for (let j = 0; j < i; j++) s -= a[i * n + j]! * z[j]!;
    z[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let j = i + 1; j < n; j++) s -= a[i * n + j]! * z[j]!;
    z[i] = s / a[i * n + i]!;
  }
  return z;
}

/**
 * Solves (λI − B)x = rhs for λ > ρ(B) (a non-singular M-matrix, so x ≥ 0 when rhs ≥ 0):
 * dense LU for small blocks, Gauss–Seidel otherwise.
 */
export function solveShifted(b: Block, lambda: number, rhs: Float64Array): Float64Array {
  const size = b.members.length;
  if (size <= DENSE_MAX) {
    const a = new Float64Array(size * size);
    for (let i = 0; i < size; i++) {
      a[i * size + i] = lambda;
      for (let p = b.rowStart[i]!; p < b.rowStart[i + 1]!; p++) a[i * size + b.col[p]!]! -= b.w[p]!;
    }
    const perm = new Int32Array(size);
    if (luDecompose(a, size, perm)) {
      const z = luSolve(a, size, perm, rhs);
      if (z.every((v) => Number.isFinite(v))) return z.map((v) => Math.max(v, 0));
    }
  }
  const x = new Float64Array(size);
  for (let it = 0; it < 10_000; it++) {
    let change = 0;
    let max = 0;
    for (let i = 0; i < size; i++) {
      let s = rhs[i]!;
      let diag = 0;
      for (let p = b.rowStart[i]!; p < b.rowStart[i + 1]!; p++) {
        const j = b.col[p]!;
        if (j === i) diag += b.w[p]!;
        else s += b.w[p]! * x[j]!;
      }
      const v = s / (lambda - diag);
      change = Math.max(change, Math.abs(v - x[i]!));
      max = Math.max(max, Math.abs(v));
      x[i] = v;
    }
    if (change <= 1e-13 * max) break;
  }
  return x;
}

function scaleToMax(x: Float64Array): void {
  let max = 0;
  for (let i = 0; i < x.length; i++) if (x[i]! > max) max = x[i]!;
  if (max > 0) for (let i = 0; i < x.length; i++) x[i]! /= max;
}
