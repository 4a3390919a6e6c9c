/**
 * Shared vocabulary of the semantic circuit breaker: answers, checks, verdicts, failure
 * kinds and the events a breaker emits.
 */
import type { BaseMessage, AIMessage, AIMessageChunk } from "@langchain/core/messages";

/** An answer as a check sees it: the provider's message, before it reaches the caller. */
export type BreakerAnswer = AIMessage | AIMessageChunk;

/** What one check decided about one answer. */
export interface CheckVerdict {
  /** True when the answer passes this check. */
  readonly ok: boolean;
  /** Why the answer failed (or a note on why it passed); ends up in errors, events and traces. */
  readonly reason?: string;
  /** An optional measurement behind the verdict (similarity, confidence, diversity…). */
  readonly score?: number;
}

/** A verdict together with the name of the check that gave it. */
export interface NamedVerdict extends CheckVerdict {
  /** The check's name (its function name, or the name given to `defineCheck`). */
  readonly check: string;
}

/** What a check knows about the call besides the answer. */
export interface CheckContext {
  /** Name of the provider that produced the answer. */
  readonly provider: string;
  /** Position of that provider in the chain (0 is the primary). */
  readonly providerIndex: number;
  /** The prompt messages the provider answered. */
  readonly messages: readonly BaseMessage[];
  /** The caller's abort signal, for checks that do I/O (embeddings). */
  readonly signal?: AbortSignal;
}

/**
 * A check judges one answer: `{ ok: true }` lets it through, `{ ok: false, reason }` counts
 * it as a failure of the provider that produced it. Sync checks stay sync (no promise cost).
 */
export interface Check {
  (answer: BreakerAnswer, context: CheckContext): CheckVerdict | Promise<CheckVerdict>;
  /**
   * Called once an answer passed every check and is handed to the caller; stateful checks
   * (a rolling centroid) learn only from accepted answers.
   */
  onAccepted?: (answer: BreakerAnswer, context: CheckContext) => void | Promise<void>;
}

/**
 * Why an attempt failed. `semantic` is an HTTP-200 answer that failed a check; the others
 * are transport failures. `client` (a 4xx other than 401/403/404/408/429: a malformed
 * request) and `abort` (the caller cancelled) are not the provider's fault: they count as
 * neither a failure nor a success (the circuit is left exactly as it was, a consecutive
 * count is not reset), are not failed over, and the original error is rethrown.
 */
export type FailureKind =
  | "semantic"
  | "rate-limit"
  | "server"
  | "timeout"
  | "network"
  | "auth"
  | "client"
  | "abort"
  | "unknown";

/** One failed attempt on one provider. */
export interface AttemptFailure {
  /** Provider name. */
  readonly provider: string;
  /** Provider position in the chain. */
  readonly providerIndex: number;
  /** Classified cause. */
  readonly kind: FailureKind;
  /** Human-readable cause: the failing check's reason or the transport error's message. */
  readonly reason: string;
  /** HTTP status, when the provider answered with one. */
  readonly status?: number;
  /** Provider's `retry-after` hint in milliseconds, when it sent one. */
  readonly retryAfterMs?: number;
  /** The failing verdict(s) of a semantic failure. */
  readonly verdicts?: readonly NamedVerdict[];
  /** The thrown error of a transport failure. */
  readonly error?: unknown;
  /** True when this attempt was the half-open probe. */
  readonly probe: boolean;
}

/** Circuit states, named as in cockatiel's `CircuitState`. */
export type CircuitStateName = "closed" | "open" | "half-open" | "isolated";

/** A provider and the state of its circuit. */
export interface ProviderStatus {
  /** Provider name. */
  readonly provider: string;
  /** Provider position in the chain. */
  readonly providerIndex: number;
  /** Its circuit's state. */
  readonly state: CircuitStateName;
}

/** Payload of `onStateChange`. */
export interface StateChangeEvent extends ProviderStatus {
  /** The state before the transition. */
  readonly from: CircuitStateName;
}

/** Payload of `onBreak`: the circuit opened, because of this failure. */
export interface BreakEvent extends ProviderStatus {
  /** The failure that tripped the circuit (absent when isolated by hand). */
  readonly failure?: AttemptFailure;
}
