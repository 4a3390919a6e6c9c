import { z } from "zod/v4";

/**
 * How far a claim has been checked. A claim starts `"unverified"`; only a verifier's verdict
 * (see `claimVerdicts`) sets `"green"` (entailed by evidence), `"yellow"` (neither entailed
 * nor contradicted) or `"red"` (contradicted) — the labels of arXiv:2603.04474.
 */
export const CLAIM_STATUSES = ["unverified", "green", "yellow", "red"] as const;
/** A claim's verification status; see {@link CLAIM_STATUSES}. */
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** The statuses a verdict may set. */
export const VERDICT_STATUSES = ["green", "yellow", "red"] as const;
/** A verdict's label; see {@link VERDICT_STATUSES}. */
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

/** Where a claim's content came from: a tool call, a document, a model's own reasoning, or a human. */
export const CLAIM_SOURCES = ["tool", "document", "model", "human"] as const;
/** A claim's kind of source; see {@link CLAIM_SOURCES}. */
export type ClaimSource = (typeof CLAIM_SOURCES)[number];

const probability = z.number().min(0).max(1);
const isoTime = z.iso.datetime({ offset: true });
/** A JSON object of pass-through data (never read or changed by the channel). */
const jsonRecord = z.record(z.string(), z.json());

/** The answer a claim carries, when it is an answer: a JSON scalar. */
export const ClaimValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** The answer a claim carries, when it is an answer. */
export type ClaimValue = z.infer<typeof ClaimValueSchema>;

/** One competing answer with the probability its author gave it. */
export const ClaimAlternativeSchema = z.strictObject({ value: ClaimValueSchema, confidence: probability });
/** One competing answer with its probability. */
export type ClaimAlternative = z.infer<typeof ClaimAlternativeSchema>;

/**
 * The proof that the channel applied a verdict (or a verdict batch) from a verifier it
 * recognised: a key id and an HMAC-SHA256 over the record (see `seal.ts`). Opaque data; the
 * channel checks it when claims are handed on from an earlier run or another graph.
 */
export const ClaimSealSchema = z.strictObject({ k: z.string().min(1), mac: z.string().min(1) });
/** A seal; see {@link ClaimSealSchema}. */
export type ClaimSeal = z.infer<typeof ClaimSealSchema>;

/** Who labelled a claim, when, why, and on what evidence. */
export const ClaimVerificationSchema = z.strictObject({
  verifier: z.string().min(1),
  at: isoTime,
  reason: z.string(),
  evidence: z.array(z.string()),
  /** The label this verdict gave (absent only in records written before the channel kept it). */
  status: z.enum(VERDICT_STATUSES).optional(),
  /** The LangGraph task (checkpoint namespace) whose node wrote the verdict: tells a subgraph's verdict from the parent's. */
  task: z.string().min(1).optional(),
  /** The channel's seal over this record, chained to the previous one. */
  seal: ClaimSealSchema.optional(),
});
/** Who labelled a claim, when, why, and on what evidence. */
export type ClaimVerification = z.infer<typeof ClaimVerificationSchema>;

/** Provenance of a stored claim. */
export const ClaimOriginSchema = z.strictObject({
  /** Node name of the agent that made the claim. */
  agent: z.string().min(1),
  source: z.enum(CLAIM_SOURCES),
  /** Tool call id, document URI, model name… whatever pins the source down. */
  ref: z.string().optional(),
  /** ISO time the claim was recorded. */
  at: isoTime,
  /** Ids of the claims this one was derived from (its parents in the lineage graph). */
  basedOn: z.array(z.string().min(1)),
});
/** Provenance of a stored claim. */
export type ClaimOrigin = z.infer<typeof ClaimOriginSchema>;

const alternativesFitCheck = (claim: { confidence: number; alternatives?: readonly ClaimAlternative[] }) =>
  totalProbability(claim) <= 1 + PROBABILITY_EPSILON;

/** Float slack allowed when checking that probabilities sum to at most 1. */
export const PROBABILITY_EPSILON = 1e-9;

/** `confidence` plus every alternative's confidence. */
export function totalProbability(claim: {
  confidence: number;
  alternatives?: readonly { confidence: number }[] | undefined;
}): number {
  let total = claim.confidence;
  for (const alt of claim.alternatives ?? []) total += alt.confidence;
  return total;
}

/**
 * A claim as stored in the claims channel: one atomic statement with its provenance, its
 * author's confidence (capped by its parents'), competing answers, and its verification.
 */
export const ClaimSchema = z
  .strictObject({
    id: z.string().min(1),
    /** One atomic statement. */
    text: z.string().min(1),
    /** The answer, when the claim is an answer. */
    value: ClaimValueSchema.optional(),
    origin: ClaimOriginSchema,
    /** Probability the claim is true, after the lineage cap (see `reduceClaims`). */
    confidence: probability,
    /** What the author said, when the lineage cap lowered it. */
    statedConfidence: probability.optional(),
    /** Competing answers; with `confidence` they sum to at most 1. */
    alternatives: z.array(ClaimAlternativeSchema),
    /** True when the claim must be checked before anyone relies on it. */
    requiresVerification: z.boolean(),
    status: z.enum(CLAIM_STATUSES),
    /**
     * The latest verdict, absent until the first one. A claim whose basis lost green keeps it
     * (its status is then `"unverified"` again: doubt, see `reduceClaims`).
     */
    verifiedBy: ClaimVerificationSchema.optional(),
    /** The verdicts before `verifiedBy`, oldest first: the claim's verdict history. */
    history: z.array(ClaimVerificationSchema).optional(),
    /**
     * Hidden labels inherited by every descendant (union of the parents' taints). Used by
     * fault injection to measure how far a planted claim spreads; never shown to agents.
     */
    taint: z.array(z.string().min(1)).optional(),
    /** Pass-through JSON data; the channel neither reads nor changes it, and it is not inherited. */
    meta: jsonRecord.optional(),
  })
  .refine(alternativesFitCheck, {
    message: "confidence plus the alternatives' confidences must not exceed 1",
    path: ["alternatives"],
  });
/** A claim as stored in the claims channel. */
export type Claim = z.infer<typeof ClaimSchema>;

/**
 * A claim as a node writes it. `id`, `origin.at`, `origin.basedOn`, `alternatives` and
 * `requiresVerification` may be omitted; `status` may only be `"unverified"`.
 */
export const ClaimInputSchema = z.strictObject({
  id: z.string().min(1).optional(),
  text: z.string().min(1).regex(/\S/, { error: "expected a statement (at least one character that is not white space)" }),
  value: ClaimValueSchema.optional(),
  origin: z.strictObject({
    agent: z.string().min(1),
    source: z.enum(CLAIM_SOURCES),
    ref: z.string().optional(),
    at: isoTime.optional(),
    basedOn: z.array(z.string().min(1)).default([]),
  }),
  confidence: probability,
  /** Ignored: the channel recomputes it. Accepted so a copied claim can be written as a new one. */
  statedConfidence: probability.optional(),
  alternatives: z.array(ClaimAlternativeSchema).default([]),
  /** The author's own request for verification; the channel may force it to `true`. */
  requiresVerification: z.boolean().default(false),
  status: z.literal("unverified").optional(),
  taint: z.array(z.string().min(1)).optional(),
  meta: jsonRecord.optional(),
});
/** A claim as a node writes it; see {@link ClaimInputSchema}. */
export type ClaimInput = z.input<typeof ClaimInputSchema>;

/** One verdict on one claim. */
export const ClaimVerdictSchema = z.strictObject({
  /** Id of the claim judged. */
  id: z.string().min(1),
  status: z.enum(VERDICT_STATUSES),
  /** Why: shown to the producer in feedback and kept on the claim. */
  reason: z.string().min(1),
  /** References to the evidence consulted (URIs, tool call ids, document ids). */
  evidence: z.array(z.string().min(1)).default([]),
});
/** One verdict on one claim. */
export type ClaimVerdict = z.input<typeof ClaimVerdictSchema>;

/** The tag that marks a verdict batch inside a claims update. */
export const CLAIM_VERDICTS_KIND = "firebreak/verdicts" as const;

/** A batch of verdicts from one verifier: the only update that can change a claim's status. */
export const ClaimVerdictsSchema = z.strictObject({
  kind: z.literal(CLAIM_VERDICTS_KIND),
  /** Name of the verifier node. */
  verifier: z.string().min(1),
  /** ISO time of the verdicts. @default the channel's clock */
  at: isoTime.optional(),
  /**
   * Ids of the evidence the verifier fetched in this review: a verdict that turns a claim
   * green may cite only these (or the claim's own `origin.ref`). @default []
   */
  fetched: z.array(z.string().min(1)).optional(),
  verdicts: z.array(ClaimVerdictSchema).min(1),
  /**
   * Set with the seal: for each verdict, how many verdicts its claim had when the verifier
   * judged it. A batch applies only to that version of each claim, so a batch replayed after
   * the claim was judged again (from a stream, a checkpoint, `updateState` or another node) is
   * rejected.
   */
  versions: z.array(z.number().int().min(0)).optional(),
  /**
   * Set with the seal: the LangGraph task (checkpoint namespace: node path and task id) that
   * sealed the batch. At node time a sealed batch is accepted only from that task, or from the
   * node of the verifier it names.
   */
  task: z.string().min(1).optional(),
  /**
   * Set by the writer's node-time check (zod/`StateSchema` state, `withWriteContract`), by
   * `createChallenger`'s node and by the guard: it proves which verifier wrote the batch. A
   * batch without one is rejected by the channel's reducer.
   */
  seal: ClaimSealSchema.optional(),
});
/** A batch of verdicts from one verifier; build it with `claimVerdicts`. */
export type ClaimVerdicts = z.input<typeof ClaimVerdictsSchema>;

/** One item of a claims update: a new claim, an unchanged stored claim, or a verdict batch. */
export type ClaimsUpdateItem = ClaimInput | Claim | ClaimVerdicts;

/**
 * What a node may write to the claims channel: one item or a list, applied in order and
 * atomically (all or nothing). `null`/`undefined` change nothing.
 */
export type ClaimsUpdate = ClaimsUpdateItem | readonly ClaimsUpdateItem[] | null | undefined;

/** The stored claims: append-only, oldest first, JSON-serialisable. Treat as read-only. */
export const ClaimsStateSchema = z.array(ClaimSchema);
