/**
 * Risk tiers (the Minimum Viable Reliability Stack): the tier follows from the topology and
 * declared facts, and each tier lists the controls it needs. Tier 0: every system. Tier 1:
 * runs over 30 s or external side effects. Tier 2: any cycle (ρ > 0). Tier 3: over 5 min,
 * over $1 a run, or regulated. The checklist says which controls the graph visibly has.
 */
import { finding, type TopologyFinding } from "./findings.js";
import type { Topology } from "./topology.js";

/** Facts about the workload that the graph cannot show. */
export interface TierFacts {
  /** Typical run time in seconds. */
  expectedDurationSeconds?: number;
  /** Whether runs write to external systems (payments, tickets, e-mail). */
  externalSideEffects?: boolean;
  /** LLM cost per run in US dollars. */
  costPerRunUsd?: number;
  /** Whether the workload is in a regulated industry. */
  regulated?: boolean;
  /** Whether tracing is configured (when it cannot be seen on the graph object). */
  tracing?: boolean;
  /** Whether a durable checkpointer is used (when analysing an uncompiled builder). */
  checkpointer?: boolean;
  /** Whether chat models are wrapped by a semantic circuit breaker (when not detectable). */
  breaker?: boolean;
}

/** The MVRS tier. */
export type Tier = 0 | 1 | 2 | 3;

/** Status of one control: `manual` when no graph can show it. */
export type ControlCheck = "present" | "missing" | "unknown" | "manual";

/** One line of the checklist. */
export interface TierControl {
  /** Stable id. */
  readonly id: string;
  /** Tier that first needs it. */
  readonly tier: Tier;
  /** What the control is. */
  readonly label: string;
  /** Whether the graph has it. */
  readonly status: ControlCheck;
  /** Why the status was given. */
  readonly evidence: string;
}

/** The tier and its checklist. */
export interface TierReport {
  readonly tier: Tier;
  /** Why this tier (one line per triggered criterion). */
  readonly reasons: readonly string[];
  /** Controls for every tier up to and including this one. */
  readonly controls: readonly TierControl[];
}

/** Analysis results the tier assessment needs. */
export interface TierInputs {
  readonly topology: Topology;
  readonly rho: number;
  readonly relayOk: boolean;
  readonly relayDepth: number | "unbounded";
  readonly relayLimit: number;
  /** Cyclic components with no guard, verifier or human node on them, as node lists. */
  readonly unguardedComponents: readonly (readonly string[])[];
  readonly cyclicComponents: number;
}

/** Computes the tier and its checklist. */
export function assessTier(inputs: TierInputs, facts: TierFacts = {}): TierReport {
  const { tier, reasons } = tierOf(inputs.rho, facts);
  const controls = [...baseControls(inputs, facts), ...cycleAndStakesControls(inputs, facts)].filter((c) => c.tier <= tier);
  return { tier, reasons, controls };
}

/** The tier the facts and ρ call for, with one reason per triggered criterion. */
export function tierOf(rho: number, facts: TierFacts = {}): { tier: Tier; reasons: string[] } {
  const reasons: string[] = [];
  let tier: Tier = 0;
  const duration = facts.expectedDurationSeconds;
  if (duration !== undefined && duration > 30) {
    tier = 1;
    reasons.push(`runs take ${duration} s (> 30 s): tier 1`);
  }
  if (facts.externalSideEffects) {
    tier = 1;
    reasons.push("runs have external side effects: tier 1");
  }
  if (rho > 0) {
    tier = 2;
    reasons.push(`the graph has cycles (ρ = ${fmt(rho)} > 0): tier 2`);
  }
  if (duration !== undefined && duration > 300) {
    tier = 3;
    reasons.push(`runs take ${duration} s (> 5 min): tier 3`);
  }
  if (facts.costPerRunUsd !== undefined && facts.costPerRunUsd > 1) {
    tier = 3;
    reasons.push(`a run costs $${facts.costPerRunUsd} (> $1): tier 3`);
  }
  if (facts.regulated) {
    tier = 3;
    reasons.push("the workload is regulated: tier 3");
  }
  if (reasons.length === 0) reasons.push("acyclic, short, no declared side effects: tier 0");
  return { tier, reasons };
}

function control(id: string, tier: Tier, label: string, status: ControlCheck, evidence: string): TierControl {
  return { id, tier, label, status, evidence };
}

/** A detected control, unless the facts declare it. */
function detectedOrDeclared(detected: "present" | "absent" | "unknown", declared: boolean | undefined): ControlCheck {
  if (declared !== undefined) return declared ? "present" : "missing";
  return detected === "present" ? "present" : detected === "absent" ? "missing" : "unknown";
}

/** The controls of tiers 0 and 1. */
function baseControls(inputs: TierInputs, facts: TierFacts): TierControl[] {
  const { topology } = inputs;
  const c = topology.controls;
  const retryKnown = topology.nodes.filter((n) => n.retry !== undefined);
  const noRetry = topology.nodes.filter((n) => n.retry === false && (n.role === "agent" || n.role === "tool"));
  return [
    control("tracing", 0, "Tracing (OpenTelemetry / Langfuse / Phoenix / LangSmith)", detectedOrDeclared(c.tracing, facts.tracing),
      facts.tracing === undefined ? c.evidence.tracing : "declared in facts"),
    control("specification-audit", 0, "Specification audit of every agent (MAST FM-1.x)", "manual",
      "not visible in a graph: review each agent's task and role specification"),
    control("relay-depth", 0, `Relay depth ≤ ${inputs.relayLimit} without verification`,
      inputs.relayOk ? "present" : "missing",
      `longest unverified agent chain: ${inputs.relayDepth}`),
    control("consistency-baseline", 0, "Consistency baseline (same input N times)", "manual",
      "not visible in a graph: run the same input repeatedly and record the spread"),
    control("checkpointer", 1, "Durable checkpoints (PostgresSaver or the embedded default)",
      detectedOrDeclared(c.checkpointer, facts.checkpointer),
      facts.checkpointer === undefined ? c.evidence.checkpointer : "declared in facts"),
    control("retries", 1, "Retries with backoff on model and tool nodes",
      retryKnown.length === 0 ? "unknown" : noRetry.length === 0 ? "present" : "missing",
      retryKnown.length === 0
        ? "retry policies are not visible on a hand-built topology"
        : noRetry.length === 0
          ? "every agent and tool node has a retryPolicy"
          : `no retryPolicy on ${list(noRetry.map((n) => n.id))}`),
    control("compensation", 1, "Compensation for external writes (saga)", facts.externalSideEffects ? "manual" : "present",
      facts.externalSideEffects ? "not visible in a graph: pair every external write with an undo" : "no external side effects declared"),
  ];
}

/** The controls of tiers 2 (cycles) and 3 (high stakes). */
function cycleAndStakesControls(inputs: TierInputs, facts: TierFacts): TierControl[] {
  const { topology } = inputs;
  const humans = topology.nodes.filter((n) => n.role === "human").map((n) => n.id);
  return [
    control("guards-at-cycles", 2, "Guards (BICR) at the high-ρ boundaries",
      inputs.cyclicComponents === 0 ? "present" : inputs.unguardedComponents.length === 0 ? "present" : "missing",
      inputs.unguardedComponents.length === 0
        ? "every cycle passes through a guard, verifier or human node"
        : `cycles with no guard: ${inputs.unguardedComponents.map((m) => `{${list(m)}}`).join(", ")}`),
    control("fresh-context-verifier", 2, "Fresh-context verifier on multi-round discussions",
      inputs.relayDepth === "unbounded" ? "missing" : "present",
      inputs.relayDepth === "unbounded"
        ? "a loop between agents has no verifier or human on it"
        : "no loop between agents without a verifier"),
    control("breaker", 2, "Provider circuit breaker with failover (withSemanticBreaker)",
      detectedOrDeclared(topology.controls.breaker, facts.breaker),
      facts.breaker === undefined ? topology.controls.evidence.breaker : "declared in facts"),
    control("human-gates", 3, "Human-in-the-loop gates at high-stakes points", humans.length > 0 ? "present" : "missing",
      humans.length > 0 ? `human nodes: ${list(humans)}` : "no interruptBefore/interruptAfter or human-role node"),
    control("evaluation", 3, "Full multi-dimensional evaluation before promotion", "manual",
      "not visible in a graph"),
    control("posterior-relay", 3, "Structured posterior relay on every handoff (arXiv:2603.26993)", "manual",
      "not visible in a graph: hand over answers with probabilities, e.g. through the claims channel"),
  ];
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

function list(ids: readonly string[], max = 6): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`;
}

/** A CONTROL_MISSING warning for each missing control (relay depth has its own error). */
export function tierFindings(tier: TierReport): TopologyFinding[] {
  return tier.controls
    .filter((c) => c.status === "missing" && c.id !== "relay-depth")
    .map((c) =>
      finding(
        "CONTROL_MISSING",
        "warning",
        `Tier ${tier.tier} needs "${c.label}" (tier ${c.tier}): ${c.evidence}.`,
        "Add the control or lower the tier's drivers.",
      ),
    );
}
