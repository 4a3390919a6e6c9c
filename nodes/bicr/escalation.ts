import { z } from "zod/v4";
import { FirebreakError } from "../../src/internal/errors.js";
import type { Buffered, Review } from "./guard-state.js";
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
  throw new FirebreakError(
    "INVALID_OPTIONS",
    `Guard on node "${producer}": the escalation was resumed with ${shown}, which is not an answer. Resume with ` +
      `new Command({ resume: { action: "approve" } }), { action: "reject" } or { action: "edit", update: { … } } (optional reason, by).`,
  );
}

/** The evidence packet a human reviews. */
export function escalationPacket(fields: {
  producer: string;
  intent: string;
  attempts: readonly AttemptRecord[];
  buffer: Buffered;
  review: Review;
}): EscalationPacket {
  return {
    kind: "firebreak/guard-escalation",
    producer: fields.producer,
    intent: fields.intent,
    attempts: [...fields.attempts],
    proposedUpdate: fields.buffer.update,
    evidence: [...fields.review.evidence],
    actions: ["approve", "reject", "edit"],
  };
}
