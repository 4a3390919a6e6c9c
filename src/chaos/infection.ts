/**
 * Infection measured through the claims lineage: a node is infected when a claim it wrote
 * carries a fault's taint — the channel gives every claim the union of its parents' taints,
 * so "contains or is derived from a tainted claim" is one field to read. Graphs that relay
 * prose instead of claims can also be measured by a text marker in a node's messages.
 */
import type { Claim } from "../claims/index.js";
import { invalidOption, parseOptions } from "../internal/options-schema.js";
import { MeasureInfectionOptionsSchema } from "./chaos-options.js";

/** Options of {@link measureInfection}. */
export interface MeasureInfectionOptions {
  /** The taint labels that count. @default every taint */
  taints?: readonly string[];
  /** The nodes the rate is computed over (e.g. every agent of the topology). @default every author of a claim */
  population?: readonly string[];
  /** Nodes where the fault was planted; they are reported but left out of the rate. @default the authors of root tainted claims */
  seeds?: readonly string[];
  /** Nodes whose output is the graph's final answer (e.g. the topology's exits). @default [] */
  final?: readonly string[];
  /** State key of the claims channel. @default "claims" */
  claimsKey?: string;
  /**
   * Also count a node infected when one of its messages (an AI message named after the node)
   * contains this text — for agents that relay prose. @default undefined (claims only)
   */
  marker?: string;
  /** State key of the messages channel, for `marker`. @default "messages" */
  messagesKey?: string;
}

/** Who is infected in one run's final state. Plain JSON data. */
export interface InfectionReport {
  /** Infected nodes of the population, seeds excluded, sorted. */
  readonly infected: readonly string[];
  /** Clean nodes of the population, seeds excluded, sorted. */
  readonly clean: readonly string[];
  /** Seed nodes (where the fault was planted). */
  readonly seeds: readonly string[];
  /** Whether each seed's planted output is still in the state (false when a guard kept it out). */
  readonly seedInfected: boolean;
  /** infected / (population − seeds); 0 for an empty denominator. */
  readonly rate: number;
  /** Every non-seed node of the population infected. */
  readonly full: boolean;
  /** Whether a final node's latest output is infected (`false` when no final node wrote anything). */
  readonly finalInfected: boolean;
  /** Number of tainted claims in the state. */
  readonly taintedClaims: number;
}

/**
 * Measures infection in a final state (or a claims array).
 *
 * @example
 * ```ts
 * const report = measureInfection(finalState, { population: ["supervisor", "w1", "w2", "writer"], final: ["writer"] });
 * report.rate; report.finalInfected;
 * ```
 */
export function measureInfection(state: Record<string, unknown> | readonly Claim[], options: MeasureInfectionOptions = {}): InfectionReport {
  options = parseOptions(MeasureInfectionOptionsSchema, options, "measureInfection");
  if (typeof state !== "object" || state === null) throw invalidOption("measureInfection", "state", state, "a graph state object or a list of claims");
  const claimsKey = options.claimsKey ?? "claims";
  const claims: readonly Claim[] = Array.isArray(state)
    ? (state as readonly Claim[])
    : (((state as Record<string, unknown>)[claimsKey] as readonly Claim[] | undefined) ?? []);
  const wanted = options.taints === undefined ? undefined : new Set(options.taints);
  const isTainted = (c: Claim) => (c.taint ?? []).some((t) => wanted === undefined || wanted.has(t));

  const infectedNodes = new Set<string>();
  const rootAuthors = new Set<string>();
  const byId = new Map(claims.map((c) => [c.id, c]));
  const latestBy = new Map<string, boolean>();
  let tainted = 0;
  for (const c of claims) {
    const t = isTainted(c);
    latestBy.set(c.origin.agent, t);
    if (!t) continue;
    tainted++;
    infectedNodes.add(c.origin.agent);
    if (!c.origin.basedOn.some((id) => {
      const parent = byId.get(id);
      return parent !== undefined && isTainted(parent);
    })) {
      rootAuthors.add(c.origin.agent);
    }
  }

  const marker = options.marker;
  const messagesByNode = new Map<string, boolean>();
  if (marker !== undefined && !Array.isArray(state)) {
    const messages = ((state as Record<string, unknown>)[options.messagesKey ?? "messages"] as unknown[] | undefined) ?? [];
    for (const m of messages) {
      const name = (m as { name?: unknown }).name;
      if (typeof name !== "string") continue;
      const hit = textOf((m as { content?: unknown }).content).includes(marker);
      messagesByNode.set(name, hit);
      if (hit) infectedNodes.add(name);
    }
  }

  const seeds = [...(options.seeds ?? rootAuthors)];
  const seedSet = new Set(seeds);
  const population = options.population ?? [...new Set(claims.map((c) => c.origin.agent))];
  const counted = population.filter((n) => !seedSet.has(n));
  const infected = counted.filter((n) => infectedNodes.has(n)).sort();
  const clean = counted.filter((n) => !infectedNodes.has(n)).sort();
  const final = options.final ?? [];
  return {
    infected,
    clean,
    seeds,
    seedInfected: seeds.some((s) => infectedNodes.has(s)),
    rate: counted.length === 0 ? 0 : infected.length / counted.length,
    full: counted.length > 0 && infected.length === counted.length,
    finalInfected: final.some((n) => latestBy.get(n) === true || messagesByNode.get(n) === true),
    taintedClaims: tainted,
  };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === "string" ? p : typeof p?.text === "string" ? p.text : "")).join("");
  return "";
}
