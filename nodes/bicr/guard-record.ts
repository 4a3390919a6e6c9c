import type { EffectEntry } from "../../src/effects/effect-types.js";
import { z } from "zod/v4";
import { reducerChannel, type ReducerChannel } from "../../src/internal/state-field.js";
import type { ReviewPolicy } from "../challenger/review-policy.js";
import type { Buffered, Review } from "./guard-state.js";
import type { AttemptClaimRecord, AttemptRecord, BufferedClaim, GuardOutcome, GuardRecord, WithheldItem } from "./guard-types.js";

/** The default parent key for guard records. */
export const GUARD_RECORDS_KEY = "guardRecords";

/**
 * A state channel that collects one {@link GuardRecord} per guarded handoff (append-only; a
 * record echoed back by a node that returns its whole state is kept once).
 * Add it under `guardRecords` (or the guard's `recordKey`) to keep every verdict, attempt and
 * block in the graph's state and checkpoints.
 *
 * Mounts in `Annotation.Root` and in `new StateSchema({...})` alike.
 *
 * @example
 * const State = Annotation.Root({ ...MessagesAnnotation.spec, guardRecords: guardRecordsChannel() });
 */
export function guardRecordsChannel(): ReducerChannel<GuardRecord[], GuardRecord[] | GuardRecord | null | undefined> {
  return reducerChannel<GuardRecord[], GuardRecord[] | GuardRecord | null | undefined>({
    key: GUARD_RECORDS_KEY,
    // A record already stored is not stored twice: prebuilt agents (createSupervisor's
    // supervisor) return their whole state, guard records included.
    reducer: (records, update) => {
      if (update == null) return records;
      const ids = new Set(records.map((r) => r.id));
      const fresh = (Array.isArray(update) ? update : [update]).filter((r) => typeof r?.id !== "string" || !ids.has(r.id));
      return fresh.length === 0 ? records : records.concat(fresh);
    },
    initial: () => [],
    valueSchema: z.array(z.custom<GuardRecord>((v) => typeof v === "object" && v !== null)),
    precheck: () => {},
  });
}

/** What happened in one attempt, from its buffer and its review. */
export function attemptRecord(buffer: Buffered, review: Review): AttemptRecord {
  const byId = new Map(review.judgements.map((j) => [j.claimId, j]));
  return {
    attempt: buffer.attempt,
    claims: buffer.claims.map((c) => {
      const j = byId.get(c.id);
      const repeats = review.repeats?.[c.id];
      const shakyParent = review.shaky?.[c.id];
      return {
        id: c.id,
        kind: itemKind(c),
        text: c.text,
        verdict: j?.verdict ?? "unreviewed",
        reasons: [...(j?.reasons ?? [])],
        evidence: [...(j?.evidence ?? [])],
        ...(c.taint === undefined ? {} : { taint: [...c.taint] }),
        ...(c.value === undefined ? {} : { value: c.value }),
        ...(j !== undefined && !j.fromModel && repeats === undefined ? { failClosed: true as const } : {}),
        ...(repeats === undefined ? {} : { repeats: { ...repeats } }),
        ...(shakyParent === undefined ? {} : { shakyParent }),
      };
    }),
    blocked: review.blocked,
    valid: review.valid,
    ...(buffer.invalid === undefined ? {} : { invalidUpdate: buffer.invalid }),
    ...(review.incomplete === undefined ? {} : { incompleteReview: review.incomplete }),
  };
}

/** The record kind of a review item. */
export function itemKind(c: BufferedClaim): AttemptClaimRecord["kind"] {
  return c.from.kind === "claims" ? "claim" : c.from.kind;
}

/** The record of a finished handoff. */
export function guardRecord(fields: {
  guard: string;
  policy: ReviewPolicy;
  maxAttempts: number;
  attempts: readonly AttemptRecord[];
  outcome: GuardOutcome;
  blockOn: ReadonlySet<string>;
  committedClaimIds?: readonly string[];
  droppedClaimIds?: readonly string[];
  highRiskClaimIds?: readonly string[];
  withheld?: readonly WithheldItem[];
  effects?: readonly EffectEntry[];
}): GuardRecord {
  const taints = new Set<string>();
  for (const attempt of fields.attempts) {
    if (!attempt.blocked) continue;
    for (const claim of attempt.claims) if (fields.blockOn.has(claim.verdict)) for (const t of claim.taint ?? []) taints.add(t);
  }
  return {
    kind: "firebreak/guard-record",
    id: globalThis.crypto.randomUUID(),
    guard: fields.guard,
    policy: fields.policy,
    maxAttempts: fields.maxAttempts,
    attempts: [...fields.attempts],
    blocked: fields.attempts.filter((a) => a.blocked).length,
    outcome: fields.outcome,
    committedClaimIds: [...(fields.committedClaimIds ?? [])],
    droppedClaimIds: [...(fields.droppedClaimIds ?? [])],
    highRiskClaimIds: [...(fields.highRiskClaimIds ?? [])],
    withheld: [...(fields.withheld ?? [])],
    blockedTaints: [...taints].sort(),
    at: new Date().toISOString(),
    ...(fields.effects === undefined || fields.effects.length === 0 ? {} : { effects: [...fields.effects] }),
  };
}
