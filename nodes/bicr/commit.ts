/**
 * Commit: the handoff's outcome becomes the update, routing and held events the guard hands
 * to the parent. `planCommit` decides what is committed for each outcome; the stage checks it
 * against the parent's claims channel and stores it for the guard's node to return.
 */
import { AIMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ClaimsUpdate } from "../../src/claims/index.js";
import { resolveClaimsOptions } from "../../src/claims/claims-options.js";
import { precheckClaimsUpdate } from "../../src/claims/reduce-claims.js";
import { currentTask, parentTask, sealingFor } from "../../src/claims/writing-task.js";
import { InvalidClaimError, isInvalidClaimError } from "../../src/claims/errors.js";
import type { Verdict } from "../challenger/verdict-schema.js";
import { storedClaims } from "./buffer.js";
import { asList, extractClaims, fillClaimIds, isChannelClaim, stripFeedback, withVerdicts, type LabelledVerdict } from "./guard-claims.js";
import { emitEffect, settle } from "./guard-effects.js";
import { emitBicr } from "./guard-events.js";
import { producerName, type ResolvedGuard } from "./guard-options.js";
import { guardRecord, itemKind } from "./guard-record.js";
import { parentValues, type Buffered, type Committed, type GuardState, type Outcome, type Review } from "./guard-state.js";
import type { AttemptRecord, BufferedClaim, GuardOutcome, WithheldItem } from "./guard-types.js";
import { proseText } from "./review-items.js";
import { shakyReason } from "./shaky-parents.js";

/** The tag the guard puts in a forwarded-at-risk claim's `meta`. */
export const HIGH_RISK_META = { firebreak: { risk: "high" } } as const;

/** The confidence given to a claim taken from an AI message's prose (it states none). */
const PROSE_CONFIDENCE = 0.5;

/** What a handoff commits. */
export interface CommitPlan {
  readonly result: GuardOutcome;
  readonly update: Record<string, unknown>;
  readonly goto: readonly unknown[];
  readonly replayHeld: boolean;
  readonly committed: readonly string[];
  readonly dropped: readonly string[];
  readonly highRisk: readonly string[];
  readonly withheld: readonly WithheldItem[];
  readonly note?: string;
  /** The verdict batches this plan sealed (the commit check need not verify them again). */
  readonly sealedHere: ReadonlySet<object>;
}

function labelled(review: Review, keep: (v: Verdict) => boolean = () => true): LabelledVerdict[] {
  return review.judgements
    .filter((j) => keep(j.verdict))
    .map((j) => ({ id: j.claimId, status: j.verdict, reason: j.reasons.join(" "), evidence: [...j.evidence] }));
}

function humanVerdicts(claims: readonly BufferedClaim[], reason: string, by: string | undefined): LabelledVerdict[] {
  return claims.map((c) => ({ id: c.id, status: "green" as const, reason, evidence: [`human:${by ?? "reviewer"}`] }));
}

/** The update with each prose item written to the claims channel as a claim of its producer. */
function withProse(o: ResolvedGuard, update: Record<string, unknown>, items: readonly BufferedClaim[], producer: string, source: Record<string, unknown> = update): Record<string, unknown> {
  const prose = items.filter((c) => c.from.kind === "message" && c.from.prose === true);
  if (prose.length === 0) return update;
  const claims = prose.map((c) => ({
    id: c.id,
    text: proseText(source, c, o.keys.messagesKey),
    origin: { agent: producer, source: "model" as const },
    confidence: PROSE_CONFIDENCE,
    meta: { firebreak: { from: "message" } },
  }));
  return { ...update, [o.keys.claimsKey]: [...asList(update[o.keys.claimsKey]), ...claims] };
}

/** The claim tagged high-risk in its `meta` when its id is in `ids` (a yellow verdict); other items as they are. */
function tagHighRisk(item: unknown, ids: ReadonlySet<string>): unknown {
  const c = item as { id?: unknown; meta?: Record<string, unknown> } | null;
  return c !== null && typeof c === "object" && ids.has(String(c.id)) ? { ...c, meta: { ...(c.meta ?? {}), ...HIGH_RISK_META } } : item;
}

/** Ids of the claims the review judged yellow. */
function yellowIds(review: Review): Set<string> {
  return new Set(review.judgements.filter((j) => j.verdict === "yellow").map((j) => j.claimId));
}

/** A passing attempt's update with every claim judged yellow tagged high-risk, and their ids. */
function passedWithRisk(o: ResolvedGuard, update: Record<string, unknown>, review: Review): { update: Record<string, unknown>; highRisk: string[] } {
  const yellow = yellowIds(review);
  const claims = update[o.keys.claimsKey];
  if (yellow.size === 0 || claims === undefined) return { update, highRisk: [] };
  const tagged = asList(claims).map((item) => tagHighRisk(item, yellow));
  const highRisk = tagged.map((c) => String((c as { id?: unknown } | null)?.id)).filter((id) => yellow.has(id));
  return { update: { ...update, [o.keys.claimsKey]: tagged }, highRisk };
}

function placeName(o: ResolvedGuard, c: BufferedClaim): string {
  switch (c.from.kind) {
    case "claims":
      return `${o.keys.claimsKey}[${c.from.index}]`;
    case "message":
      return `${o.keys.messagesKey}[${c.from.index}]`;
    case "field":
      return `field "${c.from.key}"`;
    default:
      return `goto[${c.from.index}]`;
  }
}

/** Degrade by identity: every item judged red, or left without a valid verdict, is withheld with the place that carries it. */
export function degradePlan(o: ResolvedGuard, buffer: Buffered, review: Review, producer: string): Omit<CommitPlan, "result" | "replayHeld" | "note" | "sealedHere"> {
  const judged = new Map(review.judgements.map((j) => [j.claimId, j]));
  const reviewed = new Set(review.reviewed);
  const reasons = new Map<string, string>();
  for (const item of buffer.claims) {
    const j = judged.get(item.id);
    if (buffer.invalid !== undefined) reasons.set(item.id, "the update was invalid");
    else if (j?.verdict === "red") reasons.set(item.id, "red");
    else if (reviewed.has(item.id) && (j === undefined || !j.fromModel)) reasons.set(item.id, "no valid verdict");
    // A yellow on a claim built on claims that are not green is treated like red (yellowOnShakyParents: "block").
    else if (review.shaky?.[item.id] !== undefined) reasons.set(item.id, shakyReason(review.shaky[item.id]!));
  }
  // A claim built on a withheld claim goes with it, however deep (a walk over the children).
  const children = new Map<string, BufferedClaim[]>();
  for (const item of buffer.claims) for (const parent of item.basedOn) children.set(parent, [...(children.get(parent) ?? []), item]);
  const queue = [...reasons.keys()];
  while (queue.length > 0) {
    const id = queue.pop()!;
    for (const child of children.get(id) ?? []) {
      if (reasons.has(child.id)) continue;
      reasons.set(child.id, `built on withheld claim ${id}`);
      queue.push(child.id);
    }
  }
  const withheldPlaces = new Set(buffer.claims.filter((c) => reasons.has(c.id)).map((c) => `${c.from.kind}:${"index" in c.from ? c.from.index : c.from.key}`));
  const out = (kind: string, index: number | string) => withheldPlaces.has(`${kind}:${index}`);
  const yellow = new Set([...yellowIds(review)].filter((id) => !reasons.has(id)));
  const withProseClaims = withProse(o, buffer.update, buffer.claims.filter((c) => !reasons.has(c.id)), producer);
  const update: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(withProseClaims)) {
    if (key === o.keys.claimsKey) {
      update[key] = asList(value)
        .filter((item, index) => !(index < asList(buffer.update[key]).length && out("claims", index)) && !reasons.has(String((item as { id?: unknown } | null)?.id)))
        .map((item) => tagHighRisk(item, yellow));
    } else if (key === o.keys.messagesKey) {
      update[key] = asList(value).filter((_m, index) => !out("message", index));
    } else if (!out("field", key)) {
      update[key] = value;
    }
  }
  const withheld = buffer.claims
    .filter((c) => reasons.has(c.id))
    .map((c) => ({ id: c.id, kind: itemKind(c), place: placeName(o, c), reason: reasons.get(c.id)! }));
  const claimsKept = buffer.claims.filter((c) => isChannelClaim(c) && !reasons.has(c.id));
  return {
    update: buffer.invalid === undefined ? update : {},
    goto: buffer.invalid === undefined ? buffer.goto.filter((_g, index) => !out("route", index) && !out("send", index)) : [],
    committed: claimsKept.map((c) => c.id),
    dropped: buffer.claims.filter((c) => isChannelClaim(c) && reasons.has(c.id)).map((c) => c.id),
    highRisk: claimsKept.filter((c) => yellow.has(c.id)).map((c) => c.id),
    withheld,
  };
}

/**
 * Decides what the handoff commits for its outcome (`null`: a passing verdict). `task` is the
 * parent's task that will write the commit (the guard node's checkpoint namespace): the guard's
 * verdict batch is sealed for it, since a sealed batch is accepted at node time only from the
 * task it was sealed for.
 */
export async function planCommit(
  o: ResolvedGuard,
  s: GuardState,
  review: Review,
  attempts: readonly AttemptRecord[],
  producer: string,
  task?: string,
): Promise<CommitPlan> {
  const sealedHere = new Set<object>();
  const plan = await decide(o, s, review, attempts, producer, sealedHere, task);
  return { ...plan, sealedHere };
}

async function decide(
  o: ResolvedGuard,
  s: GuardState,
  review: Review,
  attempts: readonly AttemptRecord[],
  producer: string,
  sealedHere: Set<object>,
  task: string | undefined,
): Promise<Omit<CommitPlan, "sealedHere">> {
  const buffer = s.bicr_buffer!;
  const outcome: Outcome | null = s.bicr_outcome;
  const blocked = attempts.filter((a) => a.blocked).length;
  // The evidence a verdict may cite: what the challenger fetched in this review; for a human, their decision.
  const fetched = (verifier: string, verdicts: readonly LabelledVerdict[]) =>
    verifier === o.humanVerifier ? verdicts.flatMap((v) => v.evidence) : review.evidence.map((e) => e.id);
  const label = (update: Record<string, unknown>, verifier: string, verdicts: LabelledVerdict[], claims: readonly BufferedClaim[]) => {
    if (!o.hasClaims) return update;
    const out = sealingFor(task, () => withVerdicts(update, o.keys.claimsKey, verifier, verdicts, claims, fetched(verifier, verdicts)));
    // The batch withVerdicts appended was sealed here, a moment ago: the commit check need not re-verify it.
    if (out !== update) sealedHere.add(asList(out[o.keys.claimsKey]).at(-1) as object);
    return out;
  };
  const channelClaims = o.hasClaims ? buffer.claims.filter(isChannelClaim) : [];
  const none = { dropped: [], highRisk: [], withheld: [] };
  if (outcome === null) {
    // A claim that passes as yellow is committed tagged high-risk (and the channel keeps it
    // requiring verification), as under "degrade": passing is not the same as supported.
    const risky = passedWithRisk(o, withProse(o, buffer.update, buffer.claims, producer), review);
    const update = label(risky.update, o.challenger.options.name, labelled(review), buffer.claims);
    return { result: "passed", update, goto: buffer.goto, replayHeld: true, committed: channelClaims.map((c) => c.id), ...none, highRisk: risky.highRisk };
  }
  if (outcome.action === "degrade") {
    const plan = degradePlan(o, buffer, review, producer);
    const committed = new Set(plan.committed);
    const kept = buffer.claims.filter((c) => committed.has(c.id));
    const note =
      `output blocked ${blocked} time(s); withheld ${plan.withheld.length} part(s) judged red or left unjudged` +
      (plan.highRisk.length ? `, forwarded ${plan.highRisk.length} unsupported claim(s) tagged high-risk` : "") +
      (buffer.invalid === undefined ? "." : " (the update was invalid, so none of it was forwarded).");
    return { result: "degraded", ...plan, update: label(plan.update, o.challenger.options.name, labelled(review, (v) => v !== "red"), kept), replayHeld: false, note };
  }
  if (outcome.action === "approve") {
    const reason = outcome.reason ?? `Approved by a human reviewer after ${blocked} blocked attempt(s).`;
    const update = label(withProse(o, buffer.update, buffer.claims, producer), o.humanVerifier, humanVerdicts(buffer.claims, reason, outcome.by), buffer.claims);
    return { result: "approved", update, goto: buffer.goto, replayHeld: true, committed: channelClaims.map((c) => c.id), ...none };
  }
  if (outcome.action === "edit") {
    const edited = fillClaimIds(stripFeedback(outcome.update, o.keys.messagesKey), o.keys.claimsKey, producer);
    const claims = await extractClaims(edited, { producer, state: parentValues(s, o.parentKeys), attempt: buffer.attempt }, o.keys, undefined);
    const reason = outcome.reason ?? `Edited by a human reviewer after ${blocked} blocked attempt(s).`;
    const update = label(edited, o.humanVerifier, humanVerdicts(claims, reason, outcome.by), claims);
    return { result: "edited", update, goto: buffer.goto, replayHeld: false, committed: o.hasClaims ? claims.map((c) => c.id) : [], ...none, dropped: channelClaims.map((c) => c.id) };
  }
  const note = `output rejected by a human after ${blocked} blocked attempt(s)${outcome.reason ? ` (${outcome.reason})` : ""}; nothing from it was forwarded.`;
  return { result: "rejected", update: {}, goto: [], replayHeld: false, committed: [], ...none, dropped: channelClaims.map((c) => c.id), note };
}

/** Checks the commit's claims update against the parent's channel before it is written (a rejected write would stick in the checkpoint's pending writes). */
function checkCommit(o: ResolvedGuard, name: string, parent: Record<string, unknown>, update: ClaimsUpdate, sealedHere: ReadonlySet<object>): void {
  try {
    // The node-time check: the parent's reducer reuses its result for this very update (one full apply less per handoff).
    precheckClaimsUpdate(storedClaims(parent, o.keys.claimsKey), update, resolveClaimsOptions(o.claimsOptions), sealedHere);
  } catch (error) {
    if (!isInvalidClaimError(error)) throw error;
    throw new InvalidClaimError(
      { index: error.index, claimId: error.claimId, field: error.field, expected: error.expected, received: error.received, node: error.node ?? name, verifier: error.verifier },
      {
        cause: error,
        context:
          `Guard on node "${name}": the claims channel would reject the commit, so nothing was written (if the channel restricts verifiers, ` +
          `add "${o.challenger.options.name}" (the challenger) and "${o.humanVerifier}" (human approvals) to its \`verifiers\`)`,
      },
    );
  }
}

/** The Commit stage's work, shared by the challenge stage (a pass) and the commit node (after an escalation). */
export function commitStage(o: ResolvedGuard) {
  return async (s: GuardState, review: Review, attempts: readonly AttemptRecord[], config: LangGraphRunnableConfig): Promise<Record<string, unknown>> => {
    const name = producerName(o, config);
    const buffer = s.bicr_buffer!;
    // The guard's subgraph runs inside the parent's task: its verdicts are sealed for that task.
    const plan = await planCommit(o, s, review, attempts, name, parentTask(currentTask(config)));
    // The attempt's effects: pending (run by the outbox) and kept when committed as it is, else dropped.
    const effects = settle(s.bicr_effects, buffer.attempt, plan.result === "passed" || plan.result === "approved");
    const record = guardRecord({
      guard: name,
      policy: o.policy,
      maxAttempts: o.maxAttempts,
      attempts,
      outcome: plan.result,
      blockOn: o.blockOn,
      committedClaimIds: plan.committed,
      droppedClaimIds: plan.dropped,
      highRiskClaimIds: plan.highRisk,
      withheld: plan.withheld,
      effects: effects.ledger,
    });
    const final: Record<string, unknown> = { ...plan.update };
    if (o.hasClaims && final[o.keys.claimsKey] !== undefined) checkCommit(o, name, parentValues(s, o.parentKeys), final[o.keys.claimsKey] as ClaimsUpdate, plan.sealedHere);
    if (o.parentKeys.includes(o.keys.recordKey)) final[o.keys.recordKey] = [record];
    if (plan.note !== undefined && o.notes && o.parentKeys.includes(o.keys.messagesKey)) {
      final[o.keys.messagesKey] = [...asList(final[o.keys.messagesKey]), new AIMessage({ name: "firebreak_guard", content: `[guard on ${name}] ${plan.note}` })];
    }
    await emitBicr(
      { guard: name, attempt: buffer.attempt, maxAttempts: o.maxAttempts, stage: "commit", outcome: plan.result, blocked: record.blocked, committedClaimIds: plan.committed, record },
      config,
    );
    for (const entry of effects.changed) await emitEffect(o, name, entry, config);
    const committed: Committed = { update: final, goto: plan.goto, toParent: buffer.toParent, held: plan.replayHeld ? buffer.held : [] };
    return { bicr_commit: committed, ...(effects.ledger.length === 0 ? {} : { bicr_effects: effects.ledger }) };
  };
}
