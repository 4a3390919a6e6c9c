/**
 * Errors of the semantic circuit breaker, one class and one code each for "nothing was
 * sent" (`CircuitOpenError`, `BROKEN_CIRCUIT`) and "this call failed"
 * (`FailoverExhaustedError`, `CALL_FAILED`). Both carry data (provider states, failures), so callers branch on fields
 * and `code`, never on the message. Errors the breaker does not own (a 400 from the
 * provider, the caller's abort, LangGraph control flow) are rethrown as they are.
 */
import { FirebreakError, hasFirebreakCode } from "../internal/errors.js";
import type { AttemptFailure, ProviderStatus } from "./types.js";

/**
 * Code `BROKEN_CIRCUIT`: every provider's circuit was open (or busy with its half-open
 * probe) and the policy is `"fail-fast"`: **no request was sent**. Shaped like cockatiel's `BrokenCircuitError`
 * (`isBrokenCircuitError === true`), so code written for cockatiel recognises it.
 */
export class CircuitOpenError extends FirebreakError {
  override name = "CircuitOpenError";
  /** Duck-typing marker shared with cockatiel's `BrokenCircuitError`. */
  readonly isBrokenCircuitError = true;
  /** Each provider and the state that kept the call away from it. */
  readonly providers: readonly ProviderStatus[];

  constructor(providers: readonly ProviderStatus[]) {
    super(
      "BROKEN_CIRCUIT",
      `No request sent: every provider's circuit is open (${describeStates(providers)}). ` +
        `Wait for the cool-down (halfOpenAfter), add a fallback provider, or set whenAllOpen: "bypass".`,
    );
    this.providers = providers;
  }
}

/**
 * Code `CALL_FAILED`: **this call was sent and failed** — every provider that could be tried
 * was tried and failed (answers rejected by the checks, 429, 5xx, timeout, network, auth).
 * One code whatever the causes: `failures` lists each attempt with its classified `kind`
 * and verdicts, and `allRejected` says whether every failure was a rejected answer (the
 * providers answered, the checks said no). Distinct from {@link CircuitOpenError}
 * (`BROKEN_CIRCUIT`: nothing was sent).
 */
export class FailoverExhaustedError extends FirebreakError {
  override name = "FailoverExhaustedError";
  /** Each failed attempt, in order. */
  readonly failures: readonly AttemptFailure[];
  /** Each provider's circuit state when the call gave up. */
  readonly providers: readonly ProviderStatus[];
  /** True when every failure was an answer rejected by the checks (no transport failure). */
  readonly allRejected: boolean;

  constructor(failures: readonly AttemptFailure[], providers: readonly ProviderStatus[], cause?: unknown) {
    const allSemantic = failures.length > 0 && failures.every((f) => f.kind === "semantic");
    super(
      "CALL_FAILED",
      `Every provider failed: ${failures.map(describeFailure).join("; ")}` +
        (providers.some((p) => p.state !== "closed") ? ` [circuits: ${describeStates(providers)}]` : "") +
        `. ${allSemantic ? "Inspect the rejected answers (error.failures[].verdicts), or relax the checks." : "Add a fallback provider, raise retry.attempts, or check the providers' health."}`,
      cause === undefined ? undefined : { cause },
    );
    this.failures = failures;
    this.providers = providers;
    this.allRejected = allSemantic;
  }
}

/** True for a {@link CircuitOpenError} (nothing was sent), from any copy of the package. */
export function isCircuitOpenError(error: unknown): error is CircuitOpenError {
  return hasFirebreakCode(error, "BROKEN_CIRCUIT");
}

/** True for a {@link FailoverExhaustedError} (the call was sent and failed), from any copy of the package. */
export function isFailoverExhaustedError(error: unknown): error is FailoverExhaustedError {
  return hasFirebreakCode(error, "CALL_FAILED");
}

function describeStates(providers: readonly ProviderStatus[]): string {
  return providers.map((p) => `${p.provider}: ${p.state}`).join(", ");
}

function describeFailure(f: AttemptFailure): string {
  const status = f.status !== undefined ? ` HTTP ${f.status}` : "";
  return `${f.provider} → ${f.kind}${status} (${truncate(f.reason, 160)})`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
