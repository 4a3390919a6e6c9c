/**
 * The event catalogue: every event the pack emits inside a run, by name, with its payload
 * type. Each becomes a child run named after it (with `firebreak.*` metadata) in any
 * LangChain tracer, a custom event for `streamEvents`, and a chunk `{ name, data }` on
 * `streamMode: "custom"` (the breaker's `breaker-rejected` is a custom event on the model's
 * run only). Nothing is declared here that the pack does not emit; a test drives each
 * capability and compares the names seen with this list. Reference: `docs/events.md`.
 */
import type { BicrEventPayload } from "../nodes/bicr/guard-events.js";

/** Event names by what emits them; compare `event.name` (or a custom-stream chunk's `name`) with these. */
export const FirebreakEvents = {
  /**
   * Every guard stage (buffer, challenge, isolate, recover, escalate, commit), and stage `effect`
   * whenever an `effectTool` side effect changes status (deferred, applied, pending, executed,
   * dropped, kept, compensated, compensation-failed): {@link BicrEventPayload}.
   */
  bicr: "firebreak/bicr",
  /** A challenger node's verdicts on a batch of claims: {@link VerdictEventPayload}. */
  verdict: "firebreak/verdict",
  /** A semantic-breaker decision (rejected answer, failed attempt, circuit transition): {@link BreakerEventPayload}. */
  breaker: "firebreak/breaker",
  /** Each failed attempt of a semantic-breaker call, on the model's run: {@link BreakerRejectedEventPayload}. */
  breakerRejected: "firebreak/breaker-rejected",
  /** `rollbackTo` forked a thread from an earlier checkpoint: {@link RollbackEventPayload}. */
  rollback: "firebreak/rollback",
} as const;

/** Every event name the pack emits, listed once. */
export const FIREBREAK_EVENTS: readonly FirebreakEventName[] = Object.values(FirebreakEvents);

/** A name from {@link FirebreakEvents}. */
export type FirebreakEventName = (typeof FirebreakEvents)[keyof typeof FirebreakEvents];

/** Payload of `firebreak/verdict` (emitted by `createChallenger`'s node). */
export interface VerdictEventPayload {
  /** The challenger's verifier name. */
  readonly verifier: string;
  /** The claims judged, in order, and the verdict of each. */
  readonly claimIds: readonly string[];
  readonly verdicts: readonly ("green" | "yellow" | "red")[];
  /** False when the model's answer did not cover every claim (the review is incomplete). */
  readonly valid: boolean;
}

/** Payload of `firebreak/breaker`. */
export interface BreakerEventPayload {
  /** `"rejected"` (the checks refused an answer), `"failed"` (transport), `"transition"` (circuit state only). */
  readonly decision: "rejected" | "failed" | "transition";
  readonly provider: string;
  readonly providerIndex: number;
  readonly attempt: number;
  /** Circuit state before and after. */
  readonly from: string;
  readonly state: string;
  /** True when this attempt was the half-open trial. */
  readonly probe: boolean;
  /** True when this decision opened the circuit. */
  readonly tripped?: true;
  /** True when every circuit was open and the call went through anyway (`whenAllOpen: "bypass"`). */
  readonly bypass?: true;
  /** The failure's kind, its first failing check, reason and HTTP status, when the decision is a failure. */
  readonly kind?: string;
  readonly failingCheck?: string;
  readonly reason?: string;
  readonly status?: number;
}

/** Payload of `firebreak/breaker-rejected`. */
export interface BreakerRejectedEventPayload {
  readonly provider: string;
  readonly providerIndex: number;
  readonly kind: string;
  readonly reason: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly probe: boolean;
  /** The checks' verdicts, for a rejected answer. */
  readonly verdicts?: readonly { readonly check: string; readonly ok: boolean; readonly reason?: string }[];
}

/** Payload of `firebreak/rollback`. */
export interface RollbackEventPayload {
  readonly threadId: string;
  /** The checkpoint rolled back to (the fork's source) and its step. */
  readonly checkpointId: string;
  readonly step: number | null;
  /** The new head checkpoint (the fork). */
  readonly forkCheckpointId: string;
  /** The nodes that will run next from there. */
  readonly next: readonly string[];
  /** The target as asked (`a checkpoint before node "writer"`, …). */
  readonly target: string;
  /** Checkpoints newer than the target that were passed over (they stay in the history). */
  readonly skipped: number;
}

/** Each event name and its payload type. */
export interface FirebreakEventPayloads {
  readonly "firebreak/bicr": BicrEventPayload;
  readonly "firebreak/verdict": VerdictEventPayload;
  readonly "firebreak/breaker": BreakerEventPayload;
  readonly "firebreak/breaker-rejected": BreakerRejectedEventPayload;
  readonly "firebreak/rollback": RollbackEventPayload;
}

/** The short name `emitFirebreakEvent` takes: the catalogue name without `firebreak/` (breaker-rejected is emitted by the model's run manager). */
export type FirebreakEventKind = "bicr" | "verdict" | "breaker" | "rollback";

export type { BicrEventPayload, BicrStage } from "../nodes/bicr/guard-events.js";
