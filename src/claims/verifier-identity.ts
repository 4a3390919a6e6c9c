/**
 * Internal: who may sign a verdict batch, and the seal that proves it.
 *
 * The identity model (documented on `claimVerdicts`):
 * - a verdict batch counts only when it carries a seal minted where the writer is known: the
 *   node-time check of zod and `StateSchema` state (the writing node is read from LangGraph's
 *   config: `currentNodeName`), `withWriteContract` (the same, in any state), the node form of
 *   `createChallenger`, and the BICR guard's commit (its challenger stage, or a human's resume
 *   of its escalation). Each signs only for the verifier it is: a node signs with its own
 *   node name, a challenger with its configured name, the guard with its challenger's and
 *   its human verifier's names;
 * - the channel's reducer checks the seal against the batch and the claims it judges, so a
 *   batch written by a model, carried in graph input or `updateState`, copied from a stream,
 *   or altered after sealing is rejected; a batch sealed under another key (a process that
 *   died, without `FIREBREAK_CLAIMS_KEY`) is *unconfirmed* and changes no status.
 * Out of scope: code that imports the package's internals (it could mint seals) or reads the
 * key from the environment; such code runs with the graph's own authority.
 */
import { getConfig, START } from "@langchain/langgraph";
import type { Claim, ClaimSeal, ClaimsUpdate, ClaimVerdicts } from "./claim-schema.js";
import { positionOf } from "./claims-index.js";
import type { ResolvedClaimsOptions } from "./claims-options.js";
import { InvalidClaimError, preview } from "./errors.js";
import { batchPayload, fingerprint, seal, versionOf, type ClaimVersion } from "./seal.js";
import { normalizeEvidence } from "./evidence.js";
import { isClaimVerdicts } from "./verdicts.js";
import { snapshot } from "./snapshot.js";
import { checkPlainUpdate, freezeUpdate } from "./plain-update.js";
import { parseVerdictBatch } from "./apply-verdicts.js";
import { checkSealedBatch, currentTask, type Writer } from "./writing-task.js";
import { currentNodeName } from "../internal/node-name.js";
import { quote } from "../internal/quote.js";

/** A verdict batch with its seal. */
export type SealedVerdicts = ClaimVerdicts & { readonly at: string; readonly seal: ClaimSeal };

/** The writing node, from LangGraph's config; `undefined` for the graph input or outside a run. */
export function writingNode(): string | undefined {
  let config: ReturnType<typeof getConfig> | undefined;
  try {
    config = getConfig();
  } catch {
    return undefined;
  }
  if (config?.metadata?.["langgraph_node"] === START) return undefined;
  return currentNodeName(config);
}

/** The claim `id` as the batch at `items[index]` will find it: the last earlier item with that id, else the stored claim. */
function claimFor(id: string, stored: readonly Claim[] | undefined, items: readonly unknown[], index: number): Claim | null {
  for (let i = index - 1; i >= 0; i--) {
    const item = items[i] as { id?: unknown; text?: unknown; origin?: { agent?: unknown; basedOn?: unknown } } | null;
    if (typeof item !== "object" || item === null || isClaimVerdicts(item) || item.id !== id) continue;
    if (typeof item.text !== "string" || typeof item.origin?.agent !== "string") return null;
    return item as Claim;
  }
  if (stored === undefined) return null;
  const p = positionOf(stored, id);
  return p < 0 ? null : stored[p]!;
}

/**
 * Seals the verdict batch at `items[index]` for `stored` (the claims the writer saw). Returns
 * a sealed copy; `at` is filled in so the time is bound too, and `versions` (how many verdicts
 * each judged claim had), so the batch applies to that version of each claim only.
 */
export function signVerdicts(
  batch: ClaimVerdicts,
  stored: readonly Claim[] | undefined,
  items: readonly unknown[] = [batch],
  index: number = items.indexOf(batch),
  now: () => Date = () => new Date(),
  task: string | undefined = currentTask(),
): SealedVerdicts {
  const at = batch.at ?? now().toISOString();
  const end = index < 0 ? items.length : index;
  // One pass over the items before the batch (the last claim with each id wins), not one per verdict.
  const before = new Map<string, number>();
  for (let i = 0; i < end; i++) {
    const id = (items[i] as { id?: unknown } | null)?.id;
    if (typeof id === "string" && !isClaimVerdicts(items[i])) before.set(id, i);
  }
  const prints: (unknown[] | null)[] = [];
  const versions: (ClaimVersion | null)[] = [];
  const verdicts = batch.verdicts.map((v) => {
    const position = before.get(v.id);
    const claim = claimFor(v.id, stored, items, position === undefined ? 0 : position + 1);
    prints.push(claim === null ? null : fingerprint(claim));
    versions.push(claim === null ? null : versionOf(claim));
    // Normalised as the channel parses them (evidence.ts), so the seal matches what it checks.
    return { ...v, evidence: normalizeEvidence(v.evidence) };
  });
  // Bound to the task that seals it (see writing-task.ts): at node time only that task, or the named verifier's node, may write it.
  const { task: _stale, ...rest } = batch as ClaimVerdicts & { task?: string };
  const fetched = rest.fetched === undefined ? {} : { fetched: normalizeEvidence(rest.fetched) };
  const body = { ...rest, ...fetched, at, verdicts, versions: versions.map((x) => x?.[0] ?? 0), ...(task === undefined ? {} : { task }) };
  return { ...body, seal: seal(batchPayload(body, prints, versions)) } as SealedVerdicts;
}

/** What the node-time identity check hands on: the update as checked, and the batches it sealed. */
export interface AuthorizedUpdate {
  /** The update with every verdict batch replaced by the copy that was checked (and sealed). */
  readonly checked: ClaimsUpdate;
  /** The batches (checked copies) sealed in this call. */
  readonly sealedNow: Set<object> | undefined;
}

/**
 * The node-time identity check of zod/`StateSchema` state: every unsealed verdict batch in
 * `update` must be signed with the writing node's own name (and that name must be one of the
 * channel's `verifiers`, when listed); it is then sealed in place, so the seal is saved with the
 * write and checked again wherever the write is applied (also after a restart). LangGraph keeps
 * the object a node returned, so a node's update must be plain data and is deep-frozen once
 * checked (see `plain-update.ts`): what was checked is what the channel applies and the checkpoint
 * saves. (Graph input and state edits carry no verdict; they are not frozen.)
 * Throws `InvalidClaimError` naming the claim and the verifier (the caller adds the node).
 */
export function authorizeVerdicts(
  update: ClaimsUpdate,
  current: readonly Claim[] | undefined,
  opts: ResolvedClaimsOptions,
  writer: string | undefined,
  task: string | undefined = undefined,
): AuthorizedUpdate {
  if (update === null || update === undefined) return { checked: update, sealedNow: undefined };
  // A node's write is saved as it stands when LangGraph records it: plain data, frozen once checked.
  // Graph input and state edits are not (they carry no verdict, and the caller's objects stay its own).
  if (writer !== undefined) checkPlainUpdate(update);
  let sealedNow: Set<object> | undefined;
  const raw: readonly unknown[] = Array.isArray(update) ? update : [update];
  const items = raw.slice();
  const by: Writer = { node: writer, task };
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isClaimVerdicts(item)) continue;
    parseVerdictBatch(opts, i, item); // a malformed batch is named here, before anything reads its verdicts
    if ((item as { seal?: unknown }).seal !== undefined) {
      checkSealedBatch(item, i, by, opts);
      continue;
    }
    checkSigner(item, i, opts, writer);
    const sealed = signVerdicts(item, current, items, i, opts.now, task ?? currentTask());
    items[i] = sealed;
    (sealedNow ??= new Set()).add(sealed);
    sealInPlace(raw[i] as object, sealed, i);
  }
  if (writer !== undefined) freezeUpdate(update);
  const checked = sealedNow === undefined ? update : Array.isArray(update) ? items : items[0];
  return { checked: checked as ClaimsUpdate, sealedNow };
}

/** The identity rule for an unsealed batch: signed with the writing node's own name, one of `verifiers` when listed. */
function checkSigner(item: ClaimVerdicts, i: number, opts: ResolvedClaimsOptions, writer: string | undefined): void {
  const verdicts = Array.isArray(item.verdicts) ? item.verdicts : [];
  const claimId = typeof verdicts[0]?.id === "string" ? verdicts[0].id : undefined;
  const who = writer === undefined ? "the graph input (or a state edit)" : `node ${quote(writer, 60)}`;
  const fail = (expected: string) =>
    new InvalidClaimError(
      { index: i, claimId, field: "verifier", expected, received: preview(item.verifier), node: writer ?? "(graph input)", verifier: String(item.verifier) },
      { context: `Verdicts from ${who} rejected` },
    );
  if (writer === undefined) {
    throw fail(
      `no verdict batch here: a verdict counts only when the verifier's own node writes it. To pass on claims verified in ` +
        `an earlier run or another graph, put the claims themselves in the input (their sealed verdict history travels with them)`,
    );
  }
  if (item.verifier !== writer) {
    throw fail(
      `a batch signed with the writing node's own name (${quote(writer, 60)}): a verdict counts only when written by the node the graph ` +
        `declares as that verifier (a node listed in \`verifiers\`, createChallenger's node, or a BICR guard)`,
    );
  }
  if (opts.verifiers !== undefined && !opts.verifiers.has(writer)) {
    throw fail(`one of the channel's verifiers (${preview([...opts.verifiers])}); add ${quote(writer, 60)} to \`verifiers\` if it is one`);
  }
}

/**
 * LangGraph saves the object the node returned, so the sealed copy's content is written onto it
 * (a getter replaced by its value). What is saved is then checked against the seal wherever it is
 * re-applied: an object that still answers otherwise is rejected there, never trusted.
 */
function sealInPlace(target: object, sealed: SealedVerdicts, index: number): void {
  try {
    for (const key of Object.keys(target)) if (!(key in sealed)) delete (target as Record<string, unknown>)[key];
    for (const [key, value] of Object.entries(sealed)) {
      // A copy: the object the node holds shares nothing with the checked batch the channel applies.
      Object.defineProperty(target, key, { value: snapshot(value), enumerable: true, writable: true, configurable: true });
    }
  } catch {
    throw new InvalidClaimError({
      index,
      claimId: sealed.verdicts[0]?.id,
      field: "seal",
      expected: "a verdict batch the node-time check can seal: a plain, unfrozen object (as claimVerdicts() builds it)",
      received: "an object whose properties cannot be replaced (frozen, sealed, or a Proxy refusing it)",
      verifier: sealed.verifier,
    });
  }
}

/**
 * Internal, for the capability holders (`createChallenger`'s node, the BICR guard): signs one
 * review's verdicts as `verifier`. `fetched` is the evidence fetched in the review; a verdict
 * citing none cites the review itself (`review:<verifier>:<uuid>`, listed as fetched): a judge
 * without evidence tools brings one independent reading per review, never the same twice.
 * `items` are the update's items the batch follows (claims it may judge).
 */
export function signReview(
  verifier: string,
  verdicts: readonly { readonly id: string; readonly status: "green" | "yellow" | "red"; readonly reason: string; readonly evidence: readonly string[] }[],
  fetched: readonly string[],
  stored: readonly Claim[] | undefined,
  items: readonly unknown[] = [],
): SealedVerdicts {
  const review = `review:${verifier}:${globalThis.crypto.randomUUID()}`;
  let cited = false;
  const list = verdicts.map((v) => {
    if (v.evidence.length > 0) return { id: v.id, status: v.status, reason: v.reason, evidence: [...v.evidence] };
    cited = true;
    return { id: v.id, status: v.status, reason: v.reason, evidence: [review] };
  });
  const batch: ClaimVerdicts = {
    kind: "firebreak/verdicts",
    verifier,
    fetched: cited ? [...new Set([...fetched, review])] : [...new Set(fetched)],
    verdicts: list,
  };
  return signVerdicts(batch, stored, [...items, batch], items.length);
}
