import type { EffectEntry } from "../../src/effects/effect-types.js";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { LangGraphRunnableConfig, RetryPolicy } from "@langchain/langgraph";
import type { ClaimsOptions } from "../../src/claims/index.js";
import type { Challenger } from "../challenger/create-challenger.js";
import type { IntentSelector } from "../challenger/intent.js";
import type { ReviewPolicy } from "../challenger/review-policy.js";
import type { EvidenceItem } from "../challenger/types.js";
import type { Verdict } from "../challenger/verdict-schema.js";

/**
 * The guarded producer: a node function, or a runnable such as a compiled `createReactAgent`
 * graph. It receives the parent's state (plus feedback on a retry) and returns its update —
 * a plain object or a `Command` — exactly as it would unguarded.
 */
export type GuardProducer =
  | ((state: any, config: LangGraphRunnableConfig) => unknown)
  | { invoke(input: any, config?: RunnableConfig): Promise<unknown> };

/**
 * The parent graph's state, from which the guard learns the parent's keys: an
 * `Annotation.Root`, a zod object, a `StateSchema`, a `StateGraph` builder, or the key list.
 */
export type ParentStateSource = { spec: Record<string, unknown> } | { shape: Record<string, unknown> } | { channels: Record<string, unknown> } | { getChannelKeys(): string[] } | readonly string[];

/** What the guard does once `maxAttempts` attempts were all blocked. */
export type ExhaustedMode =
  /** Ask a human: `interrupt()` with the {@link EscalationPacket}; needs a checkpointer. */
  | "interrupt"
  /** Drop red claims, forward yellow ones tagged high-risk (the paper's breaker). */
  | "degrade"
  /** Throw a {@link GuardExhaustedError}; nothing reaches shared state. */
  | "fail";

/** A claim the guard found in the producer's update, held in the buffer. */
export interface BufferedClaim {
  /** The claim's id (filled in by the guard when the producer gave none). */
  readonly id: string;
  /** One statement. */
  readonly text: string;
  /** The answer, when the claim is an answer. */
  readonly value?: string | number | boolean | null;
  /** The author's confidence, when stated. */
  readonly confidence?: number;
  /** The author's (or the lineage's) request for verification. */
  readonly requiresVerification?: boolean;
  /** Ids of the claims it builds on. */
  readonly basedOn: readonly string[];
  /** Fault-injection taints carried by the claim, if any. */
  readonly taint?: readonly string[];
  /** What else a claim carries that the challenger is shown (alternatives' answers, meta, source reference). */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * Where in the attempt it came from: the claims key (by index), a message operation (by
   * index: `add`, `replace` by id, `remove`), another channel (by key), or the `Command`'s
   * `goto` (a node name, or a `Send` with its payload).
   */
  readonly from:
    | { readonly kind: "claims"; readonly index: number }
    | { readonly kind: "message"; readonly index: number; readonly op?: "add" | "replace" | "remove"; readonly prose?: boolean }
    | { readonly kind: "field"; readonly key: string }
    | { readonly kind: "route"; readonly index: number }
    | { readonly kind: "send"; readonly index: number };
}

/** What an extractor sees: the producer's update and the parent's state before it. */
export interface ClaimExtractionContext {
  /** Name of the producer node. */
  readonly producer: string;
  /** The parent's state as the producer saw it (without feedback). */
  readonly state: Readonly<Record<string, unknown>>;
  /** The attempt number, from 1. */
  readonly attempt: number;
}

/**
 * Finds the claims in a producer's update. Return `text` (and optionally `id`, `confidence`,
 * `requiresVerification`, `basedOn`) per claim; the default reads the claims key, else one
 * claim per new AI message, plus one per string field.
 */
export type ClaimExtractor = (
  update: Readonly<Record<string, unknown>>,
  context: ClaimExtractionContext,
) => ReadonlyArray<Partial<BufferedClaim> & { text: string }> | Promise<ReadonlyArray<Partial<BufferedClaim> & { text: string }>>;

/** One blocked claim, as the producer is told about it. */
export interface FeedbackItem {
  readonly claimId: string;
  readonly text: string;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  /** The evidence the verdict relied on (id and content). */
  readonly evidence: readonly EvidenceItem[];
}

/** The structured feedback a blocked producer gets for its next attempt. */
export interface GuardFeedback {
  readonly kind: "firebreak/guard-feedback";
  /** Name of the producer node. */
  readonly producer: string;
  /** The attempt that was blocked, from 1. */
  readonly attempt: number;
  /** Attempts left after the blocked one (the revision included). */
  readonly remainingAttempts: number;
  /** The claims that blocked it, with reasons and evidence. */
  readonly failed: readonly FeedbackItem[];
  /** Set when the update itself was rejected before review (e.g. an invalid claims update). */
  readonly invalidUpdate?: string;
  /** Set when the attempt was blocked because it could not be fully reviewed. */
  readonly incompleteReview?: string;
  /** The blocked attempt's side effects that were not kept: deferred ones dropped, compensated ones undone. */
  readonly undoneEffects?: readonly { readonly tool: string; readonly status: string; readonly input: unknown }[];
}

/** Puts feedback where the producer will read it; returns the state the producer receives. */
export type FeedbackInjector = (state: Record<string, unknown>, feedback: GuardFeedback) => Record<string, unknown>;

/** One review item's fate in one attempt (a claim, a message operation, a channel write, a route). */
export interface AttemptClaimRecord {
  readonly id: string;
  /** What the item is: a claim of the claims channel, or another effect of the attempt. */
  readonly kind: "claim" | "message" | "field" | "route" | "send";
  readonly text: string;
  /** The verdict, or `"unreviewed"` when the policy did not send the claim to the challenger. */
  readonly verdict: Verdict | "unreviewed";
  readonly reasons: readonly string[];
  readonly evidence: readonly string[];
  readonly taint?: readonly string[];
  /** The item's value, when it carries one (the red ledger compares text and value). */
  readonly value?: string | number | boolean | null;
  /** Set when the verdict is the challenger's fail-closed label (`invalidReply: "label"`), not a judgement: the red ledger ignores it. */
  readonly failClosed?: true;
  /**
   * Set when the red ledger blocked the item without asking the challenger: it repeats a claim
   * judged red earlier in the thread (`claimId`, in `attempt` of this handoff, or of an earlier
   * handoff on `guard`).
   */
  readonly repeats?: { readonly claimId: string; readonly attempt: number; readonly guard?: string };
  /** Set when a yellow verdict blocked because the claim is built on a claim that is not green (`yellowOnShakyParents`). */
  readonly shakyParent?: string;
}

/** What happened in one attempt. */
export interface AttemptRecord {
  /** From 1. */
  readonly attempt: number;
  readonly claims: readonly AttemptClaimRecord[];
  /** True when the attempt was blocked (its update never reached shared state). */
  readonly blocked: boolean;
  /** False when the challenger's reply was not a valid verdict for every claim (fail-closed fills). */
  readonly valid: boolean;
  /** Why the update was rejected before review, when it was. */
  readonly invalidUpdate?: string;
  /** Why the review was incomplete (no valid verdict for an item, a failed or timed-out challenger), when it was. */
  readonly incompleteReview?: string;
}

/** A part of the last attempt that a degraded handoff withheld, and why. */
export interface WithheldItem {
  readonly id: string;
  readonly kind: AttemptClaimRecord["kind"];
  /** Where it was: `claims[2]`, `messages[0]`, `field "answer"`, `goto[1]`. */
  readonly place: string;
  /** The verdict that withheld it, or why it was withheld without one. */
  readonly reason: string;
}

/** How a guarded handoff ended. */
export type GuardOutcome = "passed" | "degraded" | "approved" | "edited" | "rejected" | "failed";

/**
 * The complete record of one guarded handoff: every attempt with every verdict, whether and
 * how often it was blocked, and what was committed. Emitted in the final `firebreak/bicr`
 * event, appended to the parent's `recordKey` channel when it has one, and carried by
 * {@link GuardExhaustedError}. Fault injection reads `blocked` and `blockedTaints`.
 */
export interface GuardRecord {
  readonly kind: "firebreak/guard-record";
  /** Unique id of the record (the channel keeps each id once). */
  readonly id: string;
  /** Name of the guarded producer node. */
  readonly guard: string;
  readonly policy: ReviewPolicy;
  readonly maxAttempts: number;
  readonly attempts: readonly AttemptRecord[];
  /** How many attempts were blocked. */
  readonly blocked: number;
  readonly outcome: GuardOutcome;
  /** Ids of the claims that reached shared state. */
  readonly committedClaimIds: readonly string[];
  /** Ids of the claims withheld (degrade) or discarded (reject, fail). */
  readonly droppedClaimIds: readonly string[];
  /** Ids of the claims forwarded tagged high-risk (degrade). */
  readonly highRiskClaimIds: readonly string[];
  /** What a degraded handoff withheld from the last attempt, place by place (empty otherwise). */
  readonly withheld: readonly WithheldItem[];
  /** Union of the taints of every claim that blocked an attempt. */
  readonly blockedTaints: readonly string[];
  /** ISO time the handoff ended. */
  readonly at: string;
  /**
   * The handoff's side effects (`effectTool`), every attempt's, with where each ended: `executed`
   * or `kept` (committed), `dropped` or `compensated` (blocked), `compensation-failed` (escalated),
   * `pending` until the outbox ran it. Absent when the producer made none.
   */
  readonly effects?: readonly EffectEntry[];
}

/** The value a `"interrupt"` escalation hands to the human (the `interrupt()` payload). */
export interface EscalationPacket {
  readonly kind: "firebreak/guard-escalation";
  /** Name of the guarded producer node. */
  readonly producer: string;
  /** The original intent. */
  readonly intent: string;
  /** Every attempt with its verdicts. */
  readonly attempts: readonly AttemptRecord[];
  /** The last, blocked, update (what `approve` would commit). */
  readonly proposedUpdate: Record<string, unknown>;
  /** The evidence the challenger consulted on the last attempt. */
  readonly evidence: readonly EvidenceItem[];
  /** The handoff's side effects so far (absent when none): the last attempt's deferred ones run only on `approve`. */
  readonly effects?: readonly EffectEntry[];
  /** Effects whose compensation failed: they could not be undone and are still in the world. */
  readonly uncompensated?: readonly EffectEntry[];
  /** How to answer: `new Command({ resume: { action, … } })`. */
  readonly actions: readonly ["approve", "reject", "edit"];
}

/**
 * The human's answer to an escalation, given as `new Command({ resume: … })`:
 * `approve` commits the last update with its claims labelled green by the human; `reject`
 * commits nothing; `edit` commits `update` instead (claims labelled green by the human).
 */
export type EscalationResume =
  | { readonly action: "approve"; readonly reason?: string; readonly by?: string }
  | { readonly action: "reject"; readonly reason?: string; readonly by?: string }
  | { readonly action: "edit"; readonly update: Record<string, unknown>; readonly reason?: string; readonly by?: string };

/** Options of {@link createBicrGuard}. */
export interface BicrGuardOptions {
  /** The producer to guard. */
  producer: GuardProducer;
  /** The challenger (from `createChallenger`), or a chat model to build one with defaults. */
  challenger: Challenger | BaseChatModel;
  /** The parent graph's state (or key list): the guard mirrors its keys. */
  state: ParentStateSource;
  /** The producer's node name, for claim origins, feedback and events. @default read from the run's checkpoint namespace */
  name?: string;
  /** Producer runs in all, the first included. @default 3 */
  maxAttempts?: number;
  /** Which claims the challenger reviews. @default the challenger's policy ("strict") */
  policy?: ReviewPolicy;
  /**
   * Whether the producer is a hub of the topology, for `"balanced"`; a function is asked once,
   * at the first handoff (when the parent graph is complete).
   * @default false (guardNodeInPlace: the node's `firebreak.hub` metadata, else the topology analysis)
   */
  hub?: boolean | (() => boolean);
  /** Confidence below which a claim needs review under `"balanced"`. @default the challenger's (0.8) */
  confidenceFloor?: number;
  /** The verdicts that block an attempt. @default ["red"] */
  blockOn?: ReadonlyArray<"red" | "yellow">;
  /** What to do when every attempt was blocked. @default "fail" */
  onExhausted?: ExhaustedMode;
  /**
   * Where the original intent is in the parent's state: a key, or a function of the state.
   * `"messages"` opts in to the first human message.
   * @default the `intent` channel, then `task`; never `messages` unless named
   */
  intent?: IntentSelector;
  /** The parent's claims key. @default "claims" */
  claimsKey?: string;
  /**
   * The options of the parent's claims channel (verifier allow-list, clock), used to check the
   * producer's claims before review and the commit before it is written.
   * @default read from the parent's `claimsChannel(...)` when `state` carries it, else the channel's defaults
   */
  claimsOptions?: ClaimsOptions;
  /** The parent's messages key. @default "messages" */
  messagesKey?: string;
  /** The parent key that receives a {@link GuardRecord} per handoff, when the parent has it. @default "guardRecords" */
  recordKey?: string;
  /** Finds the claims in an update. @default claims key, else new AI messages, plus string fields */
  extractClaims?: ClaimExtractor;
  /**
   * How a retried producer gets its feedback: `"message"` appends a human message to its view
   * of `messages` (never committed), `"config"` only puts it in `config.configurable` (read it
   * with `readGuardFeedback`), or a function that returns the state to give the producer.
   * It is always in `config.configurable` too.
   * @default "message"
   */
  feedback?: "message" | "config" | FeedbackInjector;
  /** Leave a one-line note in `messages` when a handoff is degraded or rejected. @default true */
  notes?: boolean;
  /** The verifier name a human's approval is signed with in the claims channel. @default "human" */
  humanVerifier?: string;
  /** Retry policy of the producer's own runs inside the guard. @default none */
  producerRetryPolicy?: RetryPolicy;
  /**
   * Parent keys whose writes are committed without review, because the challenger cannot judge
   * them (ids, counters, binary data). Every other channel the producer writes is reviewed.
   * @default []
   */
  passThrough?: readonly string[];
  /**
   * What an incomplete review does: a challenger reply that is not a valid verdict for every
   * item, a verdict citing evidence the challenger never fetched, a challenger that throws or
   * times out. `"block"` blocks the attempt (retry, then `onExhausted`); `"label"` takes the
   * challenger's fail-closed label (`onInvalidReply`, yellow by default) as the verdict, which
   * passes unless `blockOn` includes it.
   * @default "block"
   */
  invalidReply?: "block" | "label";
  /**
   * The red ledger: an item that repeats one judged red earlier in the thread (same text and
   * value, normalised: case, spacing, a final full stop; `42` and `"42"` are one value) is blocked
   * at once, without asking the challenger, and the block counts toward `maxAttempts` and
   * `onExhausted`. The ledger is read from this handoff's attempts and from the parent's
   * `recordKey` channel (every earlier handoff of the thread), so it is per thread, survives
   * checkpoints, and the producer cannot clear it. It also feeds the policy's "repeats a red
   * claim" flag. `false` turns both off.
   * @default true
   */
  redLedger?: boolean;
  /**
   * What follows an attempt blocked only because it re-asserts claims the red ledger holds (the
   * producer was told they are red, in this handoff or an earlier one): `"retry"` retries up to
   * `maxAttempts` as for any block (the feedback may still change a model's answer);
   * `"exhaust"` goes to `onExhausted` at once, saving the producer calls of a source that keeps
   * re-asserting them.
   * @default "retry"
   */
  repeatedRed?: "exhaust" | "retry";
  /**
   * What a yellow verdict does on a claim built on claims that are not green (its `basedOn`,
   * followed through the claims channel's lineage and the attempt's own claims): `"block"`
   * blocks the attempt as a red verdict would (and `"degrade"` withholds the claim);
   * `"pass"` lets it pass tagged high-risk like any yellow.
   * @default "block"
   */
  yellowOnShakyParents?: "block" | "pass";
  /** How long one challenge may take before the attempt is blocked as unreviewed. @default 300_000 (5 minutes) */
  challengeTimeoutMs?: number;
  /**
   * Names of callback handlers that keep seeing the guard's internals (blocked attempts
   * included), in addition to the known tracers (LangSmith, Langfuse, OpenInference, console).
   * Every other handler sees only what the guard commits.
   * @default []
   */
  tracers?: readonly string[];
}
