/** Small statistics helpers shared by the benchmarks. */

/** Median of a non-empty sample. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty sample");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Percentile (0–100) of a non-empty sample, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of an empty sample");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns each run's milliseconds. */
export async function sample(
  fn: () => unknown | Promise<unknown>,
  { runs, warmup = Math.ceil(runs / 10) }: { runs: number; warmup?: number },
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Prints a table with aligned columns. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n## ${title}\n`);
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number) => (typeof v === "number" ? fmt(v) : v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c] ?? "").length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(cols));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c] ?? ""))));
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(1);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** A point estimate with a 95% confidence interval. */
export interface Estimate {
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
}

const Z975 = 1.959963984540054;

/**
 * Wilson score interval for a proportion `k / n` (95% by default): unlike the normal
 * approximation it stays inside [0, 1] and is not degenerate at 0 or n successes.
 */
export function wilson(k: number, n: number, z = Z975): Estimate {
  if (!(n > 0) || k < 0 || k > n) throw new RangeError(`wilson: need 0 <= k <= n and n > 0, got k=${k}, n=${n}`);
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // At 0 or n successes the bound is exactly 0 or 1 (rounding would leave 1e-16 off).
  return { value: p, lo: k === 0 ? 0 : Math.max(0, centre - half), hi: k === n ? 1 : Math.min(1, centre + half) };
}

/** Student's t 97.5% quantiles for 1–30 degrees of freedom (standard tables). */
const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314,
  2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/** The 97.5% quantile of Student's t with `df` degrees of freedom: a table to 30, then the Cornish–Fisher expansion (error < 1e-4). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`tQuantile975: df must be >= 1, got ${df}`);
  if (df <= 30) return T975[Math.floor(df) - 1]!;
  const z = Z975;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** Mean of a sample with its 95% t interval (a sample of one has a zero-width interval). */
export function meanCI(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0) throw new RangeError("meanCI of an empty sample");
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { value: mean, lo: mean, hi: mean };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { value: mean, lo: mean - half, hi: mean + half };
}

/**
 * Ratio of means mean(x) / mean(y) of paired samples (x[i] and y[i] from the same trial seed)
 * with a 95% percentile-bootstrap interval: `resamples` draws of n trial indices with
 * replacement, from a seeded stream so the interval is reproducible.
 */
export function bootstrapRatio(
  x: readonly number[],
  y: readonly number[],
  { resamples = 2000, seed = 1 }: { resamples?: number; seed?: number } = {},
): Estimate {
  const n = x.length;
  if (n === 0 || y.length !== n) throw new RangeError(`bootstrapRatio: need two non-empty samples of one length, got ${n} and ${y.length}`);
  const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
  const value = sum(x) / sum(y);
  let state = seed >>> 0;
  const next = () => {
    // mulberry32, as in src/chaos/rng.ts
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(next() * n);
      sx += x[j]!;
      sy += y[j]!;
    }
    ratios.push(sy === 0 ? Number.NaN : sx / sy);
  }
  const finite = ratios.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return { value, lo: value, hi: value };
  const at = (q: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.floor(q * finite.length)))]!;
  return { value, lo: at(0.025), hi: at(0.975) };
}
