/**
 * Challenge: the challenger judges the attempt's review items, seeing only the intent and the
 * items (plus evidence it fetches itself). The review fails closed: an item without a valid
 * verdict from the model, a verdict resting on evidence the challenger never fetched, and a
 * challenger that throws or times out all block the attempt (unless `invalidReply: "label"`).
 */
import { isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { RunnableConfig } from "@langchain/core/runnables";
import { readIntent } from "../challenger/intent.js";
import { selectForReview, type KnownClaim } from "../challenger/review-policy.js";
import type { ChallengeResult, ClaimUnderReview } from "../challenger/types.js";
import type { ClaimJudgement } from "../challenger/verdict-schema.js";
import { asList, messageText } from "./guard-claims.js";
import { emitBicr, verdictAttributes, withBicrRun } from "./guard-events.js";
import { retryAfterBlock } from "./retry-rule.js";
import { producerName, type ResolvedGuard } from "./guard-options.js";
import { attemptRecord } from "./guard-record.js";
import { storedClaims } from "./buffer.js";
import { ledgerAsKnown, ledgerHits, originOf, readRedLedger, repeatJudgement, type RedEntry } from "./red-ledger.js";
import { shakyReason, shakyYellows } from "./shaky-parents.js";
import { parentValues, type Buffered, type GuardState, type Review } from "./guard-state.js";
import type { AttemptRecord, BufferedClaim } from "./guard-types.js";

function knownClaims(value: unknown): KnownClaim[] {
  return asList(value)
    .filter((c): c is { id: string; text: string; status: string } => typeof (c as { id?: unknown })?.id === "string")
    .map((c) => ({ id: c.id, text: String(c.text ?? ""), status: String(c.status ?? "unverified") }));
}

/**
 * The items the challenger must judge: claims as the policy selects them (knowing the channel's
 * claims and `ledger`, the red claims of the thread's red ledger), every other effect always.
 */
export function selectItems(o: ResolvedGuard, items: readonly BufferedClaim[], parent: Record<string, unknown>, ledger: readonly KnownClaim[] = []): BufferedClaim[] {
  const claims = items.filter((c) => c.from.kind === "claims");
  // The channel's claims last: for an id in both, the channel's status is the one the policy reads.
  const known = [...ledger, ...knownClaims(parent[o.keys.claimsKey])];
  const chosen = new Set(selectForReview(claims, { policy: o.policy, hub: o.hub(), confidenceFloor: o.confidenceFloor, known }).map((c) => c.id));
  return items.filter((c) => c.from.kind !== "claims" || chosen.has(c.id));
}

function asReviewed(c: BufferedClaim): ClaimUnderReview {
  return { id: c.id, text: c.text, ...(c.value === undefined ? {} : { value: c.value }), ...(c.details === undefined ? {} : { details: c.details }) };
}

/** Races `work` against a timer; the config's signal aborts the challenger's model call on timeout. */
async function withTimeout<T>(ms: number, config: RunnableConfig | undefined, work: (config: RunnableConfig | undefined) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const signal = config?.signal ? AbortSignal.any([config.signal, controller.signal]) : controller.signal;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`the challenger did not answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work({ ...config, signal }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks a challenge result against the items sent: every item needs a verdict the model
 * gave, resting only on evidence the challenger fetched. Returns why not, or `undefined`.
 */
export function incompleteness(selected: readonly BufferedClaim[], result: ChallengeResult): string | undefined {
  const fetched = new Set(result.evidence.map((e) => e.id));
  const byId = new Map(result.judgements.map((j) => [j.claimId, j]));
  const problems: string[] = [];
  for (const item of selected) {
    const j = byId.get(item.id);
    if (j === undefined || !j.fromModel) problems.push(`no valid verdict for ${item.id}${j ? ` (${j.reasons.join(" ")})` : ""}`);
    else if (j.evidence.some((id) => !fetched.has(id))) problems.push(`the verdict on ${item.id} cites evidence the challenger never fetched`);
  }
  return problems.length === 0 ? undefined : problems.join("; ");
}

/** Under `invalidReply: "label"`: every item without a valid verdict gets the challenger's fail-closed label. */
function labelUnjudged(selected: readonly BufferedClaim[], result: ChallengeResult, label: "yellow" | "red", why: string): ChallengeResult {
  const byId = new Map(result.judgements.map((j) => [j.claimId, j]));
  const judgements: ClaimJudgement[] = selected.map(
    (c) => byId.get(c.id) ?? { claimId: c.id, verdict: label, reasons: [`No valid verdict (${why}); labelled ${label}.`], evidence: [], fromModel: false },
  );
  return { ...result, judgements };
}

/** Sends the selected items to the challenger; a failure or an incomplete reply is said, and labelled under `invalidReply: "label"`. */
async function runChallenger(
  o: ResolvedGuard,
  selected: readonly BufferedClaim[],
  parent: Record<string, unknown>,
  attempt: number,
  config: LangGraphRunnableConfig,
  name: string,
): Promise<{ result: ChallengeResult; incomplete: string | undefined }> {
  let result: ChallengeResult = { judgements: [], evidence: [], valid: true };
  let failure: string | undefined;
  if (selected.length > 0) {
    const request = { intent: readIntent(parent, o.intent), claims: selected.map(asReviewed) };
    const stage = { guard: name, attempt, maxAttempts: o.maxAttempts, stage: "challenge" as const };
    try {
      result = await withBicrRun(stage, config, (c) => withTimeout(o.challengeTimeoutMs, c, (cc) => o.challenger.review(request, cc)));
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      failure = `the challenger failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
      result = { judgements: [], evidence: [], valid: false };
    }
  }
  const incomplete = failure ?? incompleteness(selected, result);
  if (incomplete !== undefined && o.invalidReply === "label") result = labelUnjudged(selected, result, o.challenger.options.onInvalidReply, incomplete);
  return { result, incomplete };
}

/** Yellow verdicts on claims built on claims that are not green, with why in their reasons (`yellowOnShakyParents: "block"`; nothing to add when yellow blocks anyway). */
function withShakyParents(o: ResolvedGuard, items: readonly BufferedClaim[], judgements: readonly ClaimJudgement[], parent: Record<string, unknown>) {
  const shaky = o.yellowOnShakyParents === "block" && !o.blockOn.has("yellow") ? shakyYellows(items, judgements, storedClaims(parent, o.keys.claimsKey)) : new Map<string, string>();
  const marked = judgements.map((j) => (shaky.has(j.claimId) ? { ...j, reasons: [...j.reasons, `Blocked: ${shakyReason(shaky.get(j.claimId)!)}.`] } : j));
  return { shaky, judgements: marked };
}

/**
 * Judges one buffered attempt: items that repeat a red claim of the thread's ledger are blocked
 * without asking the challenger; the rest are selected by the policy and judged; a yellow
 * verdict on a claim built on claims that are not green blocks like a red one.
 */
async function judgeAttempt(
  o: ResolvedGuard,
  buffer: Buffered,
  parent: Record<string, unknown>,
  prior: readonly AttemptRecord[],
  config: LangGraphRunnableConfig,
  name: string,
): Promise<Review> {
  if (buffer.invalid !== undefined) return { judgements: [], evidence: [], valid: true, attempt: buffer.attempt, reviewed: [], blocking: [], blocked: true };
  const ledger = o.redLedger ? readRedLedger(parent[o.keys.recordKey], parent[o.keys.claimsKey], prior, o.humanVerifier) : new Map<string, RedEntry>();
  const messages = asList(buffer.update[o.keys.messagesKey]);
  const hits = ledgerHits(buffer.claims, ledger, (item) => (item.from.kind === "message" ? messageText(messages[item.from.index]) : undefined));
  const selected = selectItems(o, buffer.claims.filter((c) => !hits.has(c.id)), parent, ledgerAsKnown(ledger));
  const { result, incomplete } = await runChallenger(o, selected, parent, buffer.attempt, config, name);
  const repeated = [...hits].map(([id, entry]) => repeatJudgement(id, entry));
  const { shaky, judgements } = withShakyParents(o, buffer.claims, [...result.judgements, ...repeated], parent);
  const sent = new Set(selected.map((c) => c.id));
  const blocking = judgements.filter((j) => (o.blockOn.has(j.verdict) && sent.has(j.claimId)) || hits.has(j.claimId) || shaky.has(j.claimId)).map((j) => j.claimId);
  const blocked = blocking.length > 0 || (incomplete !== undefined && o.invalidReply === "block");
  return {
    ...result,
    judgements,
    valid: result.valid && incomplete === undefined,
    attempt: buffer.attempt,
    reviewed: selected.map((c) => c.id),
    blocking,
    ...(incomplete === undefined ? {} : { incomplete }),
    blocked,
    ...(hits.size === 0 ? {} : { repeats: Object.fromEntries([...hits].map(([id, entry]) => [id, originOf(entry)])) }),
    ...(shaky.size === 0 ? {} : { shaky: Object.fromEntries(shaky) }),
  };
}

/** The Challenge stage: judges the attempt, reports it, and commits on a pass. */
export function challengeStage(o: ResolvedGuard, commit: (s: GuardState, review: Review, attempts: readonly AttemptRecord[], config: LangGraphRunnableConfig) => Promise<Record<string, unknown>>) {
  return async (s: GuardState, config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    const buffer = s.bicr_buffer;
    if (buffer === null) throw new Error(`Guard on node "${name}": the challenge stage ran without a buffered attempt (the guard's own graph was driven from outside).`);
    const review = await judgeAttempt(o, buffer, parentValues(s, o.parentKeys), s.bicr_attempts, config, name);
    const record = attemptRecord(buffer, review);
    const decision = !review.blocked ? "commit" : retryAfterBlock(o, buffer.attempt, review) ? "recover" : "escalate";
    const base = { guard: name, attempt: buffer.attempt, maxAttempts: o.maxAttempts };
    await emitBicr(
      {
        ...base,
        stage: "challenge",
        verdicts: record.claims.map((c) => ({ id: c.id, verdict: c.verdict, reasons: c.reasons })),
        ...verdictAttributes(record.claims, name),
        blocked: review.blocked,
        valid: review.valid,
        ...(review.incomplete === undefined ? {} : { incomplete: review.incomplete }),
      },
      config,
    );
    await emitBicr({ ...base, stage: "isolate", decision, blocking: review.blocking }, config);
    // A pass commits from here: one superstep (and one checkpoint write) less per clean handoff.
    if (decision === "commit") return commit(s, review, [...s.bicr_attempts, record], config);
    return { bicr_review: review, bicr_attempts: [record] };
  };
}
