import { AIMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  Command,
  END,
  START,
  StateGraph,
  interrupt,
  isCommand,
  type CompiledStateGraph,
  type LangGraphRunnableConfig,
} from "@langchain/langgraph";
import { reduceClaims, type Claim, type ClaimsOptions, type ClaimsUpdate } from "../../src/claims/index.js";
import { FirebreakError, isFirebreakError } from "../../src/internal/errors.js";
import { createChallenger, type Challenger } from "../challenger/create-challenger.js";
import { readIntent } from "../challenger/intent.js";
import { assertReviewPolicy, selectForReview, type KnownClaim, type ReviewPolicy } from "../challenger/review-policy.js";
import type { ChallengeResult, EvidenceItem } from "../challenger/types.js";
import type { Verdict } from "../challenger/verdict-schema.js";
import { escalationPacket, parseResume } from "./escalation.js";
import {
  asList,
  degradeUpdate,
  extractClaims,
  fillClaimIds,
  stripFeedback,
  withVerdicts,
  type ClaimKeys,
  type LabelledVerdict,
} from "./guard-claims.js";
import { GuardExhaustedError } from "./guard-errors.js";
import { emitBicr, verdictAttributes, withBicrRun } from "./guard-events.js";
import { GUARD_FEEDBACK_KEY, injectFeedback } from "./guard-feedback.js";
import { attemptRecord, GUARD_RECORDS_KEY, guardRecord } from "./guard-record.js";
import { claimsOptionsOf, guardAnnotations, parentKeysOf, parentValues, type Buffered, type GuardState, type Outcome, type Review } from "./guard-state.js";
import type {
  AttemptRecord,
  BicrGuardOptions,
  BufferedClaim,
  ClaimExtractor,
  ExhaustedMode,
  FeedbackInjector,
  GuardFeedback,
  GuardOutcome,
  GuardProducer,
} from "./guard-types.js";

/** The `firebreak` metadata of a guard node: the topology analysis treats its out-edges as guarded. */
export interface BicrGuardInfo {
  readonly role: "agent";
  readonly guard: { readonly producer?: string; readonly policy: ReviewPolicy; readonly maxAttempts: number };
  readonly hub?: boolean;
}

/**
 * A guard: a compiled subgraph to add in place of the producer. Add it with its metadata so
 * topology analysis sees the guard: `builder.addNode("researcher", guard, { metadata: { firebreak: guard.firebreak } })`.
 */
export type BicrGuard = CompiledStateGraph<any, any, any, any, any, any> & {
  /** The node metadata entry that declares the guard. */
  readonly firebreak: BicrGuardInfo;
};

interface Resolved {
  readonly producer: GuardProducer;
  readonly challenger: Challenger;
  readonly parentKeys: readonly string[];
  readonly name: string | undefined;
  readonly maxAttempts: number;
  readonly policy: ReviewPolicy;
  readonly hub: () => boolean;
  readonly confidenceFloor: number;
  readonly blockOn: ReadonlySet<string>;
  readonly onExhausted: ExhaustedMode;
  readonly keys: ClaimKeys;
  readonly extractClaims: ClaimExtractor | undefined;
  readonly feedback: "message" | "config" | FeedbackInjector;
  readonly notes: boolean;
  readonly humanVerifier: string;
  readonly claimsOptions: ClaimsOptions | undefined;
  /** True when the parent has a claims channel. */
  readonly hasClaims: boolean;
}

const WHERE = "createBicrGuard";

function resolve(options: BicrGuardOptions): Resolved {
  if (options === undefined || options === null) throw new FirebreakError("INVALID_OPTIONS", `${WHERE}: options are required ({ producer, challenger, state }).`);
  const producer = options.producer;
  if (typeof producer !== "function" && typeof (producer as { invoke?: unknown } | undefined)?.invoke !== "function") {
    throw new FirebreakError("INVALID_OPTIONS", `${WHERE}: \`producer\` must be a node function or a runnable (e.g. a compiled agent).`);
  }
  const raw = options.challenger as unknown;
  let challenger: Challenger;
  if (typeof raw === "function" && typeof (raw as Challenger).review === "function") challenger = raw as Challenger;
  else if (typeof (raw as { invoke?: unknown } | undefined)?.invoke === "function" && typeof (raw as { withStructuredOutput?: unknown }).withStructuredOutput === "function") {
    challenger = createChallenger({ model: raw as never });
  } else {
    throw new FirebreakError("INVALID_OPTIONS", `${WHERE}: \`challenger\` must come from createChallenger({ model }) or be a chat model.`);
  }
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new FirebreakError("INVALID_OPTIONS", `${WHERE}: maxAttempts must be a positive integer (producer runs, the first included), got ${String(maxAttempts)}.`);
  }
  const onExhausted = options.onExhausted ?? "fail";
  if (!["interrupt", "degrade", "fail"].includes(onExhausted)) {
    throw new FirebreakError("INVALID_OPTIONS", `${WHERE}: onExhausted must be "interrupt", "degrade" or "fail", got ${JSON.stringify(onExhausted)}.`);
  }
  const blockOn = options.blockOn ?? ["red"];
  if (blockOn.length === 0 || blockOn.some((v) => v !== "red" && v !== "yellow") || !blockOn.includes("red")) {
    throw new FirebreakError("INVALID_OPTIONS", `${WHERE}: blockOn must be ["red"] or ["red", "yellow"] (a red verdict always blocks), got ${JSON.stringify(blockOn)}.`);
  }
  const floor = options.confidenceFloor ?? challenger.options.confidenceFloor;
  if (!(floor >= 0 && floor <= 1)) throw new FirebreakError("INVALID_OPTIONS", `${WHERE}: confidenceFloor must be in [0, 1], got ${String(floor)}.`);
  const feedback = options.feedback ?? "message";
  if (feedback !== "message" && feedback !== "config" && typeof feedback !== "function") {
    throw new FirebreakError("INVALID_OPTIONS", `${WHERE}: feedback must be "message", "config" or a function, got ${JSON.stringify(feedback)}.`);
  }
  const parentKeys = parentKeysOf(options.state, WHERE);
  const claimsKey = options.claimsKey ?? challenger.options.claimsKey;
  return {
    producer,
    challenger,
    parentKeys,
    name: options.name,
    maxAttempts,
    policy: assertReviewPolicy(options.policy ?? challenger.options.policy, WHERE),
    hub: once(options.hub ?? challenger.options.hub),
    confidenceFloor: floor,
    blockOn: new Set(blockOn),
    onExhausted,
    keys: {
      claimsKey,
      messagesKey: options.messagesKey ?? "messages",
      recordKey: options.recordKey ?? GUARD_RECORDS_KEY,
    },
    extractClaims: options.extractClaims,
    feedback,
    notes: options.notes ?? true,
    humanVerifier: options.humanVerifier ?? "human",
    claimsOptions: options.claimsOptions ?? claimsOptionsOf(options.state, claimsKey),
    hasClaims: parentKeys.includes(claimsKey),
  };
}

/** A hub flag, or a function asked once. */
function once(hub: boolean | (() => boolean)): () => boolean {
  if (typeof hub !== "function") return () => hub;
  let value: boolean | undefined;
  return () => (value ??= hub() === true);
}

/** The producer's node name: given, or the parent node this guard runs as (from the checkpoint namespace). */
function producerName(o: Resolved, config: RunnableConfig | undefined): string {
  if (o.name !== undefined) return o.name;
  const ns = String(config?.configurable?.["checkpoint_ns"] ?? "");
  const parts = ns.split("|").filter(Boolean);
  // Inside a guard node the namespace ends "…|<parent node>:<task>|<guard node>:<task>".
  const parent = parts.length >= 2 ? parts[parts.length - 2]!.split(":")[0] : undefined;
  return parent || "producer";
}

async function runProducer(producer: GuardProducer, view: Record<string, unknown>, config: LangGraphRunnableConfig): Promise<unknown> {
  return typeof producer === "function" ? producer(view, config) : producer.invoke(view, config);
}

function normaliseOutput(raw: unknown, name: string): { update: Record<string, unknown>; goto?: unknown } {
  if (raw === null || raw === undefined) return { update: {} };
  if (isCommand(raw)) {
    const cmd = raw as Command;
    if (cmd.graph === Command.PARENT) {
      throw new FirebreakError("INVALID_OPTIONS", `Guard on node "${name}": the producer returned a Command addressed to the parent graph; a guarded producer returns its update (or a plain Command) and the guard commits it after review.`);
    }
    const update = Array.isArray(cmd.update) ? Object.fromEntries(cmd.update as [string, unknown][]) : ((cmd.update as Record<string, unknown> | undefined) ?? {});
    const goto = Array.isArray(cmd.goto) ? (cmd.goto.length > 0 ? cmd.goto : undefined) : cmd.goto;
    return goto === undefined ? { update } : { update, goto };
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new FirebreakError("INVALID_OPTIONS", `Guard on node "${name}": the producer must return an update object or a Command, got ${Array.isArray(raw) ? "an array" : typeof raw}.`);
  }
  return { update: raw as Record<string, unknown> };
}

function knownClaims(value: unknown): KnownClaim[] {
  return asList(value)
    .filter((c): c is { id: string; text: string; status: string } => typeof (c as { id?: unknown })?.id === "string")
    .map((c) => ({ id: c.id, text: String(c.text ?? ""), status: String(c.status ?? "unverified") }));
}

function labelled(review: Review, keep: (v: Verdict) => boolean = () => true): LabelledVerdict[] {
  return review.judgements
    .filter((j) => keep(j.verdict))
    .map((j) => ({ id: j.claimId, status: j.verdict, reason: j.reasons.join(" "), evidence: [...j.evidence] }));
}

function humanVerdicts(claims: readonly BufferedClaim[], outcome: Outcome & { reason?: string; by?: string }, blocked: number): LabelledVerdict[] {
  const reason = outcome.reason ?? `Approved by a human reviewer after ${blocked} blocked attempt(s).`;
  return claims.map((c) => ({ id: c.id, status: "green" as const, reason, evidence: [`human:${outcome.by ?? "reviewer"}`] }));
}

function feedbackFor(name: string, buffer: Buffered, review: Review, maxAttempts: number): GuardFeedback {
  const evidenceById = new Map<string, EvidenceItem>(review.evidence.map((e) => [e.id, e]));
  const text = new Map(buffer.claims.map((c) => [c.id, c.text]));
  return {
    kind: "firebreak/guard-feedback",
    producer: name,
    attempt: buffer.attempt,
    remainingAttempts: maxAttempts - buffer.attempt,
    failed: review.judgements
      .filter((j) => review.blocking.includes(j.claimId))
      .map((j) => ({
        claimId: j.claimId,
        text: text.get(j.claimId) ?? "",
        verdict: j.verdict,
        reasons: [...j.reasons],
        evidence: j.evidence.map((id) => evidenceById.get(id)).filter((e): e is EvidenceItem => e !== undefined),
      })),
    ...(buffer.invalid === undefined ? {} : { invalidUpdate: buffer.invalid }),
  };
}

/** The claims already in the parent's channel. */
function storedClaims(parent: Record<string, unknown>, claimsKey: string): Claim[] {
  return Array.isArray(parent[claimsKey]) ? (parent[claimsKey] as Claim[]) : [];
}

/**
 * Runs the producer's claims through the parent channel's reducer without writing anything:
 * an invalid update blocks the attempt (with feedback) instead of failing the parent, and the
 * claims the challenger sees carry the channel's doubt propagation, confidence cap and taint.
 */
function previewProducerClaims(o: Resolved, parent: Record<string, unknown>, update: Record<string, unknown>, claims: BufferedClaim[]): { claims: BufferedClaim[]; invalid?: string } {
  if (!o.hasClaims || update[o.keys.claimsKey] === undefined || update[o.keys.claimsKey] === null) return { claims };
  const before = storedClaims(parent, o.keys.claimsKey);
  let after: Claim[];
  try {
    after = reduceClaims(before, update[o.keys.claimsKey] as ClaimsUpdate, o.claimsOptions);
  } catch (error) {
    if (isFirebreakError(error) && error.code === "INVALID_CLAIM") return { claims, invalid: error.message };
    throw error;
  }
  const added = new Map(after.slice(before.length).map((c) => [c.id, c]));
  return {
    claims: claims.map((c) => {
      const stored = added.get(c.id);
      if (stored === undefined || c.from.kind !== "claims") return c;
      return {
        ...c,
        confidence: stored.confidence,
        requiresVerification: stored.requiresVerification,
        basedOn: [...stored.origin.basedOn],
        ...(stored.taint === undefined ? {} : { taint: [...stored.taint] }),
      };
    }),
  };
}

function note(name: string, text: string): AIMessage {
  return new AIMessage({ name: "firebreak_guard", content: `[guard on ${name}] ${text}` });
}

/** Checks the commit's claims update against the parent's channel before it is written (a rejected write would stick in the checkpoint's pending writes). */
function checkCommit(o: Resolved, name: string, parent: Record<string, unknown>, update: ClaimsUpdate): void {
  try {
    reduceClaims(storedClaims(parent, o.keys.claimsKey), update, o.claimsOptions);
  } catch (error) {
    if (!isFirebreakError(error)) throw error;
    throw new FirebreakError(
      "INVALID_CLAIM",
      `Guard on node "${name}": the claims channel would reject the commit (${error.message}). If the channel restricts verifiers, ` +
        `add "${o.challenger.options.name}" (the challenger) and "${o.humanVerifier}" (human approvals) to its \`verifiers\`; nothing was written.`,
      { cause: error },
    );
  }
}

/**
 * Creates a BICR guard around a producer: a compiled subgraph that drops into any parent
 * `StateGraph` in place of the producer node.
 *
 * - **Buffer**: the producer runs on the parent's state and its update lands in a private
 *   channel of the subgraph.
 * - **Challenge**: the challenger judges the update's claims (selected by `policy`) seeing
 *   only the original intent, the claims and its own evidence.
 * - **Isolate**: the only way out of the subgraph is a verdict: a pass commits from the
 *   challenge node; a block takes the conditional edge to Recover or to the escalation. No
 *   parent channel is written before a verdict.
 * - **Recover**: a blocked update is discarded — shared state is exactly as before the
 *   producer ran — and the producer retries with a feedback package, up to `maxAttempts`;
 *   then `onExhausted` decides: a human (`interrupt`), `degrade`, or `fail`.
 *
 * On a pass the update is committed to the parent (through `Command.PARENT`) with its claims
 * labelled by the verdicts: a clean handoff costs two supersteps inside the guard (produce,
 * challenge). Every stage emits a `firebreak/bicr` event. With a checkpointer, a run killed
 * during Challenge resumes there without re-running the producer.
 *
 * @example
 * const guard = createBicrGuard({
 *   producer: researcher,
 *   challenger: createChallenger({ model: judge, evidence: search }),
 *   state: State,
 *   maxAttempts: 3,
 *   onExhausted: "interrupt",
 * });
 * builder.addNode("researcher", guard, { metadata: { firebreak: guard.firebreak } });
 */
export function createBicrGuard(options: BicrGuardOptions): BicrGuard {
  const o = resolve(options);
  const { state, input, output } = guardAnnotations(o.parentKeys);
  const base = (config: RunnableConfig | undefined, attempt: number) => ({ guard: producerName(o, config), attempt, maxAttempts: o.maxAttempts });

  const produce = async (s: GuardState, config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    const attempt = s.bicr_attempt + 1;
    const parent = parentValues(s, o.parentKeys);
    const feedback = s.bicr_feedback;
    const view = feedback ? injectFeedback(parent, feedback, o.feedback, o.keys.messagesKey) : parent;
    const producerConfig = feedback ? { ...config, configurable: { ...config.configurable, [GUARD_FEEDBACK_KEY]: feedback } } : config;
    const { update: raw, goto } = normaliseOutput(await runProducer(o.producer, view, producerConfig), name);
    const update = fillClaimIds(stripFeedback(raw, o.keys.messagesKey), o.keys.claimsKey, name);
    const found = await extractClaims(update, { producer: name, state: parent, attempt }, o.keys, o.extractClaims);
    const { claims, invalid } = previewProducerClaims(o, parent, update, found);
    const buffer: Buffered = { attempt, update, claims, ...(goto === undefined ? {} : { goto }), ...(invalid === undefined ? {} : { invalid }) };
    await emitBicr({ ...base(config, attempt), stage: "buffer", claimIds: claims.map((c) => c.id), ...(invalid === undefined ? {} : { invalid }) }, config);
    return { bicr_attempt: attempt, bicr_buffer: buffer };
  };

  const challenge = async (s: GuardState, config: LangGraphRunnableConfig) => {
    const buffer = s.bicr_buffer!;
    const parent = parentValues(s, o.parentKeys);
    let result: ChallengeResult = { judgements: [], evidence: [], valid: true };
    let reviewed: string[] = [];
    if (buffer.invalid === undefined) {
      const selected = selectForReview(buffer.claims, { policy: o.policy, hub: o.hub(), confidenceFloor: o.confidenceFloor, known: knownClaims(parent[o.keys.claimsKey]) });
      reviewed = selected.map((c) => c.id);
      if (selected.length > 0) {
        // The challenger gets this projection and nothing else: the intent and the selected claims.
        const request = {
          intent: readIntent(parent, options.intent ?? o.challenger.options.intent),
          claims: selected.map((c) => (c.value === undefined ? { id: c.id, text: c.text } : { id: c.id, text: c.text, value: c.value })),
        };
        result = await withBicrRun({ ...base(config, buffer.attempt), stage: "challenge" }, config, (c) => o.challenger.review(request, c));
      }
    }
    const blocking = result.judgements.filter((j) => o.blockOn.has(j.verdict)).map((j) => j.claimId);
    const review: Review = { ...result, attempt: buffer.attempt, reviewed, blocking, blocked: blocking.length > 0 || buffer.invalid !== undefined };
    const record = attemptRecord(buffer, review);
    const decision = !review.blocked ? "commit" : buffer.attempt < o.maxAttempts ? "recover" : "escalate";
    await emitBicr(
      {
        ...base(config, buffer.attempt),
        stage: "challenge",
        verdicts: record.claims.map((c) => ({ id: c.id, verdict: c.verdict, reasons: c.reasons })),
        ...verdictAttributes(record.claims, producerName(o, config)),
        blocked: review.blocked,
        valid: review.valid,
      },
      config,
    );
    await emitBicr({ ...base(config, buffer.attempt), stage: "isolate", decision, blocking }, config);
    // A pass commits from here: one superstep (and one checkpoint write) less per clean handoff.
    if (decision === "commit") return commitToParent(s, review, [...s.bicr_attempts, record], config);
    return { bicr_review: review, bicr_attempts: [record] };
  };

  // Isolate: a blocked update never leaves the subgraph; it goes to Recover, or to the escalation.
  const isolate = (s: GuardState): "recover" | "escalate" => (s.bicr_attempt < o.maxAttempts ? "recover" : "escalate");

  const recover = async (s: GuardState, config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    const feedback = feedbackFor(name, s.bicr_buffer!, s.bicr_review!, o.maxAttempts);
    await emitBicr({ ...base(config, feedback.attempt), stage: "recover", discarded: true, failed: feedback.failed.map((f) => f.claimId), feedback }, config);
    // Discard the buffer: the blocked update is gone, and only the feedback survives.
    return { bicr_feedback: feedback, bicr_buffer: null, bicr_review: null };
  };

  const escalate = async (s: GuardState, config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    const buffer = s.bicr_buffer!;
    if (o.onExhausted === "fail") {
      const record = guardRecord({
        guard: name,
        policy: o.policy,
        maxAttempts: o.maxAttempts,
        attempts: s.bicr_attempts,
        outcome: "failed",
        blockOn: o.blockOn,
        droppedClaimIds: buffer.claims.map((c) => c.id),
      });
      await emitBicr({ ...base(config, buffer.attempt), stage: "escalate", mode: "fail", outcome: "failed", record }, config);
      throw new GuardExhaustedError(record);
    }
    if (o.onExhausted === "degrade") {
      await emitBicr({ ...base(config, buffer.attempt), stage: "escalate", mode: "degrade" }, config);
      return { bicr_outcome: { action: "degrade" } satisfies Outcome };
    }
    const packet = escalationPacket({
      producer: name,
      intent: readIntent(parentValues(s, o.parentKeys), options.intent ?? o.challenger.options.intent),
      attempts: s.bicr_attempts,
      buffer,
      review: s.bicr_review!,
    });
    // interrupt() re-runs this node from the top on resume: everything above is pure.
    const answer = parseResume(interrupt(packet), name);
    await emitBicr({ ...base(config, buffer.attempt), stage: "escalate", mode: "interrupt", resolution: answer.action, by: answer.by ?? null }, config);
    return { bicr_outcome: answer };
  };

  /** Builds the parent update for the handoff's outcome and sends it up with `Command.PARENT`. */
  const commitToParent = async (s: GuardState, review: Review, attempts: readonly AttemptRecord[], config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    const buffer = s.bicr_buffer!;
    const outcome = s.bicr_outcome;
    const label = (update: Record<string, unknown>, verifier: string, verdicts: LabelledVerdict[], claims: readonly BufferedClaim[]) =>
      o.hasClaims ? withVerdicts(update, o.keys.claimsKey, verifier, verdicts, claims) : update;
    const blockedCount = attempts.filter((a) => a.blocked).length;
    let update: Record<string, unknown>;
    let result: GuardOutcome;
    let committed: string[] = [];
    let dropped: string[] = [];
    let highRisk: string[] = [];
    let noteText: string | undefined;
    let goto = buffer.goto;
    if (outcome === null) {
      result = "passed";
      update = label(buffer.update, o.challenger.options.name, labelled(review), buffer.claims);
      committed = buffer.claims.map((c) => c.id);
    } else if (outcome.action === "degrade") {
      result = "degraded";
      const verdictOf = (id: string) => review.judgements.find((j) => j.claimId === id)?.verdict;
      const degraded = degradeUpdate(buffer.update, buffer.claims, verdictOf, o.keys);
      const kept = buffer.claims.filter((c) => !degraded.dropped.includes(c.id));
      update = label(degraded.update, o.challenger.options.name, labelled(review, (v) => v !== "red"), kept);
      committed = kept.map((c) => c.id);
      dropped = degraded.dropped;
      highRisk = degraded.highRisk;
      noteText = `output blocked ${blockedCount} time(s); withheld ${dropped.length} contradicted claim(s)${highRisk.length ? `, forwarded ${highRisk.length} unsupported claim(s) tagged high-risk` : ""}.`;
    } else if (outcome.action === "approve") {
      result = "approved";
      update = label(buffer.update, o.humanVerifier, humanVerdicts(buffer.claims, outcome, blockedCount), buffer.claims);
      committed = buffer.claims.map((c) => c.id);
    } else if (outcome.action === "edit") {
      result = "edited";
      const edited = fillClaimIds(stripFeedback(outcome.update, o.keys.messagesKey), o.keys.claimsKey, name);
      const claims = await extractClaims(edited, { producer: name, state: parentValues(s, o.parentKeys), attempt: buffer.attempt }, o.keys, o.extractClaims);
      update = label(edited, o.humanVerifier, humanVerdicts(claims, { ...outcome, reason: outcome.reason ?? `Edited by a human reviewer after ${blockedCount} blocked attempt(s).` }, blockedCount), claims);
      committed = claims.map((c) => c.id);
      dropped = buffer.claims.map((c) => c.id);
    } else {
      result = "rejected";
      update = {};
      goto = undefined;
      dropped = buffer.claims.map((c) => c.id);
      noteText = `output rejected by a human after ${blockedCount} blocked attempt(s)${outcome.reason ? ` (${outcome.reason})` : ""}; nothing from it was forwarded.`;
    }
    const record = guardRecord({ guard: name, policy: o.policy, maxAttempts: o.maxAttempts, attempts, outcome: result, blockOn: o.blockOn, committedClaimIds: committed, droppedClaimIds: dropped, highRiskClaimIds: highRisk });
    const final: Record<string, unknown> = { ...update };
    if (o.hasClaims && final[o.keys.claimsKey] !== undefined) checkCommit(o, name, parentValues(s, o.parentKeys), final[o.keys.claimsKey] as ClaimsUpdate);
    if (o.parentKeys.includes(o.keys.recordKey)) final[o.keys.recordKey] = [record];
    if (noteText !== undefined && o.notes && o.parentKeys.includes(o.keys.messagesKey)) {
      final[o.keys.messagesKey] = [...asList(final[o.keys.messagesKey]), note(name, noteText)];
    }
    await emitBicr({ ...base(config, buffer.attempt), stage: "commit", outcome: result, blocked: record.blocked, committedClaimIds: committed, record }, config);
    return new Command({ graph: Command.PARENT, update: final, ...(goto === undefined ? {} : { goto: goto as string }) });
  };

  const commit = (s: GuardState, config: LangGraphRunnableConfig) => commitToParent(s, s.bicr_review!, s.bicr_attempts, config);

  const graph = new StateGraph({ stateSchema: state, input, output } as never) as unknown as StateGraph<any, any, any, string>;
  graph.addNode("produce", produce as never, { metadata: { firebreak: { role: "agent" } }, ...(options.producerRetryPolicy ? { retryPolicy: options.producerRetryPolicy } : {}) });
  graph.addNode("challenge", challenge as never, { metadata: { firebreak: { role: "verifier" } } });
  graph.addNode("recover", recover as never, { metadata: { firebreak: { role: "router" } } });
  graph.addNode("escalate", escalate as never, { metadata: { firebreak: { role: o.onExhausted === "interrupt" ? "human" : "router" } } });
  graph.addNode("commit", commit as never, { metadata: { firebreak: { role: "router" } } });
  graph.addEdge(START, "produce");
  graph.addEdge("produce", "challenge");
  graph.addConditionalEdges("challenge", isolate as never, ["recover", "escalate"]);
  graph.addEdge("recover", "produce");
  graph.addEdge("escalate", "commit");
  graph.addEdge("commit", END);
  const compiled = graph.compile({ name: o.name ? `bicr:${o.name}` : "bicr" });
  const info: BicrGuardInfo = {
    role: "agent",
    guard: { ...(o.name === undefined ? {} : { producer: o.name }), policy: o.policy, maxAttempts: o.maxAttempts },
    ...(options.hub === true ? { hub: true } : {}),
  };
  return Object.assign(compiled, { firebreak: info }) as unknown as BicrGuard;
}
