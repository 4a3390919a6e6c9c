/**
 * Escalate: what happens once every attempt was blocked — a human decides through
 * `interrupt()`, the last attempt is degraded, or the handoff fails with a
 * `GuardExhaustedError`. The human's answer is checked here.
 */
import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { z } from "zod/v4";
import { readIntent } from "../challenger/intent.js";
import { isChannelClaim } from "./guard-claims.js";
import { GuardExhaustedError, InvalidResumeError } from "./guard-errors.js";
import type { EffectEntry } from "../../src/effects/effect-types.js";
import { emitEffect, settle } from "./guard-effects.js";
import { emitBicr } from "./guard-events.js";
import { producerName, type ResolvedGuard } from "./guard-options.js";
import { guardRecord } from "./guard-record.js";
import { parentValues, type Buffered, type GuardState, type Outcome, type Review } from "./guard-state.js";
import type { AttemptRecord, EscalationPacket, EscalationResume } from "./guard-types.js";

const ResumeSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("approve"), reason: z.string().optional(), by: z.string().optional() }),
  z.object({ action: z.literal("reject"), reason: z.string().optional(), by: z.string().optional() }),
  z.object({ action: z.literal("edit"), update: z.record(z.string(), z.unknown()), reason: z.string().optional(), by: z.string().optional() }),
]);

/** Checks the human's answer to an escalation. */
export function parseResume(value: unknown, producer: string): EscalationResume {
  const parsed = ResumeSchema.safeParse(value);
  if (parsed.success) return parsed.data as EscalationResume;
  let shown: string;
  try {
    shown = JSON.stringify(value)?.slice(0, 120) ?? String(value);
  } catch {
    shown = String(value);
  }
  throw new InvalidResumeError(producer, shown);
}

/** The evidence packet a human reviews. */
export function escalationPacket(fields: {
  producer: string;
  intent: string;
  attempts: readonly AttemptRecord[];
  buffer: Buffered;
  review: Review;
  effects?: readonly EffectEntry[];
}): EscalationPacket {
  const effects = fields.effects ?? [];
  // Still in the world: the compensations that failed, and those not tried after the first failure.
  const uncompensated = effects.filter((e) => e.status === "compensation-failed" || (e.status === "applied" && e.attempt === fields.buffer.attempt));
  return {
    kind: "firebreak/guard-escalation",
    producer: fields.producer,
    intent: fields.intent,
    attempts: [...fields.attempts],
    proposedUpdate: fields.buffer.update,
    evidence: [...fields.review.evidence],
    ...(effects.length === 0 ? {} : { effects: [...effects] }),
    ...(uncompensated.length === 0 ? {} : { uncompensated }),
    actions: ["approve", "reject", "edit"],
  };
}

/** The Escalate stage: `onExhausted` decides what happens once every attempt was blocked. */
export function escalateStage(o: ResolvedGuard) {
  return async (s: GuardState, config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    const buffer = s.bicr_buffer!;
    const base = { guard: name, attempt: buffer.attempt, maxAttempts: o.maxAttempts };
    if (o.onExhausted === "fail") {
      const effects = settle(s.bicr_effects, buffer.attempt, false);
      for (const entry of effects.changed) await emitEffect(o, name, entry, config);
      const record = guardRecord({
        effects: effects.ledger,
        guard: name,
        policy: o.policy,
        maxAttempts: o.maxAttempts,
        attempts: s.bicr_attempts,
        outcome: "failed",
        blockOn: o.blockOn,
        droppedClaimIds: buffer.claims.filter(isChannelClaim).map((c) => c.id),
      });
      await emitBicr({ ...base, stage: "escalate", mode: "fail", outcome: "failed", record }, config);
      throw new GuardExhaustedError(record);
    }
    if (o.onExhausted === "degrade") {
      await emitBicr({ ...base, stage: "escalate", mode: "degrade" }, config);
      return { bicr_outcome: { action: "degrade" } satisfies Outcome };
    }
    const packet = escalationPacket({
      producer: name,
      intent: readIntent(parentValues(s, o.parentKeys), o.intent),
      attempts: s.bicr_attempts,
      buffer,
      review: s.bicr_review!,
      effects: s.bicr_effects,
    });
    // interrupt() re-runs this node from the top on resume: everything above is pure.
    const answer = parseResume(interrupt(packet), name);
    await emitBicr({ ...base, stage: "escalate", mode: "interrupt", resolution: answer.action, by: answer.by ?? null }, config);
    return { bicr_outcome: answer };
  };
}
