/**
 * Seeded synthetic digraphs for the topology benchmark, as integer edge lists (the same
 * adjacency goes to the analysis and to the SciPy/networkx anchor).
 */

/** A graph as parallel source/target arrays over nodes 0..n-1. */
export interface EdgeList {
  readonly n: number;
  readonly src: number[];
  readonly dst: number[];
}

/** A linear congruential generator: the same seed gives the same graph everywhere. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function list(n: number, add: (edge: (a: number, b: number) => void, next: () => number) => void, seed: number): EdgeList {
  const src: number[] = [];
  const dst: number[] = [];
  const seen = new Set<number>();
  const edge = (a: number, b: number) => {
    const key = a * n + b;
    if (seen.has(key)) return;
    seen.add(key);
    src.push(a);
    dst.push(b);
  };
  add(edge, random(seed));
  return { n, src, dst };
}

/** Random sparse: every node has two random successors (a giant SCC plus many small ones). */
export function randomSparse(n: number): EdgeList {
  return list(n, (edge, next) => {
    for (let i = 0; i < n; i++) for (let k = 0; k < 2; k++) edge(i, Math.floor(next() * n));
  }, n * 31 + 1);
}

/** DAG-heavy: forward edges to the next 50 nodes, and one back edge per 100 nodes (small cycles). */
export function dagHeavy(n: number): EdgeList {
  return list(n, (edge, next) => {
    for (let i = 0; i < n - 1; i++) {
      for (let k = 0; k < 3; k++) edge(i, Math.min(n - 1, i + 1 + Math.floor(next() * 50)));
      if (i % 100 === 99) edge(i, i - 1 - Math.floor(next() * 5));
    }
  }, n * 37 + 2);
}

/** One giant SCC: a ring through every node plus 0–4 random chords per node. */
export function giantScc(n: number): EdgeList {
  return list(n, (edge, next) => {
    for (let i = 0; i < n; i++) {
      edge(i, (i + 1) % n);
      const chords = Math.floor(next() * 5);
      for (let k = 0; k < chords; k++) edge(i, Math.floor(next() * n));
    }
  }, n * 41 + 3);
}

/** Periodic, bipartite: layers A and B, every edge A → B or B → A (period 2), irregular degrees. */
export function bipartiteCycle(n: number): EdgeList {
  const h = n >> 1;
  return list(n, (edge, next) => {
    for (let i = 0; i < h; i++) {
      edge(i, h + i);
      edge(h + i, (i + 1) % h);
      const extra = Math.floor(next() * 3);
      for (let k = 0; k < extra; k++) edge(i, h + Math.floor(next() * h));
    }
  }, n * 43 + 4);
}

/** Periodic, a ring of 8 layers: every edge goes to the next layer (period 8), irregular degrees. */
export function layeredRing(n: number, layers = 8): EdgeList {
  const width = Math.floor(n / layers);
  return list(width * layers, (edge, next) => {
    for (let l = 0; l < layers; l++) {
      const to = ((l + 1) % layers) * width;
      for (let i = 0; i < width; i++) {
        edge(l * width + i, to + i);
        const extra = Math.floor(next() * 3);
        for (let k = 0; k < extra; k++) edge(l * width + i, to + Math.floor(next() * width));
      }
    }
  }, n * 47 + 5);
}

/** A plain ring (a single directed cycle: ρ = 1 in closed form). */
export function ring(n: number): EdgeList {
  return list(n, (edge) => {
    for (let i = 0; i < n; i++) edge(i, (i + 1) % n);
  }, 0);
}
