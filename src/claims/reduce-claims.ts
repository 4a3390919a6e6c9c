import { ClaimSchema, type Claim, type ClaimsUpdate } from "./claim-schema.js";
import { applyVerdicts, parseVerdictBatch } from "./apply-verdicts.js";
import { resolveClaimsOptions, type ClaimsOptions, type ResolvedClaimsOptions } from "./claims-options.js";
import { InvalidClaimError, preview } from "./errors.js";
import { importClaim, isHandedOn, reconcileClaim } from "./hand-on.js";
import { addNewClaim, checkNewClaimShape } from "./new-claim.js";
import { Transaction } from "./transaction.js";
import { isOverwrite, overwriteRejected } from "./overwrite.js";
import { freezeStored } from "./frozen.js";
import { isClaimVerdicts } from "./verdicts.js";

export { YELLOW_CAP, effectiveConfidence } from "./doubt.js";
export { fromZodError } from "./zod-error.js";


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

/**
 * Applies one claims update to the stored claims and returns the new array (or `current`
 * itself when nothing changed). Pure: `current` is never mutated. The new array and the claims
 * it adds or replaces are frozen deep copies (what the channel stores cannot be edited in place). This is the channel's
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
  checked: ClaimsUpdate = update,
): Claim[] {
  // `sealedNow`: batches the caller sealed a moment ago in the same synchronous call (nothing
  // could alter them since), so their seals need no second HMAC here.
  // `checked`: the update as the caller's checks read it (each verdict batch read once, see
  // snapshot.ts); it is what is applied, here and by the reducer, for the object LangGraph holds.
  // The channel's own array (a node's input state): frozen, so an edit in place throws in the node.
  freezeStored(current);
  const result = applyUpdate(current, checked, options, sealedNow === undefined ? {} : { sealedNow });
  if (typeof update === "object" && update !== null) {
    memo.set(update, { base: current, options, items: Array.isArray(update) ? update.slice() : undefined, checked, result });
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
  freezeStored(base); // loaded from a checkpoint: from now on nobody edits it in place
  if (typeof update === "object" && update !== null) {
    const hit = memo.get(update);
    if (hit !== undefined) {
      memo.delete(update);
      if (hit.options === options && sameItems(hit.items, update)) {
        // Checked at node time: the same reading is applied (on another base — a parallel writer
        // went first — its seals are checked again, against that base).
        return hit.base === base ? hit.result : applyUpdate(base, hit.checked, options);
      }
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
  if (isOverwrite(update)) throw overwriteRejected(options);
  const items: readonly unknown[] = Array.isArray(update) ? update : [update];
  for (let i = 0; i < items.length; i++) {
    const item = objectItem(items[i], i);
    if (isClaimVerdicts(item)) parseVerdictBatch(options, i, item);
    else if (!ClaimSchema.safeParse(item).success) checkNewClaimShape(i, item as Record<string, unknown>);
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
  { base: readonly Claim[]; options: ResolvedClaimsOptions; items: readonly unknown[] | undefined; checked: ClaimsUpdate; result: Claim[] }
>();

function sameItems(items: readonly unknown[] | undefined, update: object): boolean {
  if (items === undefined) return !Array.isArray(update);
  if (!Array.isArray(update) || update.length !== items.length) return false;
  for (let i = 0; i < items.length; i++) if (items[i] !== update[i]) return false;
  return true;
}

/**
 * The reducer's pipeline: the update as a list of items → each item routed to its step
 * (a verdict batch, a stored claim written again, a claim handed on, a new claim), all applied to
 * one pending transaction → committed as the new array. Any step that throws rejects the whole update.
 */
function applyUpdate(current: readonly Claim[], update: ClaimsUpdate, opts: ResolvedClaimsOptions, context: ReduceContext = {}): Claim[] {
  if (isOverwrite(update)) throw overwriteRejected(opts);
  const items = itemsOf(update);
  if (items.length === 0) return current as Claim[];
  const txn = new Transaction(current, opts, context);
  for (let i = 0; i < items.length; i++) applyItem(txn, i, objectItem(items[i], i));
  return txn.commit();
}

/** The update's items, in order (none for `null`, `undefined` or `[]`). */
export function itemsOf(update: ClaimsUpdate): readonly unknown[] {
  if (update === undefined || update === null) return [];
  return Array.isArray(update) ? update : [update];
}

/** Which step an update item goes to. */
export type ItemStep = "verdicts" | "stored" | "handed-on" | "new";

/** Routes an update item: a verdict batch, a stored claim written again (by id), a claim handed on (it carries a status or verdicts), or a new claim. */
export function stepFor(txn: Transaction, item: object): ItemStep {
  if (isClaimVerdicts(item)) return "verdicts";
  const id = (item as { id?: unknown }).id;
  if (typeof id === "string" && id.length > 0 && txn.position(id) >= 0) return "stored";
  return isHandedOn(item as Record<string, unknown>) ? "handed-on" : "new";
}

function applyItem(txn: Transaction, index: number, item: object): void {
  const raw = item as Record<string, unknown>;
  const id = typeof raw["id"] === "string" && raw["id"].length > 0 ? raw["id"] : undefined;
  switch (stepFor(txn, item)) {
    case "verdicts":
      return applyVerdicts(txn, index, item);
    case "stored": {
      const position = txn.position(id!);
      const stored = txn.at(position);
      // The very object already stored (a node echoing its input) is unchanged by definition.
      if (raw !== stored && raw !== txn.current[position]) reconcileClaim(txn, index, raw, stored, position);
      return;
    }
    case "handed-on":
      return importClaim(txn, index, raw, id);
    case "new":
      return addNewClaim(txn, index, raw, id);
  }
}
