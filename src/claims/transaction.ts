/**
 * Internal: the pending effect of one claims update over the stored array (never mutated):
 * appended claims, in-place replacements, and what its verdict batches have judged. The steps
 * of `applyUpdate` (new claims, handed-on claims, verdict batches, doubt) read and write through
 * it; `commit` makes the new array.
 */
import type { Claim } from "./claim-schema.js";
import { childPositionsOf, deriveIndex, positionOf } from "./claims-index.js";
import type { ResolvedClaimsOptions } from "./claims-options.js";
import { effectiveConfidence } from "./doubt.js";
import { InvalidClaimError, preview } from "./errors.js";
import type { ReduceContext } from "./reduce-claims.js";
import type { ClaimVersion } from "./seal.js";
import { storedClaim } from "./frozen.js";

/** The pending effect of one update: appended claims and in-place replacements. */
export class Transaction {
  private readonly added: Claim[] = [];
  private readonly addedIds = new Map<string, number>();
  private readonly addedChildren = new Map<string, number[]>();
  private readonly replaced = new Map<number, Claim>();
  /** Position → the version a verdict of this update first found it at. */
  readonly judgedVersions = new Map<number, ClaimVersion>();
  /** The MACs of the verdict batches applied in this update: a batch applies once. */
  readonly appliedSeals = new Set<string>();
  private stamp: string | undefined;

  constructor(
    readonly current: readonly Claim[],
    readonly opts: ResolvedClaimsOptions,
    readonly context: ReduceContext = {},
  ) {}

  /** The channel's clock, read once per update. */
  now(): string {
    return (this.stamp ??= this.opts.now().toISOString());
  }

  /** The position of claim `id` (stored, or added by this update), or -1. */
  position(id: string): number {
    const added = this.addedIds.get(id);
    return added === undefined ? positionOf(this.current, id) : this.current.length + added;
  }

  /** The claim at `position` as this update has it so far. */
  at(position: number): Claim {
    const n = this.current.length;
    return position >= n ? this.added[position - n]! : (this.replaced.get(position) ?? this.current[position]!);
  }

  /** Replaces the claim at `position`. */
  set(position: number, claim: Claim): void {
    const n = this.current.length;
    if (position >= n) this.added[position - n] = claim;
    else this.replaced.set(position, claim);
  }

  /** Positions of the claims that name `id` in `basedOn`. */
  children(id: string): number[] {
    const stored = childPositionsOf(this.current, id);
    const added = this.addedChildren.get(id);
    return added === undefined ? stored : stored.concat(added);
  }

  /** Appends a new claim. */
  append(claim: Claim): void {
    const position = this.current.length + this.added.length;
    this.addedIds.set(claim.id, this.added.length);
    this.added.push(claim);
    for (const parent of claim.origin.basedOn) {
      const list = this.addedChildren.get(parent);
      if (list === undefined) this.addedChildren.set(parent, [position]);
      else list.push(position);
    }
  }

  /** The position the next appended claim gets. */
  nextPosition(): number {
    return this.current.length + this.added.length;
  }

  /** The parents' effect on a new claim: the cap on its confidence, doubt, inherited taint. */
  lineageOf(
    index: number,
    claimId: string | undefined,
    given: readonly string[],
    requested: boolean,
    own: readonly string[] | undefined,
  ): { basedOn: string[]; cap: number; doubt: boolean; taint: Set<string> | undefined } {
    const basedOn = given.length < 2 ? [...given] : [...new Set(given)];
    let cap = 1;
    let doubt = requested;
    let taint: Set<string> | undefined = own === undefined ? undefined : new Set(own);
    for (let j = 0; j < basedOn.length; j++) {
      const parentPosition = this.position(basedOn[j]!);
      if (parentPosition < 0) {
        throw new InvalidClaimError({
          index,
          claimId,
          field: `origin.basedOn[${given.indexOf(basedOn[j]!)}]`,
          expected: "the id of a claim already in state or earlier in this update",
          received: preview(basedOn[j]),
        });
      }
      const parent = this.at(parentPosition);
      const lends = effectiveConfidence(parent);
      if (lends < cap) cap = lends;
      if (parent.status !== "green" || parent.requiresVerification) doubt = true;
      if (parent.taint !== undefined) for (const t of parent.taint) (taint ??= new Set()).add(t);
    }
    return { basedOn, cap, doubt, taint };
  }

  /** A deterministic id for a new claim (position and content), unique in this update. */
  freshId(position: number, agent: string, text: string): string {
    const base = `claim-${position}-${fnv1a(`${agent}\u0000${text}`)}`;
    let id = base;
    for (let k = 2; this.position(id) >= 0; k++) id = `${base}-${k}`;
    return id;
  }

  /** The new array (or the stored one itself when nothing changed). */
  commit(): Claim[] {
    if (this.added.length === 0 && this.replaced.size === 0) return this.current as Claim[];
    // What the channel stores is frozen deep copies: a node cannot edit it in place, and no object
    // a node returned is kept (a later edit of it changes nothing stored).
    // `Array.from` copies a frozen array on V8's fast path; `concat` and `slice` of one take the
    // generic path (~15× slower at 1,000 claims).
    const next = Array.from(this.current);
    for (const claim of this.added) next.push(storedClaim(claim));
    for (const [position, claim] of this.replaced) next[position] = storedClaim(claim);
    deriveIndex(this.current, next);
    return Object.freeze(next) as Claim[];
  }
}

/** 32-bit FNV-1a of a string, base 36: short, stable ids. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
