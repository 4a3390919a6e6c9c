/**
 * The failover engine shared by the chat-model wrapper and the agent middleware: one
 * cockatiel circuit per provider, the checks, transport classification, the all-open
 * policy, the single retry owner, and the listeners.
 */
import { setMaxListeners } from "node:events";
import { BrokenCircuitError, CircuitState, IsolatedCircuitError, type IDisposable } from "cockatiel";
import type { BaseMessage } from "@langchain/core/messages";
import { isFirebreakError } from "../internal/errors.js";
import { Listeners } from "../internal/listeners.js";
import { invalidOption } from "../internal/options-schema.js";
import { CircuitOpenError, FailoverExhaustedError } from "./breaker-errors.js";
import { classifyFailure, failsOver, isCountedKind } from "./classify-failure.js";
import { runChecks } from "./define-check.js";
import { NeutralOutcome, ProviderCircuit, stateName, type AttemptOutcome, type HalfOpenAfter, type TripRule } from "./provider-circuit.js";
import type { CircuitStore } from "./store/circuit-store.js";
import { SharedCircuit } from "./store/shared-circuit.js";
import type {
  AttemptFailure,
  BreakEvent,
  CircuitStateName,
  BreakerAnswer,
  Check,
  CheckContext,
  ProviderStatus,
  StateChangeEvent,
} from "./types.js";

/** Saved breaker state: each provider's cockatiel `toJSON()`, by provider name. */
export interface BreakerSnapshot {
  /** Format version. */
  readonly version: 1;
  /** cockatiel circuit state by provider name. */
  readonly providers: Readonly<Record<string, unknown>>;
}

/** The wrapper's own retries: extra passes over the provider chain after all failed. */
export interface RetryOptions {
  /**
   * Extra passes over the chain once every provider failed (0: none; at most 10).
   * @default 0
   */
  readonly attempts?: number;
  /**
   * Wait before the first extra pass, doubled for each further one.
   * @default 500
   */
  readonly delayMs?: number;
  /**
   * Longest wait between passes.
   * @default 10_000
   */
  readonly maxDelayMs?: number;
  /**
   * A `retry-after` hint up to this long replaces the computed wait; longer hints are capped.
   * @default 30_000
   */
  readonly maxRetryAfterMs?: number;
}

/** One provider of the chain as the engine sees it. @internal */
export interface ProviderSpec {
  readonly name: string;
  readonly trip: TripRule;
  readonly halfOpenAfter: HalfOpenAfter;
}

/** Engine settings. @internal */
export interface EngineSettings {
  readonly whenAllOpen: "fail-fast" | "bypass";
  readonly timeoutMs: number | undefined;
  readonly retry: Required<RetryOptions>;
  readonly initialState: BreakerSnapshot | undefined;
  /** Where the circuits live (`localCircuitStore` unless a shared store was given). */
  readonly store: CircuitStore;
}

/** What `run` needs for one call. @internal */
export interface RunRequest {
  /** Calls provider `index`; must honour `signal`. */
  readonly attempt: (index: number, info: AttemptInfo) => Promise<BreakerAnswer>;
  readonly checks: readonly Check[];
  readonly messages: readonly BaseMessage[];
  readonly signal?: AbortSignal | undefined;
  /** True once output reached the caller (streaming passthrough): no more failover. */
  readonly committed?: () => boolean;
  /** Called for every failed attempt (the wrapper reports it on its run as a custom event). */
  readonly onFailure?: (failure: AttemptFailure) => void | Promise<void>;
  /**
   * Called for every breaker decision of this call: an attempt that counted as a failure,
   * and an attempt during which the provider's circuit changed state (the wrapper records
   * each as a `firebreak/breaker` child run). Never called for a clean pass.
   */
  readonly onDecision?: (decision: BreakerDecision) => void | Promise<void>;
}

/** One breaker decision taken during a call: a failed attempt, a circuit transition, or both. @internal */
export interface BreakerDecision {
  /** Provider name. */
  readonly provider: string;
  /** Provider position in the chain. */
  readonly providerIndex: number;
  /** 1-based attempt number within the call. */
  readonly attempt: number;
  /** The circuit's state when the attempt was judged (`"half-open"` for the probe). */
  readonly from: CircuitStateName;
  /** The circuit's state after the attempt. */
  readonly state: CircuitStateName;
  /** The attempt was the half-open probe. */
  readonly probe: boolean;
  /** The attempt ran outside the breaker (`whenAllOpen: "bypass"`): it moved no circuit. */
  readonly bypass: boolean;
  /** The failure, when the attempt failed. */
  readonly failure?: AttemptFailure;
}

/** Per-attempt facts handed to the provider call. */
export interface AttemptInfo {
  /** Aborts on the attempt timeout or the caller's abort (absent when neither exists). */
  readonly signal?: AbortSignal;
  /** This attempt is the circuit's half-open probe. */
  readonly probe: boolean;
  /** 1-based attempt number within the call. */
  readonly attempt: number;
  /** The provider's circuit state when the attempt started. */
  readonly state: ProviderStatus["state"];
  /** The attempt runs outside the breaker (`whenAllOpen: "bypass"`). */
  readonly bypass: boolean;
}

/** The accepted answer of one call and how it was reached. */
export interface RunResult {
  readonly answer: BreakerAnswer;
  readonly provider: string;
  readonly providerIndex: number;
  /** Failed attempts before the accepted one. */
  readonly failures: readonly AttemptFailure[];
  /** Providers skipped because their circuit was open or probing. */
  readonly skipped: readonly ProviderStatus[];
  /** Every circuit's state once the call was answered, as `"name=state,name=state"`. */
  readonly statesAfter: string;
  /** The accepted answer came from a `"bypass"` attempt while all circuits were open. */
  readonly bypassed: boolean;
}

/**
 * Circuits for a chain of providers, with cockatiel-style listeners. Every wrapper derived
 * from one `withSemanticBreaker` call (`bindTools`, `withStructuredOutput`) shares it.
 */
export class SemanticBreaker {
  private readonly circuits: readonly ProviderCircuit[];
  private readonly stateChangeEmitter = new Listeners<StateChangeEvent>({ label: "the breaker's onStateChange" });
  private readonly breakEmitter = new Listeners<BreakEvent>({ label: "the breaker's onBreak" });
  private readonly resetEmitter = new Listeners<ProviderStatus>({ label: "the breaker's onReset" });
  private readonly halfOpenEmitter = new Listeners<ProviderStatus>({ label: "the breaker's onHalfOpen" });
  private readonly rejectedEmitter = new Listeners<AttemptFailure>({ label: "the breaker's onRejected" });
  private statesCache: string | undefined;
  /** Per-attempt timeouts (absent when `timeoutMs` is 0). */
  private readonly timeouts: AttemptTimeouts | undefined;

  /** Fires on every circuit transition, with the provider and both states. */
  readonly onStateChange = this.stateChangeEmitter.addListener;
  /** Fires when a circuit opens, with the failure that tripped it. */
  readonly onBreak = this.breakEmitter.addListener;
  /** Fires when a circuit closes again after a successful probe. */
  readonly onReset = this.resetEmitter.addListener;
  /** Fires when a circuit lets its half-open probe through. */
  readonly onHalfOpen = this.halfOpenEmitter.addListener;
  /** Fires for every failed attempt (rejected answer or transport failure), with verdicts. */
  readonly onRejected = this.rejectedEmitter.addListener;

  constructor(
    providers: readonly ProviderSpec[],
    private readonly settings: EngineSettings,
  ) {
    this.circuits = providers.map((spec, index) => {
      const circuit = new ProviderCircuit(
        spec.name,
        index,
        spec.trip,
        spec.halfOpenAfter,
        settings.initialState?.providers[spec.name],
      );
      if (settings.store.scope === "shared") {
        circuit.shared = new SharedCircuit(spec.name, spec.trip, spec.halfOpenAfter, settings.store, this.sharedSink(circuit), settings.initialState?.providers[spec.name]);
      } else this.wire(circuit);
      return circuit;
    });
    this.providerNames = Object.freeze(this.circuits.map((c) => c.name));
    this.timeouts = settings.timeoutMs === undefined ? undefined : new AttemptTimeouts(settings.timeoutMs);
  }

  /** Provider names, primary first. */
  readonly providerNames: readonly string[];

  /** `"name=state,name=state"` for run metadata; cached until a transition (cheap per call). */
  statesText(): string {
    this.statesCache ??= this.circuits.map((c) => `${c.name}=${c.state}`).join(",");
    return this.statesCache;
  }

  /** Each provider and its circuit state. */
  status(): ProviderStatus[] {
    return this.circuits.map((c) => ({ provider: c.name, providerIndex: c.index, state: c.state }));
  }

  /** Serialisable state; pass it back as `initialState` to restore the circuits. */
  toJSON(): BreakerSnapshot {
    const providers: Record<string, unknown> = {};
    for (const c of this.circuits) providers[c.name] = c.shared ? c.shared.toJSON() : c.policy.toJSON();
    return { version: 1, providers };
  }

  /** Holds one provider's circuit open by hand (maintenance) until `dispose()`. */
  isolate(provider: string | number): IDisposable {
    const circuit = typeof provider === "number" ? this.circuits[provider] : this.circuits.find((c) => c.name === provider);
    if (!circuit) throw invalidOption("breaker.isolate", "provider", provider, `a provider name or index of this chain (${this.providerNames.join(", ")})`);
    return circuit.shared ? circuit.shared.isolate() : circuit.policy.isolate();
  }

  /** Runs one call through the chain. @internal */
  async run(request: RunRequest): Promise<RunResult> {
    const failures: AttemptFailure[] = [];
    const skipped: ProviderStatus[] = [];
    const { retry } = this.settings;
    let attemptNo = 0;
    let attempted = false;
    let lastError: unknown;
    for (let pass = 0; pass <= retry.attempts; pass++) {
      if (pass > 0) await this.pause(pass, failures, request.signal);
      for (const circuit of this.circuits) {
        const before = circuit.state;
        const pending = circuit.shared
          ? this.tryShared(circuit, circuit.shared, request, attemptNo + 1)
          : this.tryLocal(circuit, request, attemptNo + 1);
        const outcome = pending === undefined ? undefined : await pending;
        if (outcome === undefined) {
          if (pass === 0) skipped.push(this.statusOf(circuit));
          continue;
        }
        attemptNo++;
        attempted = true;
        // A decision is rare (a failure or a transition): a clean pass costs one comparison.
        if (request.onDecision && (circuit.state !== before || (!outcome.ok && outcome.counted))) {
          await request.onDecision(decisionOf(circuit, attemptNo, before, outcome, false));
        }
        if (outcome.ok) return this.accept(request, circuit, outcome.answer, failures, skipped, false);
        failures.push(outcome.failure);
        lastError = outcome.error ?? lastError;
        this.reject(outcome.failure);
        if (request.onFailure) await request.onFailure(outcome.failure);
        if (!outcome.failover) throw outcome.error;
        if (request.committed?.()) throw new FailoverExhaustedError(failures, this.status(), lastError);
      }
      if (!attempted) break; // every circuit open: extra passes would only wait
    }
    if (!attempted) {
      if (this.settings.whenAllOpen === "fail-fast") throw new CircuitOpenError(this.status());
      const primary = this.circuits[0]!;
      const outcome = await this.attemptOnce(primary, request, ++attemptNo, false, true);
      if (outcome.ok) return this.accept(request, primary, outcome.answer, failures, skipped, true);
      failures.push(outcome.failure);
      this.reject(outcome.failure);
      if (request.onDecision && outcome.counted) {
        await request.onDecision(decisionOf(primary, attemptNo, primary.state, outcome, true));
      }
      if (request.onFailure) await request.onFailure(outcome.failure);
      if (!outcome.failover) throw outcome.error;
      lastError = outcome.error;
    }
    throw new FailoverExhaustedError(failures, this.status(), lastError);
  }

  /**
   * One attempt through a local (cockatiel) circuit; `undefined` (synchronously, no promise)
   * when the circuit keeps the call away, or a promise of the outcome (`undefined` if cockatiel
   * refused it after all).
   */
  private tryLocal(circuit: ProviderCircuit, request: RunRequest, no: number): Promise<AttemptOutcome | undefined> | undefined {
    const state = circuit.policy.state;
    // Half-open: the single probe is in flight, so go elsewhere rather than queue behind it.
    // Open with a fixed cool-down not yet over: skip without asking cockatiel.
    if (
      state === CircuitState.HalfOpen ||
      state === CircuitState.Isolated ||
      (state === CircuitState.Open && circuit.openUntil > Date.now())
    ) {
      return undefined;
    }
    return (
      circuit.policy.execute(() => this.attemptOnce(circuit, request, no, circuit.policy.state === CircuitState.HalfOpen, false)) as Promise<AttemptOutcome>
    ).catch(localRejection);
  }

  /**
   * One attempt through a shared circuit: decided in memory; only the claim of the fleet's
   * half-open probe waits on the store (bounded by the store's `timeoutMs`).
   */
  private async tryShared(circuit: ProviderCircuit, shared: SharedCircuit, request: RunRequest, no: number): Promise<AttemptOutcome | undefined> {
    let gate = shared.gate();
    if (gate === "claim") gate = await shared.claim();
    if (gate === "skip") return undefined;
    const probe = gate === "probe";
    let outcome: AttemptOutcome;
    try {
      outcome = await this.attemptOnce(circuit, request, no, probe, false);
    } catch (error) {
      if (!(error instanceof NeutralOutcome)) throw error;
      outcome = error.outcome;
    }
    // Counted like the local circuit: a provider's fault, or any probe that proved nothing.
    const result = outcome.ok ? "ok" : outcome.counted || probe ? "failed" : "neutral";
    shared.settle(result, probe, outcome.ok ? undefined : outcome.failure);
    return outcome;
  }

  /** Reports a shared circuit's transitions through the breaker's listeners, as cockatiel's would be. */
  private sharedSink(circuit: ProviderCircuit): (from: CircuitStateName, to: CircuitStateName, failure?: AttemptFailure) => void {
    return (from, to, failure) => {
      this.statesCache = undefined;
      circuit.lastState = to;
      const status = { provider: circuit.name, providerIndex: circuit.index, state: to };
      if (this.stateChangeEmitter.size > 0) this.stateChangeEmitter.emit({ ...status, from });
      if ((to === "open" || to === "isolated") && this.breakEmitter.size > 0) this.breakEmitter.emit({ ...status, ...(failure ? { failure } : {}) });
      if (to === "closed" && this.resetEmitter.size > 0) this.resetEmitter.emit(status);
      if (to === "half-open" && this.halfOpenEmitter.size > 0) this.halfOpenEmitter.emit(status);
    };
  }

  private async attemptOnce(
    circuit: ProviderCircuit,
    request: RunRequest,
    attemptNo: number,
    probe: boolean,
    bypass: boolean,
  ): Promise<AttemptOutcome> {
    const outer = request.signal;
    // Only pay for a controller and a timer when something can abort the attempt.
    const scope = this.timeouts !== undefined || outer ? new AttemptScope(outer, this.timeouts) : undefined;
    try {
      if (outer?.aborted) throw outer.reason ?? new Error("AbortError");
      const info: AttemptInfo = {
        signal: scope?.signal,
        probe,
        attempt: attemptNo,
        state: bypass ? circuit.state : probe ? "half-open" : "closed",
        bypass,
      };
      const call = request.attempt(circuit.index, info);
      const answer = scope ? await scope.race(call) : await call;
      scope?.end();
      let verdict: Awaited<ReturnType<typeof runChecks>> = undefined;
      if (request.checks.length > 0) {
        const context: CheckContext = { provider: circuit.name, providerIndex: circuit.index, messages: request.messages, signal: outer };
        const pending = runChecks(request.checks, answer, context);
        verdict = pending instanceof Promise ? await pending : pending;
      }
      if (!verdict) return { ok: true, answer, probe };
      return {
        ok: false,
        counted: true,
        failover: true,
        failure: {
          provider: circuit.name,
          providerIndex: circuit.index,
          kind: "semantic",
          reason: cut(`${verdict.check}: ${verdict.reason}`),
          verdicts: [verdict],
          probe,
        },
      };
    } catch (error) {
      scope?.end();
      // Graph control flow (interrupts, Command to a parent) and broken checks are not the
      // provider's fault: rethrown as they are.
      if (isBubbleUp(error) || isFirebreakError(error)) {
        const neutral: AttemptOutcome = { ok: false, counted: false, failover: false, error, failure: failureOf(circuit, "client", cut(String(error)), probe, error) };
        return neutralize(neutral, probe, bypass);
      }
      const cls = classifyFailure(error, { timedOut: scope?.timedOut === true, callerAborted: outer?.aborted === true });
      return neutralize({
        ok: false,
        counted: isCountedKind(cls.kind),
        failover: failsOver(cls.kind),
        error,
        failure: {
          provider: circuit.name,
          providerIndex: circuit.index,
          kind: cls.kind,
          reason: cut(cls.reason),
          ...(cls.status !== undefined ? { status: cls.status } : {}),
          ...(cls.retryAfterMs !== undefined ? { retryAfterMs: cls.retryAfterMs } : {}),
          error,
          probe,
        },
      }, probe, bypass);
    }
  }

  private accept(
    request: RunRequest,
    circuit: ProviderCircuit,
    answer: BreakerAnswer,
    failures: AttemptFailure[],
    skipped: ProviderStatus[],
    bypassed: boolean,
  ): RunResult | Promise<RunResult> {
    const result: RunResult = {
      answer,
      provider: circuit.name,
      providerIndex: circuit.index,
      failures,
      skipped,
      bypassed,
      statesAfter: this.statesText(),
    };
    // No allocation on the common path (no check has an onAccepted hook).
    if (!request.checks.some(hasAcceptHook)) return result;
    const context: CheckContext = { provider: circuit.name, providerIndex: circuit.index, messages: request.messages };
    return (async () => {
      for (const check of request.checks) if (check.onAccepted) await check.onAccepted(answer, context);
      return result;
    })();
  }

  private reject(failure: AttemptFailure): void {
    if (this.rejectedEmitter.size > 0) this.rejectedEmitter.emit(failure);
  }

  private async pause(pass: number, failures: readonly AttemptFailure[], signal: AbortSignal | undefined): Promise<void> {
    const { delayMs, maxDelayMs, maxRetryAfterMs } = this.settings.retry;
    let wait = Math.min(maxDelayMs, delayMs * 2 ** (pass - 1));
    const hints = failures.map((f) => f.retryAfterMs).filter((ms): ms is number => ms !== undefined);
    if (hints.length > 0) wait = Math.min(maxRetryAfterMs, Math.max(...hints));
    if (wait <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(done, wait);
      function done() {
        signal?.removeEventListener("abort", aborted);
        resolve();
      }
      function aborted() {
        clearTimeout(timer);
        reject(signal!.reason ?? new Error("AbortError"));
      }
      if (signal?.aborted) aborted();
      else signal?.addEventListener("abort", aborted, { once: true });
    });
  }

  private statusOf(circuit: ProviderCircuit): ProviderStatus {
    return { provider: circuit.name, providerIndex: circuit.index, state: circuit.state };
  }

  private wire(circuit: ProviderCircuit): void {
    const policy = circuit.policy;
    policy.onStateChange((next) => {
      const from = circuit.lastState;
      const state = stateName(next);
      this.statesCache = undefined;
      circuit.transitioned(state);
      if (this.stateChangeEmitter.size > 0) {
        this.stateChangeEmitter.emit({ provider: circuit.name, providerIndex: circuit.index, state, from });
      }
    });
    policy.onBreak((reason) => {
      if (this.breakEmitter.size === 0) return;
      const outcome = "value" in reason ? (reason.value as AttemptOutcome) : undefined;
      const failure =
        outcome && !outcome.ok
          ? outcome.failure
          : "error" in reason
            ? failureOf(circuit, "unknown", String(reason.error), false, reason.error)
            : undefined;
      this.breakEmitter.emit({ ...this.statusOf(circuit), state: "open", ...(failure ? { failure } : {}) });
    });
    policy.onReset(() => {
      if (this.resetEmitter.size > 0) this.resetEmitter.emit({ ...this.statusOf(circuit), state: "closed" });
    });
    policy.onHalfOpen(() => {
      if (this.halfOpenEmitter.size > 0) this.halfOpenEmitter.emit({ ...this.statusOf(circuit), state: "half-open" });
    });
  }
}

/**
 * The abort plumbing of one attempt: the signal handed to the provider, and a promise that
 * rejects when the attempt times out or the caller aborts, so the attempt settles even if
 * the provider ignores its signal.
 */
class AttemptScope {
  readonly signal: AbortSignal | undefined;
  timedOut = false;
  /** Rejects the raced attempt; set by `race`. */
  private reject: ((reason: unknown) => void) | undefined;
  /** A stop that came before `race` was called (kept so it is not lost). */
  private stoppedWith: { reason: unknown } | undefined;
  private readonly batch: TimeoutBatch | undefined;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly outer: AbortSignal | undefined,
    timeouts: AttemptTimeouts | undefined,
  ) {
    this.batch = timeouts?.join(this);
    const timeoutSignal = this.batch?.controller.signal;
    this.signal = outer && timeoutSignal ? AbortSignal.any([outer, timeoutSignal]) : (outer ?? timeoutSignal);
    if (outer) {
      this.onAbort = () => this.stop(outer.reason ?? new Error("AbortError"));
      outer.addEventListener("abort", this.onAbort, { once: true });
    }
  }

  /**
   * `call`, or a rejection as soon as the attempt times out or the caller aborts — so the
   * attempt settles even if the provider ignores its signal. One promise per attempt (no
   * `Promise.race` array and second promise on the hot path).
   */
  race<T>(call: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.stoppedWith) return reject(this.stoppedWith.reason);
      this.reject = reject;
      call.then(resolve, reject);
    });
  }

  /** The attempt is over: leave the timeout batch, drop the listener. */
  end(): void {
    this.batch?.leave(this);
    if (this.onAbort) this.outer!.removeEventListener("abort", this.onAbort);
  }

  /** The attempt's timeout fired. @internal */
  expire(reason: Error): void {
    this.timedOut = true;
    this.stop(reason);
  }

  private stop(reason: unknown): void {
    if (this.reject) this.reject(reason);
    else this.stoppedWith ??= { reason };
  }
}

/**
 * Attempt timeouts, batched: attempts that start within `width` ms of each other share one
 * timer and one `AbortSignal` (creating a signal costs ~3 µs, a timer ~0.7 µs; a batch
 * costs that once). Each attempt still gets at least `timeoutMs`, at most `width` more
 * (`width` is 1% of the timeout, 1 to 100 ms). The timer holds the process open only while
 * an attempt of its batch is in flight.
 */
class AttemptTimeouts {
  private open: TimeoutBatch | undefined;
  private readonly width: number;

  constructor(readonly timeoutMs: number) {
    this.width = Math.min(100, Math.max(1, Math.floor(timeoutMs / 100)));
  }

  join(scope: AttemptScope): TimeoutBatch {
    // Monotonic: a wall clock that jumps back (or is frozen by fake timers) must never let an
    // attempt join a batch whose timer was set long ago, and so get less than timeoutMs.
    const now = performance.now();
    let batch = this.open;
    if (batch === undefined || now >= batch.closesAt) batch = this.open = new TimeoutBatch(now + this.width, this.width + this.timeoutMs, this.timeoutMs);
    batch.enter(scope);
    return batch;
  }
}

/** One timer and one abort signal for the attempts that started in one window. */
class TimeoutBatch {
  readonly controller = new AbortController();
  private readonly live = new Set<AttemptScope>();
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    readonly closesAt: number,
    delayMs: number,
    readonly timeoutMs: number,
  ) {
    // Many concurrent attempts listen to this one signal: that is by design, not a leak.
    setMaxListeners(0, this.controller.signal);
    this.timer = setTimeout(expireBatch, delayMs, this);
    this.timer.unref();
  }

  enter(scope: AttemptScope): void {
    if (this.live.size === 0) this.timer.ref();
    this.live.add(scope);
  }

  leave(scope: AttemptScope): void {
    if (this.live.delete(scope) && this.live.size === 0) this.timer.unref();
  }

  /** @internal */
  expire(): void {
    const reason = new Error(`attempt timed out after ${this.timeoutMs} ms`);
    this.controller.abort(reason);
    for (const scope of this.live) scope.expire(reason);
    this.live.clear();
  }
}

function expireBatch(batch: TimeoutBatch): void {
  batch.expire();
}

/**
 * A local circuit's rejection: a neutral outcome (client error, caller abort, broken check,
 * graph control flow) left the circuit untouched — neither a failure nor a success that resets
 * the count; an open or isolated circuit refused the call (`undefined`: skipped); anything else
 * is rethrown.
 */
function localRejection(error: unknown): AttemptOutcome | undefined {
  if (error instanceof NeutralOutcome) return error.outcome;
  if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) return undefined;
  throw error;
}

/** The decision an attempt amounts to, from the circuit's state before it and now. */
function decisionOf(
  circuit: ProviderCircuit,
  attempt: number,
  before: CircuitStateName,
  outcome: AttemptOutcome,
  bypass: boolean,
): BreakerDecision {
  const probe = outcome.ok ? outcome.probe : outcome.failure.probe;
  return {
    provider: circuit.name,
    providerIndex: circuit.index,
    attempt,
    from: probe ? "half-open" : before,
    state: circuit.state,
    probe,
    bypass,
    ...(outcome.ok ? {} : { failure: outcome.failure }),
  };
}

function failureOf(
  circuit: ProviderCircuit,
  kind: AttemptFailure["kind"],
  reason: string,
  probe: boolean,
  error: unknown,
): AttemptFailure {
  return { provider: circuit.name, providerIndex: circuit.index, kind, reason, probe, error };
}

/**
 * A neutral outcome inside the circuit is thrown past cockatiel (see `NeutralOutcome`).
 * The half-open probe is the exception: it is returned and counted as a failure, since a
 * probe that proved nothing must not close the circuit (cockatiel would close it on an
 * unhandled error).
 */
function neutralize(outcome: AttemptOutcome, probe: boolean, bypass: boolean): AttemptOutcome {
  if (outcome.ok || outcome.counted || probe || bypass) return outcome;
  throw new NeutralOutcome(outcome);
}

function hasAcceptHook(check: Check): boolean {
  return check.onAccepted !== undefined;
}

/** Longest reason kept on a failure (reasons end up in errors, events and traces). */
const REASON_MAX = 300;

function cut(text: string): string {
  return text.length <= REASON_MAX ? text : `${text.slice(0, REASON_MAX - 1)}…`;
}

/** LangGraph's `GraphBubbleUp` (interrupts, parent commands), detected without importing LangGraph. */
function isBubbleUp(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { is_bubble_up?: unknown }).is_bubble_up === true;
}
