/**
 * One provider's circuit when its state is shared through a store. Every call decides on
 * this in-memory mirror (no store round trip); the mirror follows the fleet through the
 * store's messages and replies, and falls back to counting locally while the store is away.
 */
import { CircuitState, type IBackoff, type IBreaker, type IHalfOpenAfterBackoffContext } from "cockatiel";
import { createTripBreaker, type HalfOpenAfter, type TripRule } from "../provider-circuit.js";
import type { AttemptFailure, CircuitStateName } from "../types.js";
import type { CircuitLink, CircuitStore, FleetState, LinkListener, SharedTripRule } from "./circuit-store.js";

/** What the engine does with a shared circuit on this call. */
export type SharedGate = "attempt" | "skip" | "claim" | "probe";

/** Reports a transition to the breaker's listeners. */
export type TransitionSink = (from: CircuitStateName, to: CircuitStateName, failure?: AttemptFailure) => void;

/** Saved state of a shared circuit (cockatiel's `toJSON()` shape, so `initialState` reads it back). */
interface SavedShared {
  readonly ownState: { readonly value: number; readonly openedAt?: number; readonly attemptNo?: number };
  readonly breakerState: unknown;
}

/** One provider's fleet-wide circuit, mirrored in this process. @internal */
export class SharedCircuit implements LinkListener {
  private inner: Exclude<CircuitStateName, "isolated"> = "closed";
  /** `Date.now()` until which an open circuit stays open (or another process's probe lease runs). */
  private openUntil = 0;
  private probing = false;
  private claiming = false;
  /** True while the store is reachable and this circuit is synced with it. */
  private storeUp = false;
  private isolations = 0;
  /** Counts locally while the store is away (fresh at each outage). */
  private localTrip: IBreaker;
  private readonly coolDowns: CoolDowns;
  readonly link: CircuitLink;

  constructor(
    readonly name: string,
    private readonly trip: TripRule,
    halfOpenAfter: HalfOpenAfter,
    store: CircuitStore,
    private readonly emit: TransitionSink,
    saved: unknown,
  ) {
    this.localTrip = createTripBreaker(trip);
    this.coolDowns = new CoolDowns(halfOpenAfter);
    this.restore(saved as SavedShared | undefined);
    this.link = store.link!({ provider: name, trip: sharedRule(trip), coolDownMs: () => this.coolDowns.first() }, this);
  }

  /** The state callers see. */
  get state(): CircuitStateName {
    return this.isolations > 0 ? "isolated" : this.inner;
  }

  /** The hot path: what to do with this provider now, decided in memory. */
  gate(): SharedGate {
    if (this.isolations > 0) return "skip";
    if (this.inner === "closed") return "attempt";
    if (this.probing || this.claiming || Date.now() < this.openUntil) return "skip";
    if (this.storeUp) return "claim";
    this.beginProbe();
    return "probe";
  }

  /** The cool-down is over and the store is up: ask it for the fleet's one probe (bounded wait). */
  async claim(): Promise<SharedGate> {
    this.claiming = true;
    let answer: Awaited<ReturnType<CircuitLink["claimProbe"]>>;
    try {
      answer = await this.link.claimProbe();
    } finally {
      this.claiming = false;
    }
    if (answer === "won" || answer === undefined) {
      // Won (this process holds the fleet's lease: it must report a result), or no answer in
      // time (decide locally). A concurrent local probe cannot exist: gate() skips while claiming.
      if (this.probing) return "skip";
      if (answer === undefined && this.inner === "closed") return "attempt";
      this.beginProbe();
      return "probe";
    }
    // "lost": the answer was older than a state the store already delivered (the probe's result
    // can overtake the claim's reply): applying it would undo that newer state.
    if (answer === "lost") return "skip";
    this.fleet(answer);
    return this.inner === "closed" ? "attempt" : "skip";
  }

  /** Records what an attempt through this circuit amounted to. */
  settle(result: "ok" | "failed" | "neutral", probe: boolean, failure?: AttemptFailure): void {
    if (probe) {
      this.probing = false;
      if (result === "ok") {
        this.link.probeDone(true, 0);
        this.close();
      } else {
        const ms = this.coolDowns.next();
        this.link.probeDone(false, ms);
        this.open(ms, failure);
      }
      return;
    }
    if (result === "neutral") return;
    const failed = result === "failed";
    this.link.record(failed);
    if (this.storeUp || this.inner !== "closed") return;
    if (failed ? this.localTrip.failure(CircuitState.Closed) : (this.localTrip.success(CircuitState.Closed), false)) {
      this.open(this.coolDowns.first(), failure);
    }
  }

  /** Holds the circuit open by hand in this process until `dispose()`. */
  isolate(): { dispose(): void } {
    const from = this.state;
    this.isolations++;
    if (from !== "isolated") this.emit(from, "isolated");
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (--this.isolations === 0) this.emit("isolated", this.inner);
      },
    };
  }

  /** cockatiel's `toJSON()` shape. */
  toJSON(): SavedShared {
    if (this.inner === "closed") return { ownState: { value: CircuitState.Closed }, breakerState: undefined };
    return { ownState: { value: CircuitState.Open, openedAt: this.openUntil - this.coolDowns.current(), attemptNo: 1 }, breakerState: undefined };
  }

  // LinkListener ------------------------------------------------------------------------

  /** @internal */
  fleet(state: FleetState): void {
    const now = Date.now();
    if (state.state === "closed") {
      if (this.inner !== "closed") this.close();
      return;
    }
    if (state.state === "open") {
      this.openUntil = now + state.remainingMs;
      if (this.inner !== "open") this.move("open");
      return;
    }
    if (this.probing) return; // our own probe's announcement
    this.openUntil = now + state.remainingMs;
    if (this.inner !== "half-open") this.move("half-open");
  }

  /** @internal */
  away(): void {
    if (!this.storeUp) return;
    this.storeUp = false;
    this.localTrip = createTripBreaker(this.trip);
  }

  /** @internal */
  back(): { readonly openForMs: number; readonly heldForMs: number } {
    this.storeUp = true;
    const left = Math.max(0, this.openUntil - Date.now());
    // Half-open while another process probes: how long its lease still ran, as last seen here.
    return { openForMs: this.inner === "open" ? left : 0, heldForMs: this.inner === "half-open" && !this.probing ? left : 0 };
  }

  /** @internal */
  local(): "closed" | "open" | "half-open" | "probing" {
    return this.probing || this.claiming ? "probing" : this.inner;
  }

  // -------------------------------------------------------------------------------------

  private beginProbe(): void {
    this.probing = true;
    this.move("half-open");
  }

  private open(ms: number, failure?: AttemptFailure): void {
    this.openUntil = Date.now() + ms;
    this.move("open", failure);
  }

  private close(): void {
    this.coolDowns.reset();
    this.localTrip = createTripBreaker(this.trip);
    this.move("closed");
  }

  private move(to: Exclude<CircuitStateName, "isolated">, failure?: AttemptFailure): void {
    const from = this.inner;
    if (from === to) return;
    this.inner = to;
    if (this.isolations === 0) this.emit(from, to, failure);
  }

  private restore(saved: SavedShared | undefined): void {
    const own = saved?.ownState;
    if (own?.value !== CircuitState.Open && own?.value !== CircuitState.HalfOpen) return;
    const until = (own.openedAt ?? 0) + this.coolDowns.first();
    this.inner = "open";
    this.openUntil = until;
  }
}

/** The rule the store applies (the engine rejects other kinds before building a shared circuit). */
function sharedRule(trip: TripRule): SharedTripRule {
  if (trip.kind === "consecutive" || trip.kind === "failure-rate") return trip;
  throw new Error(`a shared circuit store cannot count a "${trip.kind}" trip rule`);
}

/** Cool-down durations: a fixed number, or a cockatiel backoff advanced at each re-open. */
class CoolDowns {
  private backoff: IBackoff<IHalfOpenAfterBackoffContext> | undefined;
  private attempt = 1;

  constructor(private readonly halfOpenAfter: HalfOpenAfter) {}

  first(): number {
    if (typeof this.halfOpenAfter === "number") return this.halfOpenAfter;
    this.backoff ??= this.halfOpenAfter.next(this.context());
    return this.backoff.duration;
  }

  next(): number {
    if (typeof this.halfOpenAfter === "number") return this.halfOpenAfter;
    this.attempt++;
    this.backoff = this.backoff ? this.backoff.next(this.context()) : this.halfOpenAfter.next(this.context());
    return this.backoff.duration;
  }

  current(): number {
    return typeof this.halfOpenAfter === "number" ? this.halfOpenAfter : (this.backoff?.duration ?? this.first());
  }

  reset(): void {
    this.backoff = undefined;
    this.attempt = 1;
  }

  private context(): IHalfOpenAfterBackoffContext {
    return { attempt: this.attempt, result: { error: new Error("circuit opened") }, signal: new AbortController().signal };
  }
}
