/**
 * Errors of the semantic circuit breaker. Both carry data (provider states, failures), so
 * callers branch on fields and `code`, never on the message.
 */
import { FirebreakError } from "../internal/errors.js";
import type { AttemptFailure, ProviderStatus } from "./types.js";

/**
 * Every provider's circuit was open (or busy with its half-open probe) and the policy is
 * `"fail-fast"`: no request was sent. Shaped like cockatiel's `BrokenCircuitError`
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
 * Every provider that could be tried failed: answers that failed the checks (code
 * `SEMANTIC_CHECK` when all failures were semantic) or transport failures (code
 * `BROKEN_CIRCUIT`). `failures` lists each attempt with its classified cause and verdicts.
 */
export class FailoverExhaustedError extends FirebreakError {
  override name = "FailoverExhaustedError";
  /** Each failed attempt, in order. */
  readonly failures: readonly AttemptFailure[];
  /** Each provider's circuit state when the call gave up. */
  readonly providers: readonly ProviderStatus[];

  constructor(failures: readonly AttemptFailure[], providers: readonly ProviderStatus[], cause?: unknown) {
    const allSemantic = failures.length > 0 && failures.every((f) => f.kind === "semantic");
    super(
      allSemantic ? "SEMANTIC_CHECK" : "BROKEN_CIRCUIT",
      `Every provider failed: ${failures.map(describeFailure).join("; ")}` +
        (providers.some((p) => p.state !== "closed") ? ` [circuits: ${describeStates(providers)}]` : "") +
        `. ${allSemantic ? "Inspect the rejected answers (error.failures[].verdicts), or relax the checks." : "Add a fallback provider, raise retry.attempts, or check the providers' health."}`,
      cause === undefined ? undefined : { cause },
    );
    this.failures = failures;
    this.providers = providers;
  }
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
