/**
 * The per-run chaos context: the run's seed, per-label call counters and the log of every
 * fault that fired. It travels with the run through Node's `AsyncLocalStorage`, so faulty
 * nodes, faulty models and scripted agents deep inside subgraphs (a guard's challenger, a
 * prebuilt agent) all draw from the same seeded streams without any change to the graph.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { invalidOption } from "../internal/options-schema.js";
import { createRng, deriveSeed, type Rng } from "./rng.js";

/** What happened when a planned fault met a node call. */
export interface FaultEvent {
  /** Node the fault was planned for. */
  readonly node: string;
  /** Fault kind. */
  readonly kind: string;
  /** Zero-based call of that node in this run. */
  readonly call: number;
  /** True when the fault took effect. */
  readonly fired: boolean;
  /** Why it did not fire, or what it did. */
  readonly note?: string;
  /** Taint label of claims the fault planted. */
  readonly taint?: string;
  /** Ids of the claims the fault planted. */
  readonly claimIds?: readonly string[];
}

/** A provider error armed for the model calls of one node call. */
export interface ArmedProviderFault {
  /** The node whose model calls should fail. */
  readonly node: string;
  /** Builds the error to throw. */
  readonly error: () => Error;
  /** Whether every model call in the node call fails, or only the first. */
  readonly every: boolean;
  /** Set once a faulty model has thrown. */
  thrown: number;
}

/** The state of one chaos run; read it with {@link currentChaosRun}. */
export interface ChaosRun {
  /** The run's seed. */
  readonly seed: number;
  /** Every planned fault met by a node call, in order. */
  readonly events: FaultEvent[];
  /** Per-label call counters (node calls, scripted agent draws). */
  readonly counters: Map<string, number>;
  /** The provider fault armed for the current node call, if any. */
  readonly armed?: ArmedProviderFault;
}

/**
 * One store per process, shared by every copy of this module (a CLI that loads a user's module
 * with its own loader gets a second copy of the package): a scripted agent imported through one
 * copy must see the run started through the other.
 */
const STORAGE_KEY = Symbol.for("langgraph-firebreak/chaos-run");
const storage: AsyncLocalStorage<ChaosRun> = ((globalThis as Record<symbol, unknown>)[STORAGE_KEY] as AsyncLocalStorage<ChaosRun> | undefined) ??
  ((globalThis as Record<symbol, unknown>)[STORAGE_KEY] = new AsyncLocalStorage<ChaosRun>()) as AsyncLocalStorage<ChaosRun>;

/** A fresh run context for `seed`. */
export function createChaosRun(seed: number): ChaosRun {
  if (typeof seed !== "number" || !Number.isFinite(seed)) throw invalidOption("createChaosRun", "seed", seed, "a finite number (an unsigned 32-bit seed)");
  return { seed: seed >>> 0, events: [], counters: new Map() };
}

/**
 * Runs `fn` (typically `graph.invoke(...)`) as one chaos run: faulty nodes and models, and
 * scripted agents, draw from streams derived from `seed`, and the returned `run.events` list
 * every fault that fired. `runCampaign` does this for every trial.
 *
 * @example
 * ```ts
 * const { result, run } = await runWithChaos(7, () => graph.invoke(input));
 * run.events.filter((e) => e.fired);
 * ```
 */
export async function runWithChaos<T>(
  seed: number | ChaosRun,
  fn: () => Promise<T> | T,
): Promise<{ result: T; run: ChaosRun }> {
  if (typeof seed !== "number" && !(typeof seed === "object" && seed !== null && Array.isArray((seed as ChaosRun).events))) {
    throw invalidOption("runWithChaos", "seed", seed, "a finite number or a run from createChaosRun(seed)");
  }
  if (typeof fn !== "function") throw invalidOption("runWithChaos", "fn", fn, "a function, e.g. () => graph.invoke(input)");
  const run = typeof seed === "number" ? createChaosRun(seed) : seed;
  const result = await storage.run(run, fn);
  return { result, run };
}

/** The chaos run the caller is inside, or `undefined`. */
export function currentChaosRun(): ChaosRun | undefined {
  return storage.getStore();
}

/** Runs `fn` inside `run` extended with `armed` (same counters and event log). */
export function withArmedProviderFault<T>(run: ChaosRun, armed: ArmedProviderFault, fn: () => T): T {
  return storage.run({ ...run, armed }, fn);
}

/** Increments and returns the zero-based call number of `label` in `run`. */
export function nextCall(run: ChaosRun, label: string): number {
  const n = run.counters.get(label) ?? 0;
  run.counters.set(label, n + 1);
  return n;
}

const fallbackCounters = new Map<string, number>();

/**
 * A seeded stream for one draw site of the current run: `chaosRng("researcher")` in a
 * scripted agent gives a stream that depends only on the run's seed, the label and how many
 * times this label drew before in this run — not on the order parallel nodes ran in.
 * Outside a chaos run, seed 0 and a process-wide counter are used.
 *
 * @example
 * ```ts
 * const adopt = chaosRng("researcher").chance(0.4);
 * ```
 */
export function chaosRng(...label: readonly (string | number)[]): Rng {
  const run = currentChaosRun();
  const key = label.join("\u0000");
  if (run === undefined) {
    const n = fallbackCounters.get(key) ?? 0;
    fallbackCounters.set(key, n + 1);
    return createRng(deriveSeed(0, "draw", ...label, n));
  }
  const call = nextCall(run, `draw\u0000${key}`);
  return createRng(deriveSeed(run.seed, "draw", ...label, call));
}
