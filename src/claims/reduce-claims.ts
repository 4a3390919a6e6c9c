import type { z } from "zod/v4";
import {
  ClaimInputSchema,
  ClaimSchema,
  ClaimVerdictsSchema,
  PROBABILITY_EPSILON,
  totalProbability,
  type Claim,
  type ClaimsUpdate,
  type ClaimVerification,
} from "./claim-schema.js";
import { childPositionsOf, deriveIndex, positionOf } from "./claims-index.js";
import { fastClaimInput, fastVerdicts } from "./fast-parse.js";
import { resolveClaimsOptions, type ClaimsOptions, type ResolvedClaimsOptions } from "./claims-options.js";
import { InvalidClaimError, preview } from "./errors.js";
import { batchPayload, checkSeal, fingerprint, seal, verificationPayload, versionOf, type ClaimVersion } from "./seal.js";
import { quote } from "../internal/quote.js";
import { isClaimVerdicts } from "./verdicts.js";

/**
 * The confidence a yellow claim lends its descendants at most: a claim that is neither
 * entailed nor contradicted is a coin toss for what is built on it. A red claim lends 0.
 */
export const YELLOW_CAP = 0.5;

/** What the caller vouches for when previewing an update (see {@link reduceClaims}). */
export interface ReduceContext {
  /** @internal Batches sealed by the caller in this same synchronous call. */
  readonly sealedNow?: ReadonlySet<object>;
  /**
   * The node that writes the update. An unsealed verdict batch signed with this name is
   * accepted (the verifications it records are not sealed, so the result cannot be handed on
   * to another run). The channel itself never trusts a name: it needs a seal.
   * @default undefined (unsealed verdict batches are rejected, as in the channel)
   */
  readonly writer?: string;
}

const NEW_CLAIM_STATUS =
  '"unverified": a new claim starts unverified, and only a verifier\'s verdict (claimVerdicts) sets green, yellow or red';

/**
 * Applies one claims update to the stored claims and returns the new array (or `current`
 * itself when nothing changed). Pure: `current` is never mutated. This is the channel's
 * reducer; call it directly to preview what an update would do.
 *
 * Rules, checked for the whole update before anything is applied:
 * - every new claim matches `ClaimInputSchema` and its `confidence` plus alternatives is ≤ 1;
 * - `origin.basedOn` names claims already stored or earlier in the same update (so the
 *   lineage graph is acyclic and never dangles);
 * - a new claim is `"unverified"`, unless it is handed on: a stored claim from another run or
 *   graph whose verdict history carries the channel's seals (see `claimVerdicts`) keeps its
 *   status when every seal is valid here and its latest verifier is accepted, else it is stored
 *   unverified; a forged or edited history is rejected;
 * - a stored claim written again must be unchanged (claims are immutable — derive a new claim
 *   instead), more doubtful, or carry its sealed verdict history extended elsewhere (a
 *   subgraph's output);
 * - only a verdict batch (`claimVerdicts`) changes a status: it must be sealed by its writer's
 *   node-time check (or, in a preview, signed by `context.writer`), by an accepted verifier who
 *   is not the claim's author, for the version of each claim it judges (a replayed batch is
 *   rejected once the claim has been judged since); a verdict that lifts a claim (to green, or red → yellow) cites
 *   evidence that exists (the batch's `fetched`, or the claim's `origin.ref`) and at least one
 *   item no earlier verdict on that claim cited. A batch sealed under another key (saved by a
 *   process that died, without `FIREBREAK_CLAIMS_KEY`) changes no status and flags its claims.
 *
 * What the channel fills in: a missing `id` (deterministic: position and content), a missing
 * `origin.at` (the clock), `requiresVerification`, the verdict history and the confidence cap:
 * - **Doubt reaches every descendant.** A claim is stored with `requiresVerification: true`
 *   when its author asked for it or any parent is not green or requires verification. A red
 *   or yellow verdict (on a green claim too) reaches every claim derived from the judged one,
 *   however deep: each loses green (back to `"unverified"`, its lost verdict kept in
 *   `verifiedBy`), requires verification and is capped again. A green verdict clears the flag
 *   on the judged claim only, and not while any of its ancestors is red or yellow.
 * - **Confidence is capped by the parents.** A derived claim is at best as likely as the
 *   conjunction of its parents, and P(A∧B) ≤ min(P(A), P(B)) (the Fréchet bound, which needs
 *   no independence assumption): `confidence = min(stated, what each parent lends)`, where a
 *   parent lends its confidence, at most {@link YELLOW_CAP} when yellow and 0 when red; the
 *   stated value is kept in `statedConfidence` when the cap lowered it. A cap is never lifted.
 * - **Taint is inherited.** A claim's `taint` is the union of its own and its parents'.
 *
 * Cost: O(size of the update + descendants of claims judged red or yellow), plus one copy of
 * the array of references when something changed, and one HMAC per sealed batch and per
 * verdict applied. Throws {@link InvalidClaimError} naming the item, the field, what was
 * expected and, for verdicts, the verifier.
 *
 * @example
 * ```ts
 * const next = reduceClaims(state.claims, [
 *   { id: "c2", text: "Revenue grew 12%", origin: { agent: "analyst", source: "model", basedOn: ["c1"] }, confidence: 0.8 },
 * ]);
 * const { added, changed } = claimsChanges(state.claims, next);
 * ```
 */
export function reduceClaims(
  current: readonly Claim[],
  update: ClaimsUpdate,
  options?: ClaimsOptions | ResolvedClaimsOptions,
  context: ReduceContext = {},
): Claim[] {
  return applyUpdate(current ?? [], update, resolveClaimsOptions(options, "reduceClaims"), context);
}

/**
 * Internal: validates and applies `update` at node time (before LangGraph records the write)
 * and remembers the result, so the channel's reducer does not redo the work when it applies
 * the same update object to the same base array.
 */
export function precheckClaimsUpdate(
  current: readonly Claim[],
  update: ClaimsUpdate,
  options: ResolvedClaimsOptions,
  sealedNow?: ReadonlySet<object>,
): Claim[] {
  // `sealedNow`: batches the caller sealed a moment ago in the same synchronous call (nothing
  // could alter them since), so their seals need no second HMAC here.
  const result = applyUpdate(current, update, options, sealedNow === undefined ? {} : { sealedNow });
  if (typeof update === "object" && update !== null) {
    memo.set(update, { base: current, options, items: Array.isArray(update) ? update.slice() : undefined, result });
  }
  return result;
}

/** Internal: the channel's reducer, reusing a node-time result when one matches. */
export function applyClaimsUpdate(
  current: readonly Claim[],
  update: ClaimsUpdate,
  options: ResolvedClaimsOptions,
): Claim[] {
  const base = current ?? [];
  if (typeof update === "object" && update !== null) {
    const hit = memo.get(update);
    if (hit !== undefined) {
      memo.delete(update);
      if (hit.base === base && hit.options === options && sameItems(hit.items, update)) return hit.result;
    }
  }
  return applyUpdate(base, update, options);
}

/**
 * Internal: the checks that need no stored claims (shapes, ranges, statuses of new claims,
 * verdict batches and the verifier allow-list). Items that parse as stored claims are left
 * to the reducer, which alone can tell an unchanged stored claim from a forged status.
 */
export function checkClaimsUpdateShape(update: ClaimsUpdate, options: ResolvedClaimsOptions): void {
  if (update === undefined || update === null) return;
  const items: readonly unknown[] = Array.isArray(update) ? update : [update];
  const probe = new Transaction([], options);
  for (let i = 0; i < items.length; i++) {
    const item = objectItem(items[i], i);
    if (isClaimVerdicts(item)) probe.checkVerdictBatch(i, item);
    else if (!ClaimSchema.safeParse(item).success) probe.checkNewClaimShape(i, item as Record<string, unknown>);
  }
}

/** An update item as an object, or the error naming its index. */
function objectItem(item: unknown, index: number): object {
  if (typeof item === "object" && item !== null && !Array.isArray(item)) return item;
  throw new InvalidClaimError({
    index,
    field: "(item)",
    expected: "a claim object or a verdict batch built with claimVerdicts()",
    received: preview(item),
  });
}

const memo = new WeakMap<
  object,
  { base: readonly Claim[]; options: ResolvedClaimsOptions; items: readonly unknown[] | undefined; result: Claim[] }
>();

function sameItems(items: readonly unknown[] | undefined, update: object): boolean {
  if (items === undefined) return !Array.isArray(update);
  if (!Array.isArray(update) || update.length !== items.length) return false;
  for (let i = 0; i < items.length; i++) if (items[i] !== update[i]) return false;
  return true;
}

function applyUpdate(current: readonly Claim[], update: ClaimsUpdate, opts: ResolvedClaimsOptions, context: ReduceContext = {}): Claim[] {
  if (update === undefined || update === null) return current as Claim[];
  const items: readonly unknown[] = Array.isArray(update) ? update : [update];
  if (items.length === 0) return current as Claim[];
  const txn = new Transaction(current, opts, context);
  for (let i = 0; i < items.length; i++) {
    const item = objectItem(items[i], i);
    if (isClaimVerdicts(item)) txn.applyVerdicts(i, item);
    else txn.addClaim(i, item as Record<string, unknown>);
  }
  return txn.commit();
}

/** The pending effect of one update: appended claims and in-place replacements. */
class Transaction {
  private readonly added: Claim[] = [];
  private readonly addedIds = new Map<string, number>();
  private readonly addedChildren = new Map<string, number[]>();
  private readonly replaced = new Map<number, Claim>();
  /** Position → the version a verdict of this update first found it at. */
  private readonly judgedVersions = new Map<number, ClaimVersion>();
  /** Seals of the verdict batches applied in this update: a batch applies once. */
  private readonly appliedSeals = new Set<string>();
  private stamp: string | undefined;

  constructor(
    private readonly current: readonly Claim[],
    private readonly opts: ResolvedClaimsOptions,
    private readonly context: ReduceContext = {},
  ) {}

  private now(): string {
    return (this.stamp ??= this.opts.now().toISOString());
  }

  private position(id: string): number {
    const added = this.addedIds.get(id);
    return added === undefined ? positionOf(this.current, id) : this.current.length + added;
  }

  private at(position: number): Claim {
    const n = this.current.length;
    return position >= n ? this.added[position - n]! : (this.replaced.get(position) ?? this.current[position]!);
  }

  private set(position: number, claim: Claim): void {
    const n = this.current.length;
    if (position >= n) this.added[position - n] = claim;
    else this.replaced.set(position, claim);
  }

  private children(id: string): number[] {
    const stored = childPositionsOf(this.current, id);
    const added = this.addedChildren.get(id);
    return added === undefined ? stored : stored.concat(added);
  }

  addClaim(index: number, raw: Record<string, unknown>): void {
    const rawId = typeof raw["id"] === "string" && raw["id"].length > 0 ? raw["id"] : undefined;
    if (rawId !== undefined) {
      const position = this.position(rawId);
      if (position >= 0) {
        const stored = this.at(position);
        if (raw !== stored && raw !== this.current[position]) this.reconcile(index, raw, stored, position);
        return;
      }
    }
    if (isHandedOn(raw)) {
      this.importClaim(index, raw, rawId);
      return;
    }
    const input = this.checkNewClaimShape(index, raw);
    const { basedOn, cap, doubt, taint } = this.lineageOf(index, rawId, input.origin.basedOn, input.requiresVerification, input.taint);

    const position = this.current.length + this.added.length;
    const id = rawId ?? this.freshId(position, input.origin.agent, input.text);
    const confidence = Math.min(input.confidence, cap);
    // Built field by field (not with conditional spreads): this runs once per claim written.
    const origin: Claim["origin"] = { agent: input.origin.agent, source: input.origin.source, at: "", basedOn };
    if (input.origin.ref !== undefined) origin.ref = input.origin.ref;
    origin.at = input.origin.at ?? this.now();
    const claim: Claim = { id, text: input.text, origin, confidence, alternatives: input.alternatives, requiresVerification: doubt, status: "unverified" };
    if (input.value !== undefined) claim.value = input.value;
    if (confidence < input.confidence) claim.statedConfidence = input.confidence;
    if (taint !== undefined && taint.size > 0) claim.taint = [...taint].sort();
    if (input.meta !== undefined) claim.meta = input.meta;
    this.append(claim);
  }

  private append(claim: Claim): void {
    const position = this.current.length + this.added.length;
    this.addedIds.set(claim.id, this.added.length);
    this.added.push(claim);
    for (const parent of claim.origin.basedOn) {
      const list = this.addedChildren.get(parent);
      if (list === undefined) this.addedChildren.set(parent, [position]);
      else list.push(position);
    }
  }

  /** The parents' effect on a new claim: the cap on its confidence, doubt, inherited taint. */
  private lineageOf(
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

  /**
   * A stored claim written by someone else's channel (an earlier run, another graph, a
   * subgraph's output): kept with its verdict history when every verification in it carries
   * a valid seal of this deployment, else stored as unverified (its history kept as record).
   */
  private importClaim(index: number, raw: Record<string, unknown>, rawId: string | undefined): void {
    const record = chainOf(raw as Claim);
    if (record.length === 0) {
      throw new InvalidClaimError({ index, claimId: rawId, field: "status", expected: NEW_CLAIM_STATUS, received: preview(raw["status"]) });
    }
    const unsealed = record.findIndex((e) => typeof e !== "object" || e === null || e.seal === undefined);
    if (unsealed >= 0) {
      throw new InvalidClaimError({
        index,
        claimId: rawId,
        field: unsealed === record.length - 1 ? "verifiedBy" : `history[${unsealed}]`,
        expected:
          "no value: only a verifier's verdict (claimVerdicts) records who verified a claim. A claim handed on from an earlier run " +
          "or another graph keeps its verdict history only with the channel's seal on every verdict (pass the stored claims as they are)",
        received: preview(record[unsealed]),
      });
    }
    const parsed = ClaimSchema.safeParse(raw);
    if (!parsed.success) throw fromZodError(index, rawId, raw, parsed.error, "Handed-on claim rejected");
    const c = parsed.data;
    const lin = this.lineageOf(index, c.id, c.origin.basedOn, c.requiresVerification, c.taint);
    const entries = chainOf(c);
    const trusted = this.checkChain(index, c, entries, 0);
    const last = entries[entries.length - 1];
    if (c.status !== "unverified" && c.status !== last?.status) {
      throw new InvalidClaimError(
        {
          index,
          claimId: c.id,
          field: "status",
          expected: `"unverified" or the status its latest verdict gave (${last?.status === undefined ? "it has none" : `"${last.status}"`}): a status comes only from a verifier's verdict`,
          received: preview(c.status),
        },
        { context: "Handed-on claim rejected" },
      );
    }
    let status = trusted ? c.status : "unverified";
    if (status === "green" && lin.doubt) status = "unverified";
    const confidence = Math.min(c.confidence, lin.cap);
    const claim: Claim = {
      ...c,
      origin: { ...c.origin, basedOn: lin.basedOn },
      confidence,
      status,
      requiresVerification: status === "green" ? false : c.requiresVerification || lin.doubt || status !== "unverified" || status !== c.status,
    };
    if (confidence < c.confidence && claim.statedConfidence === undefined) claim.statedConfidence = c.confidence;
    if (lin.taint !== undefined && lin.taint.size > 0) claim.taint = [...lin.taint].sort();
    this.append(claim);
  }

  /**
   * Checks the seals of `entries[from…]` (chained to `entries[from-1]`). True when all are
   * valid seals of this deployment by an accepted verifier; false when one was sealed under
   * another key or not at all (the record is kept, but proves nothing here). A seal of this
   * key that does not match its record was forged or altered: rejected.
   */
  private checkChain(index: number, claim: Claim, entries: readonly ClaimVerification[], from: number): boolean {
    if (entries.length === 0) return false;
    const print = fingerprint(claim);
    let trusted = true;
    for (let i = from; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.seal === undefined || e.status === undefined) {
        trusted = false;
        continue;
      }
      const check = checkSeal(e.seal, verificationPayload(print, e, i === 0 ? undefined : entries[i - 1]!.seal));
      if (check === "invalid") {
        throw new InvalidClaimError(
          {
            index,
            claimId: claim.id,
            field: i === entries.length - 1 ? "verifiedBy.seal" : `history[${i}].seal`,
            expected: "the seal the channel minted for this verdict on this claim: the record, the claim or the order of its history was altered",
            received: preview(e),
            verifier: e.verifier,
          },
          { context: "Handed-on claim rejected" },
        );
      }
      if (check === "foreign") trusted = false;
    }
    const latest = entries[entries.length - 1]!;
    if (this.opts.verifiers !== undefined && !this.opts.verifiers.has(latest.verifier)) trusted = false;
    return trusted;
  }

  /** A stored claim written again: unchanged, more doubtful, or with its sealed verdict history extended elsewhere. */
  private reconcile(index: number, raw: Record<string, any>, stored: Claim, position: number): void {
    checkImmutable(index, raw, stored);
    const status = raw["status"] ?? "unverified";
    const mine = chainOf(stored);
    const theirs = Array.isArray(raw["history"]) || raw["verifiedBy"] !== undefined ? chainOf(raw as Claim) : [];
    const prefix = mine.every((e, i) => theirs[i] !== undefined && sameRecord(e, theirs[i]!));
    if (!prefix || theirs.length < mine.length) {
      throw new InvalidClaimError({
        index,
        claimId: stored.id,
        field: "verifiedBy",
        expected: `the stored verdict history of claim ${quote(stored.id, 60)} (${mine.length} verdict(s)), or that history extended by sealed verdicts: a verdict is recorded only by the channel`,
        received: preview(raw["verifiedBy"]),
      });
    }
    if (theirs.length === mine.length) {
      if (status === stored.status) return checkConfidence(index, raw, stored);
      if (status === "unverified") return this.doubtClaim(position, Math.min(stored.confidence, numberOr(raw["confidence"], stored.confidence)));
      throw new InvalidClaimError({
        index,
        claimId: stored.id,
        field: "status",
        expected: `"${stored.status}" (the stored status): a status changes only through a verifier's verdict (claimVerdicts)`,
        received: preview(raw["status"]),
      });
    }
    const parsed = ClaimSchema.safeParse(raw);
    if (!parsed.success) throw fromZodError(index, stored.id, raw, parsed.error, "Handed-on claim rejected");
    const c = parsed.data;
    const trusted = this.checkChain(index, { ...c, origin: stored.origin }, theirs, mine.length);
    const last = theirs[theirs.length - 1]!;
    if (c.status !== "unverified" && c.status !== last.status) {
      throw new InvalidClaimError({
        index,
        claimId: c.id,
        field: "status",
        expected: `"unverified" or "${last.status}" (what its latest verdict said)`,
        received: preview(c.status),
      });
    }
    if (!trusted) return this.doubtClaim(position, stored.confidence);
    const doubt = this.lineageOf(index, c.id, stored.origin.basedOn, false, undefined);
    const next = c.status === "green" && doubt.doubt ? "unverified" : c.status;
    this.set(position, {
      ...stored,
      status: next,
      requiresVerification: next !== "green",
      confidence: Math.min(stored.confidence, c.confidence),
      verifiedBy: last,
      history: theirs.slice(0, -1),
    });
    if (next !== "green") this.spreadDoubt(position);
  }

  /** Doubt reached a stored claim: it loses green, requires verification, and so does everything built on it. */
  private doubtClaim(position: number, confidence: number): void {
    const claim = this.at(position);
    const next: Claim = { ...claim, status: claim.status === "green" ? "unverified" : claim.status, requiresVerification: true, confidence: Math.min(claim.confidence, confidence) };
    if (next.confidence < claim.confidence && next.statedConfidence === undefined) next.statedConfidence = claim.confidence;
    this.set(position, next);
    this.spreadDoubt(position);
  }

  /**
   * True when an ancestor of `claim` is red or yellow. The channel keeps two facts that bound
   * the walk: a claim with a red ancestor has confidence 0 and one with a yellow ancestor at
   * most {@link YELLOW_CAP} (the cap reaches every descendant), and it requires verification.
   * So a claim above the cap, or not flagged, has no such ancestor: the walk never enters it.
   * O(flagged ancestors at or below the cap); none for a claim above it.
   */
  private restsOnDoubt(claim: Claim): boolean {
    if (claim.confidence > YELLOW_CAP) return false;
    const seen = new Set<number>();
    const stack: number[] = [];
    const visit = (c: Claim) => {
      for (const id of c.origin.basedOn) {
        const p = this.position(id);
        if (p >= 0 && !seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
      }
    };
    visit(claim);
    while (stack.length > 0) {
      const parent = this.at(stack.pop()!);
      if (parent.status === "red" || parent.status === "yellow") return true;
      if (parent.requiresVerification && parent.confidence <= YELLOW_CAP) visit(parent);
    }
    return false;
  }

  /**
   * Doubt reaches every descendant of the claim at `from`, however deep: each loses green
   * (it becomes `"unverified"` again, keeping its verdict history), requires verification, and
   * is capped by its parents' effective confidence (red 0, yellow ≤ {@link YELLOW_CAP}).
   * A claim is revisited only when its confidence fell, so the walk ends; O(descendants).
   */
  private spreadDoubt(from: number): void {
    const seen = new Set<number>();
    const stack = [from];
    while (stack.length > 0) {
      const parent = this.at(stack.pop()!);
      for (const p of this.children(parent.id)) {
        const child = this.at(p);
        let cap = 1;
        for (const id of child.origin.basedOn) {
          const q = this.position(id);
          if (q >= 0) cap = Math.min(cap, effectiveConfidence(this.at(q)));
        }
        const confidence = Math.min(child.confidence, cap);
        const status = child.status === "green" ? "unverified" : child.status;
        const changed = confidence < child.confidence || status !== child.status || !child.requiresVerification;
        if (changed) {
          const next: Claim = { ...child, status, requiresVerification: true, confidence };
          if (confidence < child.confidence && next.statedConfidence === undefined) next.statedConfidence = child.confidence;
          this.set(p, next);
        }
        if (changed || !seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
      }
    }
  }

  /** Checks a new claim's shape and ranges; returns it parsed (defaults applied). */
  checkNewClaimShape(index: number, raw: Record<string, unknown>): z.output<typeof ClaimInputSchema> {
    const id = typeof raw["id"] === "string" && raw["id"].length > 0 ? raw["id"] : undefined;
    if (raw["status"] !== undefined && raw["status"] !== "unverified") {
      throw new InvalidClaimError({
        index,
        claimId: id,
        field: "status",
        expected: NEW_CLAIM_STATUS,
        received: preview(raw["status"]),
      });
    }
    if (raw["verifiedBy"] !== undefined) {
      throw new InvalidClaimError({
        index,
        claimId: id,
        field: "verifiedBy",
        expected: "no value: only a verifier's verdict (claimVerdicts) records who verified a claim",
        received: preview(raw["verifiedBy"]),
      });
    }
    let input = fastClaimInput(raw);
    if (input === undefined) {
      const parsed = ClaimInputSchema.safeParse(raw);
      if (!parsed.success) throw fromZodError(index, id, raw, parsed.error);
      input = parsed.data;
    }
    const total = totalProbability(input);
    if (total > 1 + PROBABILITY_EPSILON) {
      throw new InvalidClaimError({
        index,
        claimId: id,
        field: "alternatives",
        expected: "confidence plus the alternatives' confidences to be at most 1 (they are probabilities of exclusive answers)",
        received: `a total of ${round(total)}`,
      });
    }

    return input;
  }

  /** Checks a verdict batch's shape and verifier; returns it parsed (defaults applied). */
  checkVerdictBatch(index: number, raw: object): z.output<typeof ClaimVerdictsSchema> {
    let batch = fastVerdicts(raw as Record<string, unknown>);
    if (batch === undefined) {
      const parsed = ClaimVerdictsSchema.safeParse(raw);
      if (!parsed.success) throw fromZodError(index, undefined, raw, parsed.error);
      batch = parsed.data;
    }
    const { verifiers } = this.opts;
    if (verifiers !== undefined && !verifiers.has(batch.verifier)) {
      throw new InvalidClaimError({
        index,
        field: "verifier",
        claimId: batch.verdicts[0]?.id,
        expected: `one of the channel's verifiers (${preview([...verifiers])})`,
        received: preview(batch.verifier),
        verifier: batch.verifier,
      });
    }
    const judged = new Set<string>();
    batch.verdicts.forEach((verdict, j) => {
      if (judged.has(verdict.id)) {
        throw new InvalidClaimError({
          index,
          claimId: verdict.id,
          field: `verdicts[${j}].id`,
          expected: "one verdict per claim in a batch (this claim was already judged earlier in the batch)",
          received: preview(verdict.id),
        });
      }
      judged.add(verdict.id);
    });
    return batch;
  }

  applyVerdicts(index: number, raw: object): void {
    const batch = this.checkVerdictBatch(index, raw);
    const { allowSelfVerification } = this.opts;
    const positions = batch.verdicts.map((verdict, j) => {
      const position = this.position(verdict.id);
      if (position < 0) {
        throw new InvalidClaimError({
          index,
          claimId: verdict.id,
          field: `verdicts[${j}].id`,
          expected: "the id of a claim already in state or earlier in this update",
          received: preview(verdict.id),
          verifier: batch.verifier,
        });
      }
      return position;
    });
    // The version of each judged claim the batch was made on: as the claim stood before any
    // batch of this update changed it (two batches of one update judge the same version).
    const versions = positions.map((p) => this.judgedVersions.get(p) ?? versionOf(this.at(p)));
    if (batch.seal !== undefined) {
      const key = JSON.stringify(batch.seal);
      if (this.appliedSeals.has(key)) {
        throw new InvalidClaimError({
          index,
          claimId: batch.verdicts[0]?.id,
          field: "seal",
          expected: "a verdict batch that has not been applied already in this update (a sealed batch applies once)",
          received: "a second copy of a batch applied earlier in this update",
          verifier: batch.verifier,
        });
      }
      this.appliedSeals.add(key);
    }
    const sealed = this.context.sealedNow?.has(raw) ? true : this.authority(index, batch, positions, versions);
    if (sealed === "unconfirmed") {
      // Sealed under another key: a verdict saved by a process that died, re-applied here
      // without FIREBREAK_CLAIMS_KEY (or a forgery with a made-up key). It proves nothing, so it
      // changes no status; the claims it judged are flagged to be verified again.
      for (const position of positions) {
        const claim = this.at(position);
        if (claim.status !== "green" && !claim.requiresVerification) this.set(position, { ...claim, requiresVerification: true });
      }
      return;
    }
    const at = batch.at ?? this.now();
    const fetched = new Set(batch.fetched ?? []);
    batch.verdicts.forEach((verdict, j) => {
      const position = positions[j]!;
      const claim = this.at(position);
      if (!allowSelfVerification && claim.origin.agent === batch.verifier) {
        throw new InvalidClaimError({
          index,
          claimId: verdict.id,
          field: "verifier",
          expected: `a verifier other than the claim's author ${quote(claim.origin.agent, 60)} (self-verification adds no information; set allowSelfVerification to permit it)`,
          received: preview(batch.verifier),
          verifier: batch.verifier,
        });
      }
      const upgrade = verdict.status === "green" ? claim.status !== "green" : claim.status === "red" && verdict.status === "yellow";
      if (upgrade) checkEvidence(index, j, batch.verifier, claim, verdict, fetched);
      const verification: ClaimVerification = { verifier: batch.verifier, at, reason: verdict.reason, evidence: [...verdict.evidence], status: verdict.status };
      if (batch.task !== undefined) verification.task = batch.task;
      if (sealed) verification.seal = seal(verificationPayload(fingerprint(claim), verification, claim.verifiedBy?.seal));
      const next: Claim = { ...claim, requiresVerification: verdict.status !== "green", status: verdict.status, verifiedBy: verification };
      if (claim.verifiedBy !== undefined) next.history = [...(claim.history ?? []), claim.verifiedBy];
      // Green clears the flag only when no ancestor is red or yellow: doubt is not lifted by
      // re-greening a claim that still rests on a refuted one (its cap is never lifted either).
      if (verdict.status === "green" && this.restsOnDoubt(next)) next.requiresVerification = true;
      if (!this.judgedVersions.has(position)) this.judgedVersions.set(position, versions[j]!);
      this.set(position, next);
      if (verdict.status !== "green") this.spreadDoubt(position);
    });
  }

  /**
   * Who vouches for a verdict batch: its seal (checked against the batch and the claims it
   * judges), or — in a preview only — the caller's `writer`. Returns whether the verdicts
   * it records are sealed, or `"unconfirmed"` for a seal of another key.
   */
  private authority(
    index: number,
    batch: z.output<typeof ClaimVerdictsSchema>,
    positions: readonly number[],
    versions: readonly ClaimVersion[],
  ): boolean | "unconfirmed" {
    if (batch.seal === undefined) {
      if (this.context.writer !== undefined && this.context.writer === batch.verifier) return false;
      throw new InvalidClaimError({
        index,
        claimId: batch.verdicts[0]?.id,
        field: "seal",
        expected:
          `a verdict batch sealed where its writer is known: a verdict counts only when the node the graph declares as verifier ${quote(batch.verifier, 60)} writes it. ` +
          `In zod or StateSchema state the channel checks the writing node itself; in Annotation.Root wrap the verifier node with ` +
          `withWriteContract(node, { allowed: [...], role: "verifier" }), or use createChallenger's node or a BICR guard`,
        received: "an unsealed batch (from a node the reducer cannot identify, the graph input, or a state edit)",
        verifier: batch.verifier,
      });
    }
    const made = batch.versions;
    if (made !== undefined) {
      for (let j = 0; j < versions.length; j++) {
        if (made[j] === versions[j]![0]) continue;
        const id = batch.verdicts[j]!.id;
        throw new InvalidClaimError({
          index,
          claimId: id,
          field: `versions[${j}]`,
          expected:
            `a verdict batch made on the claim as it stands (${versions[j]![0]} verdict(s) so far): a sealed batch applies once, to the ` +
            `version of the claim its verifier judged, so a batch replayed after the claim was judged again (copied from a stream, a ` +
            `checkpoint, updateState or another node) is rejected. Let verifier ${quote(batch.verifier, 60)} judge the claim again`,
          received: `a batch made when the claim had ${made[j] ?? "?"} verdict(s)`,
          verifier: batch.verifier,
        });
      }
    }
    const check = checkSeal(batch.seal, batchPayload(batch, positions.map((p) => fingerprint(this.at(p))), versions));
    if (check === "foreign") return "unconfirmed";
    if (check === "invalid") {
      throw new InvalidClaimError({
        index,
        claimId: batch.verdicts[0]?.id,
        field: "seal",
        expected: `the seal minted for this very batch by verifier ${quote(batch.verifier, 60)}: the batch or a claim it judges was altered, or the seal was copied from another batch`,
        received: preview(batch.seal),
        verifier: batch.verifier,
      });
    }
    return true;
  }

  private freshId(position: number, agent: string, text: string): string {
    const base = `claim-${position}-${fnv1a(`${agent}\u0000${text}`)}`;
    let id = base;
    for (let k = 2; this.position(id) >= 0; k++) id = `${base}-${k}`;
    return id;
  }

  commit(): Claim[] {
    if (this.added.length === 0 && this.replaced.size === 0) return this.current as Claim[];
    // One exact-size allocation: slice-then-push would copy a large array twice.
    const next = this.current.concat(this.added);
    for (const [position, claim] of this.replaced) next[position] = claim;
    deriveIndex(this.current, next);
    return next;
  }
}

/** Fields compared when a stored claim is written again; the first difference is reported. */
const IMMUTABLE_FIELDS: readonly [string, (c: Record<string, any>) => unknown][] = [
  ["text", (c) => c["text"]],
  ["value", (c) => c["value"] ?? null],
  ["origin.agent", (c) => c["origin"]?.agent],
  ["origin.source", (c) => c["origin"]?.source],
  ["origin.ref", (c) => c["origin"]?.ref ?? null],
  ["origin.basedOn", (c) => c["origin"]?.basedOn ?? []],
  ["alternatives", (c) => c["alternatives"] ?? []],
];

function immutableNote(id: string): string {
  const q = quote(id, 60);
  return `(claim ${q} is already stored and claims are immutable: write a new claim with basedOn: [${q}] instead)`;
}

function checkImmutable(index: number, raw: Record<string, any>, stored: Claim): void {
  const id = stored.id;
  for (const [field, get] of IMMUTABLE_FIELDS) {
    const want = get(stored as Record<string, any>);
    const got = get(raw);
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      throw new InvalidClaimError({ index, claimId: id, field, expected: `${preview(want)} ${immutableNote(id)}`, received: preview(got) });
    }
  }
  const at = raw["origin"]?.at;
  if (at !== undefined && at !== stored.origin.at) {
    throw new InvalidClaimError({ index, claimId: id, field: "origin.at", expected: `${preview(stored.origin.at)} ${immutableNote(id)}`, received: preview(at) });
  }
}

function checkConfidence(index: number, raw: Record<string, any>, stored: Claim): void {
  const confidence = raw["confidence"];
  if (confidence !== stored.confidence && confidence !== stored.statedConfidence) {
    throw new InvalidClaimError({
      index,
      claimId: stored.id,
      field: "confidence",
      expected: `${stored.confidence} ${immutableNote(stored.id)}`,
      received: preview(confidence),
    });
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && value >= 0 && value <= 1 ? value : fallback;
}

/** A claim's verdict history, oldest first, the latest verdict last. */
function chainOf(claim: { readonly history?: readonly ClaimVerification[] | undefined; readonly verifiedBy?: ClaimVerification | undefined }): ClaimVerification[] {
  const history = Array.isArray(claim.history) ? claim.history : [];
  return claim.verifiedBy === undefined || claim.verifiedBy === null ? [...history] : [...history, claim.verifiedBy];
}

function sameRecord(a: ClaimVerification, b: ClaimVerification): boolean {
  if (a.seal !== undefined || b.seal !== undefined) return a.seal?.mac === b.seal?.mac && a.seal?.k === b.seal?.k;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** True when a new item carries a verification record or a status other than `"unverified"`: a claim handed on. */
function isHandedOn(raw: Record<string, unknown>): boolean {
  return (raw["status"] !== undefined && raw["status"] !== "unverified") || raw["verifiedBy"] !== undefined || raw["history"] !== undefined;
}

/** What a claim lends its descendants at most: red 0, yellow ≤ {@link YELLOW_CAP}, else its confidence. */
export function effectiveConfidence(claim: Claim): number {
  if (claim.status === "red") return 0;
  if (claim.status === "yellow") return Math.min(claim.confidence, YELLOW_CAP);
  return claim.confidence;
}

/**
 * The evidence rule for a verdict that lifts a claim (to green, or red → yellow): it cites
 * evidence, all of it exists (fetched by the verifier in this review, or the claim's own
 * `origin.ref`), and at least one item no earlier verdict on this claim cited.
 */
function checkEvidence(
  index: number,
  j: number,
  verifier: string,
  claim: Claim,
  verdict: { readonly status: string; readonly evidence: readonly string[] },
  fetched: ReadonlySet<string>,
): void {
  // Ids compare without surrounding whitespace, and a blank id is no evidence at all.
  const ref = claim.origin.ref?.trim();
  const found = new Set([...fetched].map((e) => e.trim()).filter((e) => e !== ""));
  const exists = (e: string) => e.trim() !== "" && (found.has(e.trim()) || e.trim() === ref);
  const missing = verdict.evidence.filter((e) => !exists(e));
  if (verdict.evidence.length === 0 || missing.length > 0) {
    throw new InvalidClaimError({
      index,
      claimId: claim.id,
      field: `verdicts[${j}].evidence`,
      expected:
        `evidence that exists — fetched by the verifier in this review (the batch's \`fetched\`: ${preview([...fetched])}) or the claim's origin.ref — ` +
        `to turn a ${claim.status} claim ${verdict.status}${missing.length > 0 ? `; not found: ${preview(missing)}` : ""}`,
      received: preview(verdict.evidence),
      verifier,
    });
  }
  const cited = new Set<string>();
  for (const v of chainOf(claim)) for (const e of v.evidence) cited.add(e.trim());
  if (!verdict.evidence.some((e) => !cited.has(e.trim()))) {
    throw new InvalidClaimError({
      index,
      claimId: claim.id,
      field: `verdicts[${j}].evidence`,
      expected: `at least one evidence reference no earlier verdict on this claim cited (they cited ${preview([...cited])}): a ${claim.status} claim turns ${verdict.status} only on new evidence`,
      received: preview(verdict.evidence),
      verifier,
    });
  }
}

/** Turns the first zod issue into an {@link InvalidClaimError}. */
export function fromZodError(
  index: number,
  claimId: string | undefined,
  raw: unknown,
  error: z.ZodError,
  context?: string,
): InvalidClaimError {
  const issue = closestIssue(error.issues[0]!);
  const path: PropertyKey[] = [...issue.path];
  if (issue.code === "unrecognized_keys") path.push(issue.keys[0]!);
  const field = formatPath(path) || "(item)";
  let expected: string;
  if (issue.code === "unrecognized_keys") expected = "no such field (check its spelling against the schema)";
  else {
    const at = issue.message.indexOf("expected ");
    expected = at >= 0 ? issue.message.slice(at + "expected ".length).replace(/, received .*$/, "") : `a valid value (${issue.message})`;
  }
  return new InvalidClaimError(
    { index, claimId, field, expected, received: preview(valueAt(raw, path)) },
    { cause: error, ...(context === undefined ? {} : { context }) },
  );
}

/**
 * For a union, the first issue of the branch the input came closest to (the first branch whose
 * complaint is not "wrong type at the top"), with its path made absolute: "field text: expected
 * string" says more than "invalid input".
 */
function closestIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((b) => b.length > 0);
  const best = branches.find((b) => !(b[0]!.code === "invalid_type" && b[0]!.path.length === 0)) ?? branches[0];
  if (best === undefined) return issue;
  const inner = closestIssue(best[0]!);
  return { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
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
