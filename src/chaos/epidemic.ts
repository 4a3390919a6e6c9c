/**
 * Monte Carlo of the adoption dynamics of arXiv:2603.04474 on a topology:
 *
 *   s_i(t+1) = (1-δ)·s_i(t) + (1-s_i(t))·(1 - Π_j (1 - β·a_ji·s_j(t)))
 *
 * read as a stochastic process on 0/1 states: an adopter (infected node) self-corrects with
 * probability δ per step; a clean node adopts with probability 1 - Π(1-β_ji) over its infected
 * producers j (an edge j → i means i consumes j's output). Linearised at the start of an
 * outbreak, the expected number of adopters grows by 1 - δ + β·ρ(A) per step, so the
 * outbreak dies out when R = β·ρ/δ < 1 and spreads when R > 1 (the SIS threshold).
 */
import { analyzeTopology, DEFAULT_GUARD_RESIDUAL, extractTopology, isTopology, type Topology } from "../topology/index.js";
import { createRng, type Rng } from "./rng.js";
import { pickHubOrLeaf } from "./targets.js";
import { invalidOption, parseOptions } from "../internal/options-schema.js";
import { EpidemicOptionsSchema } from "./chaos-options.js";

/** Who is infected at step 0. */
export type EpidemicSeed =
  /** The node with the largest principal-eigenvector entry (the most dangerous seed). */
  | "hub"
  /** The agent with the smallest positive principal-eigenvector entry. */
  | "leaf"
  /** One node drawn uniformly per trial. */
  | "random"
  /** These nodes. */
  | readonly string[];

/** Options of {@link simulateEpidemic}. */
export interface EpidemicOptions {
  /** Transmission probability per edge and step, where an edge or node does not declare its own. */
  beta: number;
  /** Self-correction probability per adopter and step, where a node does not declare its own. */
  delta: number;
  /** Steps per trial. @default 50 */
  steps?: number;
  /** Independent trials. @default 1000 */
  trials?: number;
  /** Seed of the random stream; the same seed gives the same result. @default 1 */
  seed?: number;
  /** Who is infected at step 0. @default "hub" */
  initial?: EpidemicSeed;
  /**
   * Fraction of adoptions that pass a guard, verifier or human node: their outgoing β is
   * scaled by it, exactly as `analyzeTopology` does (arXiv:2603.04474's measured 0.89–0.94
   * defence success). @default 0.11
   */
  guardResidual?: number;
}

/** What {@link simulateEpidemic} found. Plain JSON data. */
export interface EpidemicResult {
  /** Spectral radius of the topology's adjacency (from `analyzeTopology`). */
  readonly rho: number;
  /** ρ with guard residuals applied (what the simulation runs on). */
  readonly rhoEffective: number;
  /** Reproduction number from `analyzeTopology`: β·ρ_eff/δ, or ρ(D⁻¹B) with per-node/edge values. */
  readonly R: number;
  /** What the threshold predicts. */
  readonly verdict: "sub-threshold" | "epidemic" | "at-threshold";
  /** The nodes infected at step 0 (for `"random"`, those of the first trial). */
  readonly initial: readonly string[];
  /** Mean fraction of nodes infected at each step 0…steps, over trials. */
  readonly prevalence: readonly number[];
  /** The same curve from the deterministic mean-field recurrence (the paper's formula). */
  readonly meanField: readonly number[];
  /** Mean fraction infected at the last step. */
  readonly finalPrevalence: number;
  /** Fraction of trials in which nobody was infected any more at the last step. */
  readonly extinction: number;
  /** Mean fraction of nodes infected at least once. */
  readonly attackRate: number;
  /** Per node: the fraction of trials in which it was ever infected. */
  readonly everInfected: Readonly<Record<string, number>>;
  /** Mean adopters after one step divided by adopters at step 0 (Monte Carlo). */
  readonly growth: number;
  /**
   * What linearisation predicts for that ratio when seeded along the principal eigenvector:
   * 1 − δ + β·ρ_eff, i.e. 1 + δ·(R − 1). Seeding one node gives its own out-degree instead
   * (exact on a cycle or a complete digraph, where every node is the eigenvector).
   */
  readonly predictedGrowth: number;
  /** The parameters used. */
  readonly params: { readonly beta: number; readonly delta: number; readonly steps: number; readonly trials: number; readonly seed: number };
}

/**
 * Simulates how one planted falsehood spreads over a topology (or a `StateGraph` / compiled
 * graph, extracted with `extractTopology`) and compares it with the
 * epidemic threshold. Per-edge `beta` and per-node `beta`/`delta` declared on the topology
 * override the options, like in `analyzeTopology`.
 *
 * @example
 * ```ts
 * const t = extractTopology(builder);
 * const run = simulateEpidemic(t, { beta: 0.3, delta: 0.5, trials: 2000 });
 * run.R; // β·ρ/δ
 * run.extinction; // near 1 when R < 1
 * ```
 */
export function simulateEpidemic(graph: Topology | object, options: EpidemicOptions): EpidemicResult {
  options = parseOptions(EpidemicOptionsSchema, options, "simulateEpidemic");
  const topology = isTopology(graph) ? graph : extractTopology(graph);
  const { beta, delta } = options;
  const steps = options.steps ?? 50;
  const trials = options.trials ?? 1000;
  const seed = options.seed ?? 1;
  const residual = options.guardResidual ?? DEFAULT_GUARD_RESIDUAL;
  const analysis = analyzeTopology(topology, { beta, delta, guardResidual: residual, seeds: topology.nodes.length, cycles: false, guards: false });
  if (topology.nodes.length === 0) throw invalidOption("simulateEpidemic", "graph", graph, "a topology or graph with at least one node");
  const net = transmissionNetwork(topology, beta, delta, residual);
  const seedsOf = resolveInitial(options.initial ?? "hub", topology, net.index, analysis);
  const totals = runTrials(net, seedsOf, steps, trials, createRng(seed));

  const { ids, n } = net;
  const curve = Array.from(totals.prevalence, (v) => v / trials);
  const everInfected: Record<string, number> = {};
  for (let i = 0; i < n; i++) everInfected[ids[i]!] = totals.everCount[i]! / trials;
  const R = analysis.R;
  return {
    rho: analysis.rho,
    rhoEffective: analysis.rhoEffective,
    R,
    verdict: Math.abs(R - 1) < 1e-9 ? "at-threshold" : R < 1 ? "sub-threshold" : "epidemic",
    initial: totals.firstInitial ?? [],
    prevalence: curve,
    meanField: meanField(n, net.inFrom, net.inBeta, net.nodeDelta, seedsOf(createRng(seed).fork("trial", 0)), steps),
    finalPrevalence: curve[steps]!,
    extinction: totals.extinct / trials,
    attackRate: totals.attack / trials,
    everInfected,
    growth: totals.growthSum / trials,
    predictedGrowth: 1 + delta * (R - 1),
    params: { beta, delta, steps, trials, seed },
  };
}

/** The graph as the simulation reads it: node ids, each node's δ, in-neighbours and each in-edge's transmission probability. */
interface TransmissionNetwork {
  readonly ids: readonly string[];
  readonly n: number;
  readonly index: Map<string, number>;
  readonly nodeDelta: readonly number[];
  readonly inFrom: readonly number[][];
  readonly inBeta: readonly number[][];
}

function transmissionNetwork(topology: Topology, beta: number, delta: number, residual: number): TransmissionNetwork {
  const ids = topology.nodes.map((n) => n.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const nodeDelta = topology.nodes.map((node) => node.delta ?? delta);
  // In-neighbour lists with the transmission probability of each edge.
  const inFrom: number[][] = ids.map(() => []);
  const inBeta: number[][] = ids.map(() => []);
  for (const e of topology.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined) continue;
    inFrom[t]!.push(s);
    const source = topology.nodes[s]!;
    const factor = source.guard ? (source.guard.residual ?? residual) : source.role === "verifier" || source.role === "human" ? residual : 1;
    inBeta[t]!.push((e.beta ?? source.beta ?? beta) * factor);
  }
  return { ids, n: ids.length, index, nodeDelta, inFrom, inBeta };
}

/** Sums over all trials (divided by the trial count by the caller). */
interface TrialTotals {
  readonly prevalence: Float64Array;
  readonly everCount: Float64Array;
  extinct: number;
  attack: number;
  growthSum: number;
  firstInitial: string[] | undefined;
}

/** Runs `trials` stochastic SIS trials, each on its own fork of `rng`, and sums their figures. */
function runTrials(net: TransmissionNetwork, seedsOf: (rng: Rng) => number[], steps: number, trials: number, rng: Rng): TrialTotals {
  const { ids, n } = net;
  const totals: TrialTotals = { prevalence: new Float64Array(steps + 1), everCount: new Float64Array(n), extinct: 0, attack: 0, growthSum: 0, firstInitial: undefined };
  const buffers = { state: new Uint8Array(n), next: new Uint8Array(n), ever: new Uint8Array(n) };
  for (let trial = 0; trial < trials; trial++) {
    const trialRng = rng.fork("trial", trial);
    buffers.state.fill(0);
    buffers.ever.fill(0);
    const initial = seedsOf(trialRng);
    totals.firstInitial ??= initial.map((i) => ids[i]!);
    const infected = runTrial(net, initial, steps, trialRng, buffers, totals);
    if (infected === 0) totals.extinct++;
    let everTotal = 0;
    for (let i = 0; i < n; i++) {
      everTotal += buffers.ever[i]!;
      totals.everCount[i]! += buffers.ever[i]!;
    }
    totals.attack += everTotal / n;
  }
  return totals;
}

/** One trial from `initial`: up to `steps` synchronous steps; adds to the prevalence curve and growth; returns the infected count at the end. */
function runTrial(
  net: TransmissionNetwork,
  initial: readonly number[],
  steps: number,
  rng: Rng,
  buffers: { state: Uint8Array; next: Uint8Array; ever: Uint8Array },
  totals: TrialTotals,
): number {
  const { n, nodeDelta, inFrom, inBeta } = net;
  let { state, next } = buffers;
  const { ever } = buffers;
  for (const i of initial) {
    state[i] = 1;
    ever[i] = 1;
  }
  let infected = initial.length;
  totals.prevalence[0]! += infected / n;
  for (let t = 1; t <= steps; t++) {
    if (infected === 0) break;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (state[i] === 1) {
        const stays = !rng.chance(nodeDelta[i]!);
        next[i] = stays ? 1 : 0;
      } else {
        let escape = 1;
        const from = inFrom[i]!;
        const b = inBeta[i]!;
        for (let k = 0; k < from.length; k++) if (state[from[k]!] === 1) escape *= 1 - b[k]!;
        next[i] = escape < 1 && rng.next() >= escape ? 1 : 0;
      }
      if (next[i] === 1) {
        count++;
        ever[i] = 1;
      }
    }
    if (t === 1) totals.growthSum += count / initial.length;
    [state, next] = [next, state];
    infected = count;
    totals.prevalence[t]! += count / n;
  }
  // The swapped arrays carry on into the next trial, as one pair of buffers.
  buffers.state = state;
  buffers.next = next;
  return infected;
}

/** The paper's recurrence on infection probabilities, iterated deterministically. */
function meanField(
  n: number,
  inFrom: readonly number[][],
  inBeta: readonly number[][],
  nodeDelta: readonly number[],
  initial: readonly number[],
  steps: number,
): number[] {
  let s = new Float64Array(n);
  let next = new Float64Array(n);
  for (const i of initial) s[i] = 1;
  const curve = [initial.length / n];
  for (let t = 1; t <= steps; t++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      let escape = 1;
      const from = inFrom[i]!;
      const b = inBeta[i]!;
      for (let k = 0; k < from.length; k++) escape *= 1 - b[k]! * s[from[k]!]!;
      next[i] = (1 - nodeDelta[i]!) * s[i]! + (1 - s[i]!) * (1 - escape);
      total += next[i]!;
    }
    [s, next] = [next, s];
    curve.push(total / n);
  }
  return curve;
}

function resolveInitial(
  initial: EpidemicSeed,
  topology: Topology,
  index: ReadonlyMap<string, number>,
  analysis: Parameters<typeof pickHubOrLeaf>[2],
): (rng: Rng) => number[] {
  const n = topology.nodes.length;
  if (initial === "random") return (rng) => [rng.int(n)];
  if (initial === "hub" || initial === "leaf") {
    const i = index.get(pickHubOrLeaf(initial, topology, analysis))!;
    return () => [i];
  }
  const list = initial.map((id, at) => {
    const i = index.get(id);
    if (i === undefined) {
      throw invalidOption("simulateEpidemic", `initial[${at}]`, id, `a node of the topology (${[...index.keys()].slice(0, 10).join(", ")}${index.size > 10 ? ", …" : ""})`);
    }
    return i;
  });
  return () => list;
}
