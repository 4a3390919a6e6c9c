/**
 * Internal: an id → position index over claims arrays, cached per array, so lookups and
 * lineage walks cost O(answer) instead of O(state).
 *
 * The stored claims are append-only and a claim keeps its position for ever (a verdict
 * replaces the element at the same position). So one index can serve a whole chain of
 * arrays, each derived from the previous by the reducer: an array only has to reject
 * entries that point past its end or at a different claim. Forks (two arrays derived from
 * the same base, e.g. a previewed update that is then discarded) add their entries to the
 * same index; every lookup validates the position against the array it is asked about, so
 * a fork never sees another fork's claims. Arrays the reducer did not produce (restored
 * from a checkpoint, built by hand) get a fresh index on first use.
 *
 * The parent → children map is only needed by verdicts that spread doubt and by
 * `descendants`, so it is built on first use; an array whose positions are all in it is
 * "covered", and arrays derived from a covered one stay covered.
 */
import type { Claim } from "./claim-schema.js";

interface SharedIndex {
  /** Claim id → its position(s): more than one only when forks put the same id at different places. */
  readonly positions: Map<string, number | number[]>;
  /** Parent id → positions of claims that name it in `basedOn` (in any fork); built lazily. */
  children: Map<string, number[]> | undefined;
  /** Arrays whose every position is in `children`. */
  readonly covered: WeakSet<readonly Claim[]>;
}

const indexes = new WeakMap<readonly Claim[], SharedIndex>();

function addPosition(index: SharedIndex, claim: Claim, position: number): void {
  const known = index.positions.get(claim.id);
  if (known === undefined) index.positions.set(claim.id, position);
  else if (typeof known === "number") {
    if (known !== position) index.positions.set(claim.id, [known, position]);
  } else if (!known.includes(position)) known.push(position);
}

function addChildren(children: Map<string, number[]>, claim: Claim, position: number): void {
  for (const parent of claim.origin.basedOn) {
    const list = children.get(parent);
    if (list === undefined) children.set(parent, [position]);
    else if (list[list.length - 1]! < position || !list.includes(position)) list.push(position);
  }
}

function indexFor(claims: readonly Claim[]): SharedIndex {
  let index = indexes.get(claims);
  if (index === undefined) {
    index = { positions: new Map(), children: undefined, covered: new WeakSet() };
    for (let i = 0; i < claims.length; i++) addPosition(index, claims[i]!, i);
    indexes.set(claims, index);
  }
  return index;
}

function childrenFor(claims: readonly Claim[]): Map<string, number[]> {
  const index = indexFor(claims);
  const children = (index.children ??= new Map());
  if (!index.covered.has(claims)) {
    for (let i = 0; i < claims.length; i++) addChildren(children, claims[i]!, i);
    index.covered.add(claims);
  }
  return children;
}

/** Position of the claim with `id` in `claims`, or -1. */
export function positionOf(claims: readonly Claim[], id: string): number {
  const known = indexFor(claims).positions.get(id);
  if (known === undefined) return -1;
  if (typeof known === "number") return known < claims.length && claims[known]!.id === id ? known : -1;
  for (const p of known) if (p < claims.length && claims[p]!.id === id) return p;
  return -1;
}

/** Positions of the claims in `claims` that name `id` in `basedOn` (unsorted, no duplicates). */
export function childPositionsOf(claims: readonly Claim[], id: string): number[] {
  const list = childrenFor(claims).get(id);
  if (list === undefined) return [];
  const out: number[] = [];
  let seen: Set<number> | undefined;
  for (const p of list) {
    if (p >= claims.length || !claims[p]!.origin.basedOn.includes(id)) continue;
    if (seen?.has(p)) continue;
    (seen ??= new Set()).add(p);
    out.push(p);
  }
  return out;
}

/**
 * Registers `next`, built from `base` by replacing elements in place (same ids) and
 * appending `next.slice(base.length)`, under `base`'s index.
 */
export function deriveIndex(base: readonly Claim[], next: readonly Claim[]): void {
  const index = indexFor(base);
  const covered = index.children !== undefined && index.covered.has(base);
  for (let i = base.length; i < next.length; i++) {
    addPosition(index, next[i]!, i);
    if (covered) addChildren(index.children!, next[i]!, i);
  }
  if (covered) index.covered.add(next);
  indexes.set(next, index);
}
