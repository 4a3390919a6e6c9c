/**
 * One provider's circuit: a cockatiel `CircuitBreakerPolicy` that counts thrown errors and
 * bad *results* (rejected answers) as failures. The state machine is cockatiel's.
 */
import {
  CircuitState,
  ConsecutiveBreaker,
  CountBreaker,
  SamplingBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
  type IBackoffFactory,
  type IBreaker,
  type IHalfOpenAfterBackoffContext,
} from "cockatiel";
import { invalidOption } from "../internal/options-schema.js";
import type { SharedCircuit } from "./store/shared-circuit.js";
import type { AttemptFailure, BreakerAnswer, CircuitStateName } from "./types.js";

/**
 * When a circuit opens.
 * - `consecutive`: after `threshold` failures in a row (cockatiel `ConsecutiveBreaker`).
 * - `failure-rate`: when more than `threshold` (0–1) of the last `window` calls failed,
 *   once at least `minimumCalls` were seen (cockatiel `CountBreaker`).
 * - `failure-rate-over-time`: the same over the last `durationMs` milliseconds, with at least
 *   `minimumCalls` calls in that time (cockatiel `SamplingBreaker`).
 * - `custom`: any cockatiel `IBreaker` (one instance per provider).
 */
export type TripRule =
  | { readonly kind: "consecutive"; readonly threshold: number }
  | { readonly kind: "failure-rate"; readonly threshold: number; readonly window: number; readonly minimumCalls?: number }
  | {
      readonly kind: "failure-rate-over-time";
      readonly threshold: number;
      readonly durationMs: number;
      readonly minimumCalls?: number;
    }
  | { readonly kind: "custom"; readonly create: () => IBreaker };

/** Cool-down before the half-open probe: fixed milliseconds, or a cockatiel backoff. */
export type HalfOpenAfter = number | IBackoffFactory<IHalfOpenAfterBackoffContext>;

/** What one attempt inside the circuit produced. @internal */
export type AttemptOutcome =
  | { readonly ok: true; readonly answer: BreakerAnswer; readonly probe: boolean }
  | {
      readonly ok: false;
      readonly failure: AttemptFailure;
      /** Counts against the circuit. */
      readonly counted: boolean;
      /** The call may move on to the next provider. */
      readonly failover: boolean;
      readonly error?: unknown;
    };

/**
 * Carries a neutral outcome (client error, caller abort, broken check, graph control flow)
 * out of `policy.execute` as an error cockatiel does not handle, so the circuit records
 * neither a failure nor a success (a success would reset a consecutive count). @internal
 */
export class NeutralOutcome {
  constructor(readonly outcome: AttemptOutcome) {}
}

/** Builds the cockatiel breaker for a trip rule (already validated by `TripRuleSchema`). */
export function createTripBreaker(rule: TripRule): IBreaker {
  switch (rule.kind) {
    case "consecutive":
      return new ConsecutiveBreaker(rule.threshold);
    case "failure-rate":
      return new CountBreaker({
        threshold: rule.threshold,
        size: rule.window,
        ...(rule.minimumCalls !== undefined ? { minimumNumberOfCalls: rule.minimumCalls } : {}),
      });
    case "failure-rate-over-time":
      return new SamplingBreaker({
        threshold: rule.threshold,
        duration: rule.durationMs,
        ...(rule.minimumCalls !== undefined ? { minimumRps: rule.minimumCalls / (rule.durationMs / 1000) } : {}),
      });
    case "custom": {
      const breaker = rule.create();
      if (typeof breaker?.success !== "function" || typeof breaker?.failure !== "function") {
        throw invalidOption("withSemanticBreaker", "trip.create()", breaker, "a cockatiel IBreaker (an object with success() and failure())");
      }
      return breaker;
    }
  }
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "isolated",
};

/** cockatiel state → its name. */
export function stateName(state: CircuitState): CircuitStateName {
  return STATE_NAMES[state];
}

/** One provider's circuit. @internal */
export class ProviderCircuit {
  readonly policy: CircuitBreakerPolicy;
  /** The state before the last transition (for `onStateChange`'s `from`). */
  lastState: CircuitStateName;
  /**
   * With a fixed cool-down: until when an open circuit certainly stays open, so a call can
   * skip it without asking cockatiel (which would build a `BrokenCircuitError` to say so).
   */
  openUntil = 0;
  /** With a shared store: the fleet-wide circuit this provider decides on (the cockatiel policy is then unused). */
  shared: SharedCircuit | undefined;
  private readonly fixedCoolDown: number | undefined;

  constructor(
    readonly name: string,
    readonly index: number,
    trip: TripRule,
    halfOpenAfter: HalfOpenAfter,
    initialState: unknown,
  ) {
    // A failed outcome counts when it is the provider's fault, and always when it was the
    // half-open probe: an aborted probe must not close the circuit on no evidence.
    const isFailure = (result: unknown): boolean => {
      const outcome = result as AttemptOutcome;
      return !outcome.ok && (outcome.counted || outcome.failure.probe);
    };
    // Errors never reach cockatiel except the neutral-outcome carrier, which it must ignore.
    this.policy = circuitBreaker(handleWhen((error) => !(error instanceof NeutralOutcome)).orWhenResult(isFailure), {
      halfOpenAfter,
      breaker: createTripBreaker(trip),
      ...(initialState !== undefined ? { initialState } : {}),
    });
    this.lastState = stateName(this.policy.state);
    this.fixedCoolDown = typeof halfOpenAfter === "number" ? halfOpenAfter : undefined;
  }

  /** Records a transition (called from the state-change listener). */
  transitioned(to: CircuitStateName): void {
    this.lastState = to;
    // cockatiel stamped openedAt with Date.now() just before emitting; ours is the same or later.
    this.openUntil = to === "open" && this.fixedCoolDown !== undefined ? Date.now() + this.fixedCoolDown : 0;
  }

  /** The current state's name. */
  get state(): CircuitStateName {
    return this.shared ? this.shared.state : STATE_NAMES[this.policy.state];
  }
}
