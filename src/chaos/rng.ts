/**
 * A small seeded random number generator for reproducible chaos runs. Every random choice
 * in the chaos module (whether a fault fires, whether a scripted agent adopts a claim, which
 * node an epidemic infects) draws from a stream derived from the campaign seed and a label,
 * so the same seed gives the same numbers whatever order LangGraph runs parallel nodes in.
 */
import { invalidOption } from "../internal/options-schema.js";

/** A seeded stream of uniform numbers. */
export interface Rng {
  /** The seed this stream was made from (an unsigned 32-bit integer). */
  readonly seed: number;
  /** The next uniform number in [0, 1). */
  next(): number;
  /** True with probability `p` (values outside [0, 1] are clamped). */
  chance(p: number): boolean;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** A copy of `items` in a uniformly random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** An independent stream for `label`, derived from this stream's seed (not its position). */
  fork(...label: readonly (string | number)[]): Rng;
}

/**
 * Hashes seed parts (numbers and strings) into one unsigned 32-bit seed (FNV-1a over the
 * parts' text, then a murmur3 finaliser so nearby inputs give unrelated seeds).
 *
 * @example
 * ```ts
 * deriveSeed(42, "trial", 7); // the seed of trial 7 of a campaign seeded 42
 * ```
 */
export function deriveSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${typeof part}:${String(part)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Creates a seeded generator (mulberry32: 32-bit state, period 2^32, fast and good enough
 * for Monte Carlo estimates of a few decimals; not for cryptography). A string seed is
 * hashed with {@link deriveSeed}.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.chance(0.3); // same answer on every run with seed 42
 * const trial = rng.fork("trial", 3); // independent stream, same for the same seed
 * ```
 */
export function createRng(seed: number | string): Rng {
  if (!(typeof seed === "number" ? Number.isFinite(seed) : typeof seed === "string" && seed.length > 0)) {
    throw invalidOption("createRng", "seed", seed, "a finite number or a non-empty string");
  }
  const start = typeof seed === "number" && Number.isInteger(seed) ? seed >>> 0 : deriveSeed(seed);
  let state = start;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * Math.max(0, Math.floor(n)));
  return {
    seed: start,
    next,
    chance: (p) => (p >= 1 ? true : p <= 0 ? false : next() < p),
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError("Rng.pick: the list is empty; give at least one item.");
      return items[int(items.length)]!;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    fork: (...label) => createRng(deriveSeed(start, ...label)),
  };
}
