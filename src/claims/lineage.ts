import type { Claim } from "./claim-schema.js";
import { childPositionsOf, positionOf } from "./claims-index.js";
import { InvalidClaimError, preview } from "./errors.js";

/** Stored claims, or a state object holding them under `claims`. */
export type ClaimsSource = readonly Claim[] | { readonly claims: readonly Claim[] };

function claimsOf(source: ClaimsSource): readonly Claim[] {
  return Array.isArray(source) ? source : (source as { readonly claims: readonly Claim[] }).claims ?? [];
}

function requirePosition(claims: readonly Claim[], id: string, query: string): number {
  const position = positionOf(claims, id);
  if (position < 0) {
    throw new InvalidClaimError(
      { index: 0, claimId: id, field: "id", expected: `the id of a stored claim (${claims.length} in state)`, received: preview(id) },
      { context: `${query}: unknown claim` },
    );
  }
  return position;
}

/** The stored claim with `id`, or `undefined`. O(1) after the first lookup on an array. */
export function getClaim(source: ClaimsSource, id: string): Claim | undefined {
  const claims = claimsOf(source);
  const position = positionOf(claims, id);
  return position < 0 ? undefined : claims[position];
}

function walk(start: number, next: (position: number) => Iterable<number>): number[] {
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const p of next(stack.pop()!)) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  seen.delete(start);
  return [...seen].sort((a, b) => a - b);
}

function parentPositions(claims: readonly Claim[], position: number): number[] {
  const out: number[] = [];
  for (const id of claims[position]!.origin.basedOn) {
    const p = positionOf(claims, id);
    if (p >= 0) out.push(p);
  }
  return out;
}

/**
 * The ancestors of a claim — every claim it was (transitively) derived from — oldest first,
 * without the claim itself. Throws `InvalidClaimError` for an unknown id.
 *
 * @example
 * ```ts
 * const sources = lineage(state, "c7").filter((c) => c.origin.source === "document");
 * ```
 */
export function lineage(source: ClaimsSource, id: string): Claim[] {
  const claims = claimsOf(source);
  const start = requirePosition(claims, id, "lineage");
  return walk(start, (p) => parentPositions(claims, p)).map((p) => claims[p]!);
}

/**
 * Every claim (transitively) derived from a claim, oldest first, without the claim itself.
 * Costs O(descendants). Throws `InvalidClaimError` for an unknown id.
 */
export function descendants(source: ClaimsSource, id: string): Claim[] {
  const claims = claimsOf(source);
  const start = requirePosition(claims, id, "descendants");
  return walk(start, (p) => childPositionsOf(claims, claims[p]!.id)).map((p) => claims[p]!);
}

/**
 * True when the claim, or any of its ancestors, satisfies `predicate`. Fault injection uses
 * it to decide whether a claim is infected by a planted one (`(c) => c.taint?.includes(id)`,
 * or `(c) => c.id === planted`). Throws `InvalidClaimError` for an unknown id.
 */
export function isDerivedFrom(source: ClaimsSource, id: string, predicate: (claim: Claim) => boolean): boolean {
  const claims = claimsOf(source);
  const start = requirePosition(claims, id, "isDerivedFrom");
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (predicate(claims[p]!)) return true;
    for (const q of parentPositions(claims, p)) {
      if (!seen.has(q)) {
        seen.add(q);
        stack.push(q);
      }
    }
  }
  return false;
}

/**
 * Consensus inertia (arXiv:2603.04474): how many distinct later claims by **other** agents
 * (transitively) build on this claim. Each is a context in which someone treated the claim
 * as settled; for an unverified claim, each one makes a wrong claim harder to dislodge.
 * Throws `InvalidClaimError` for an unknown id.
 *
 * @example
 * ```ts
 * // researcher: c1 (unverified) → analyst builds c2 on it → writer builds c3 on c2
 * confirmingContexts(state, "c1"); // 2
 * ```
 */
export function confirmingContexts(source: ClaimsSource, id: string): number {
  const claims = claimsOf(source);
  const author = claims[requirePosition(claims, id, "confirmingContexts")]!.origin.agent;
  let count = 0;
  for (const claim of descendants(claims, id)) if (claim.origin.agent !== author) count++;
  return count;
}

/** What one claims update changed: claims appended, and stored claims replaced (by verdicts). */
export interface ClaimsChanges {
  /** Claims present in `after` only, oldest first. */
  readonly added: readonly Claim[];
  /** Stored claims whose record changed (status, verification or doubt), before and after. */
  readonly changed: readonly { readonly before: Claim; readonly after: Claim }[];
}

/**
 * Compares two claims arrays where `after` was derived from `before` by the channel
 * (append-only, positions kept). Unchanged claims are usually the same objects, so this
 * costs O(size of `after`) reference comparisons; other pairs are compared by content.
 *
 * @example
 * ```ts
 * const preview = reduceClaims(state.claims, producerUpdate.claims);
 * const { added } = claimsChanges(state.claims, preview); // what the producer would commit
 * ```
 */
export function claimsChanges(before: readonly Claim[], after: readonly Claim[]): ClaimsChanges {
  const changed: { before: Claim; after: Claim }[] = [];
  const n = Math.min(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a !== b && JSON.stringify(a) !== JSON.stringify(b)) changed.push({ before: a, after: b });
  }
  return { added: after.slice(before.length), changed };
}
