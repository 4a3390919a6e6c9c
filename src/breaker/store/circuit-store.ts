/**
 * Where a breaker keeps its circuits. The default, local store is the breaker as it always
 * was: each process counts on its own cockatiel circuits. A shared store (Redis:
 * `createRedisCircuitStore`) lets every process that uses it share, per provider name, the
 * failure counts that trip a circuit, its state and open-until time, and one half-open probe.
 */
import type { IDisposable } from "cockatiel";

/** A fleet-wide circuit state as a shared store reports it. */
export interface FleetState {
  /** `"half-open"`: some process holds the probe; `remainingMs` is what is left of its lease. */
  readonly state: "closed" | "open" | "half-open";
  /** For `"open"`: milliseconds left of the cool-down; for `"half-open"`: of the probe's lease. */
  readonly remainingMs: number;
}

/** What one provider's circuit needs from a shared store. Every method is fire-and-forget or bounded. */
export interface CircuitLink {
  /**
   * Records an outcome (`true`: counted failure, `false`: success). Batched and sent without
   * waiting; the store applies the provider's trip rule atomically and tells every process
   * when it trips.
   */
  record(failed: boolean): void;
  /**
   * Asks for the fleet's single half-open probe once the cool-down is over: `"won"` (this
   * process probes), a `FleetState` (someone else probes, or the circuit is already closed or
   * still open), `"lost"` (someone else held the probe, and the store has since delivered a
   * newer state through `LinkListener.fleet`: the call fails over, the circuit keeps the newer
   * state), or `undefined` when the store did not answer within its bound.
   */
  claimProbe(): Promise<"won" | "lost" | FleetState | undefined>;
  /** Reports the probe's outcome: closes the fleet's circuit, or re-opens it for `coolDownMs`. */
  probeDone(ok: boolean, coolDownMs: number): void;
  /** Stops listening to the store. */
  dispose(): void;
}

/** How a shared store talks back to one provider's circuit. */
export interface LinkListener {
  /** The fleet's state changed (another process tripped, probed, closed), or a reply revealed it. */
  fleet(state: FleetState): void;
  /** The store became unreachable (or unusable): decide on local state from now on. */
  away(): void;
  /**
   * The store is back: returns this process's local view, so a circuit that opened locally
   * while the store was away reaches the store (the fleet keeps the longer cool-down).
   * `heldForMs`: half-open here while another process probes, how long its probe lease still ran
   * as last seen (so a store that lost its keys meanwhile can keep others from probing beside it).
   */
  back(): { readonly openForMs: number; readonly heldForMs?: number };
  /**
   * This process's circuit at a re-sync: `"probing"` while a probe (or a probe claim) of its runs,
   * otherwise its state. A store that finds this process still holding the fleet's probe lease
   * when it is not probing (its result was never sent: the claim timed out but ran once the store
   * answered, or the probe ended while the store was away) releases the lease and publishes this
   * state, so the fleet does not stay half-open until the lease expires. Absent: never released.
   */
  local?(): "closed" | "open" | "half-open" | "probing";
}

/** One provider's circuit as a shared store sees it. */
export interface LinkSpec {
  /** The provider's name: circuits of the same name share state across processes. */
  readonly provider: string;
  /** The trip rule, applied by the store (only rules a store can count: see its docs). */
  readonly trip: SharedTripRule;
  /** The first cool-down after a trip, in milliseconds. */
  readonly coolDownMs: () => number;
}

/** The trip rules a shared store counts. */
export type SharedTripRule =
  | { readonly kind: "consecutive"; readonly threshold: number }
  | { readonly kind: "failure-rate"; readonly threshold: number; readonly window: number; readonly minimumCalls?: number };

/** Payload of a store's `onUnavailable` / `onRecovered`. */
export interface StoreEvent {
  /** `"store-unavailable"` (once per outage) or `"store-recovered"`. */
  readonly type: "store-unavailable" | "store-recovered";
  /** Why the store is unavailable (connection refused, a key holding something else, a missing peer…). */
  readonly reason?: string;
}

/**
 * Where circuits live. `"local"`: in this process (the default; nothing shared). `"shared"`:
 * in a store every process of the fleet reaches, through `link`.
 */
export interface CircuitStore {
  /** `"local"` or `"shared"`. */
  readonly scope: "local" | "shared";
  /** Joins one provider's fleet-wide circuit (shared stores). */
  link?(spec: LinkSpec, listener: LinkListener): CircuitLink;
  /** Fires once when the store becomes unreachable; the breaker then decides on local state. */
  readonly onUnavailable?: (listener: (event: StoreEvent) => void) => IDisposable;
  /** Fires when the store is reachable again and circuits re-synced. */
  readonly onRecovered?: (listener: (event: StoreEvent) => void) => IDisposable;
}

/** The default store: every process keeps its own circuits (the breaker's behaviour without a store). */
export const localCircuitStore: CircuitStore = Object.freeze({ scope: "local" as const });

/** True for an object shaped like a {@link CircuitStore}. */
export function isCircuitStore(value: unknown): value is CircuitStore {
  if (typeof value !== "object" || value === null) return false;
  const store = value as { scope?: unknown; link?: unknown };
  return store.scope === "local" || (store.scope === "shared" && typeof store.link === "function");
}
