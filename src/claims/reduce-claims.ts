import type { z } from "zod/v4";
import {
  ClaimInputSchema,
  ClaimSchema,
  ClaimVerdictsSchema,
  PROBABILITY_EPSILON,
  totalProbability,
  type Claim,
  type ClaimsUpdate,
} from "./claim-schema.js";
import { childPositionsOf, deriveIndex, positionOf } from "./claims-index.js";
import { resolveClaimsOptions, type ClaimsOptions, type ResolvedClaimsOptions } from "./claims-options.js";
import { InvalidClaimError, preview } from "./errors.js";
import { isClaimVerdicts } from "./verdicts.js";

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
 * - a new claim is `"unverified"`; a stored claim written again must be unchanged (claims
 *   are immutable — derive a new claim instead); only a verdict batch (`claimVerdicts`)
 *   changes a status, never on the verifier's own claim, and lifts a red claim only when it
 *   cites evidence the red verdict did not.
 *
 * What the channel fills in: a missing `id` (deterministic: position and content), a missing
 * `origin.at` (the clock), `requiresVerification` and the confidence cap:
 * - **Doubt propagates.** A claim is stored with `requiresVerification: true` when its author
 *   asked for it or any parent is not green; a yellow or red verdict sets it on the judged
 *   claim and on its children that are not green; a green verdict clears it on the judged
 *   claim only. So every non-green claim reached from a non-green ancestor through
 *   non-green claims requires verification, however long the chain.
 * - **Confidence is capped by the parents.** A derived claim is at best as likely as the
 *   conjunction of its parents, and P(A∧B) ≤ min(P(A), P(B)) (the Fréchet bound, which needs
 *   no independence assumption): `confidence = min(stated, parents' confidences)`; the stated
 *   value is kept in `statedConfidence` when the cap lowered it.
 * - **Taint is inherited.** A claim's `taint` is the union of its own and its parents'.
 *
 * Cost: O(size of the update + children of judged claims), plus one copy of the array of
 * references when something changed. Throws {@link InvalidClaimError} naming the item, the
 * field and what was expected.
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
): Claim[] {
  return applyUpdate(current ?? [], update, resolveClaimsOptions(options));
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
): Claim[] {
  const result = applyUpdate(current, update, options);
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

function applyUpdate(current: readonly Claim[], update: ClaimsUpdate, opts: ResolvedClaimsOptions): Claim[] {
  if (update === undefined || update === null) return current as Claim[];
  const items: readonly unknown[] = Array.isArray(update) ? update : [update];
  if (items.length === 0) return current as Claim[];
  const txn = new Transaction(current, opts);
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
  private stamp: string | undefined;

  constructor(
    private readonly current: readonly Claim[],
    private readonly opts: ResolvedClaimsOptions,
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
        if (raw !== stored && raw !== this.current[position]) checkUnchanged(index, raw, stored);
        return;
      }
    }
    const input = this.checkNewClaimShape(index, raw);

    const given = input.origin.basedOn;
    const basedOn = given.length < 2 ? given : [...new Set(given)];
    let cap = 1;
    let doubt = input.requiresVerification;
    let taint: Set<string> | undefined = input.taint === undefined ? undefined : new Set(input.taint);
    for (let j = 0; j < basedOn.length; j++) {
      const parentPosition = this.position(basedOn[j]!);
      if (parentPosition < 0) {
        throw new InvalidClaimError({
          index,
          claimId: rawId,
          field: `origin.basedOn[${given.indexOf(basedOn[j]!)}]`,
          expected: "the id of a claim already in state or earlier in this update",
          received: JSON.stringify(basedOn[j]),
        });
      }
      const parent = this.at(parentPosition);
      if (parent.confidence < cap) cap = parent.confidence;
      if (parent.status !== "green") doubt = true;
      if (parent.taint !== undefined) for (const t of parent.taint) (taint ??= new Set()).add(t);
    }

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
    this.addedIds.set(id, this.added.length);
    this.added.push(claim);
    for (const parent of basedOn) {
      const list = this.addedChildren.get(parent);
      if (list === undefined) this.addedChildren.set(parent, [position]);
      else list.push(position);
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
    const parsed = ClaimInputSchema.safeParse(raw);
    if (!parsed.success) throw fromZodError(index, id, raw, parsed.error);
    const input = parsed.data;
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
    const parsed = ClaimVerdictsSchema.safeParse(raw);
    if (!parsed.success) throw fromZodError(index, undefined, raw, parsed.error);
    const batch = parsed.data;
    const { verifiers } = this.opts;
    if (verifiers !== undefined && !verifiers.has(batch.verifier)) {
      throw new InvalidClaimError({
        index,
        field: "verifier",
        expected: `one of the channel's verifiers (${[...verifiers].map((v) => JSON.stringify(v)).join(", ")})`,
        received: JSON.stringify(batch.verifier),
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
          received: JSON.stringify(verdict.id),
        });
      }
      judged.add(verdict.id);
    });
    return batch;
  }

  applyVerdicts(index: number, raw: object): void {
    const batch = this.checkVerdictBatch(index, raw);
    const { allowSelfVerification } = this.opts;
    const at = batch.at ?? this.now();
    batch.verdicts.forEach((verdict, j) => {
      const position = this.position(verdict.id);
      if (position < 0) {
        throw new InvalidClaimError({
          index,
          claimId: verdict.id,
          field: `verdicts[${j}].id`,
          expected: "the id of a claim already in state or earlier in this update",
          received: JSON.stringify(verdict.id),
        });
      }
      const claim = this.at(position);
      if (!allowSelfVerification && claim.origin.agent === batch.verifier) {
        throw new InvalidClaimError({
          index,
          claimId: verdict.id,
          field: "verifier",
          expected: `a verifier other than the claim's author "${claim.origin.agent}" (self-verification adds no information; set allowSelfVerification to permit it)`,
          received: JSON.stringify(batch.verifier),
        });
      }
      if (claim.status === "red" && verdict.status !== "red") {
        const cited = claim.verifiedBy?.evidence ?? [];
        if (!verdict.evidence.some((e) => !cited.includes(e))) {
          throw new InvalidClaimError({
            index,
            claimId: verdict.id,
            field: `verdicts[${j}].evidence`,
            expected:
              `at least one evidence reference the red verdict did not cite (it cited ${preview(cited)}): ` +
              `a red claim turns ${verdict.status} only on new evidence`,
            received: preview(verdict.evidence),
          });
        }
      }
      this.set(position, {
        ...claim,
        requiresVerification: verdict.status !== "green",
        status: verdict.status,
        verifiedBy: { verifier: batch.verifier, at, reason: verdict.reason, evidence: [...verdict.evidence] },
      });
      if (verdict.status === "green") return;
      for (const childPosition of this.children(claim.id)) {
        const child = this.at(childPosition);
        if (child.status !== "green" && !child.requiresVerification) {
          this.set(childPosition, { ...child, requiresVerification: true });
        }
      }
    });
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

function checkUnchanged(index: number, raw: Record<string, any>, stored: Claim): void {
  const id = stored.id;
  const status = raw["status"] ?? "unverified";
  if (status !== stored.status) {
    throw new InvalidClaimError({
      index,
      claimId: id,
      field: "status",
      expected: `"${stored.status}" (the stored status): a status changes only through a verifier's verdict (claimVerdicts)`,
      received: preview(raw["status"]),
    });
  }
  const immutable = `(claim "${id}" is already stored and claims are immutable: write a new claim with basedOn: ["${id}"] instead)`;
  for (const [field, get] of IMMUTABLE_FIELDS) {
    const want = get(stored as Record<string, any>);
    const got = get(raw);
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      throw new InvalidClaimError({ index, claimId: id, field, expected: `${preview(want)} ${immutable}`, received: preview(got) });
    }
  }
  const confidence = raw["confidence"];
  if (confidence !== stored.confidence && confidence !== stored.statedConfidence) {
    throw new InvalidClaimError({
      index,
      claimId: id,
      field: "confidence",
      expected: `${stored.confidence} ${immutable}`,
      received: preview(confidence),
    });
  }
  const at = raw["origin"]?.at;
  if (at !== undefined && at !== stored.origin.at) {
    throw new InvalidClaimError({ index, claimId: id, field: "origin.at", expected: `${preview(stored.origin.at)} ${immutable}`, received: preview(at) });
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
