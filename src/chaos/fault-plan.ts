/**
 * What can go wrong, where and how often: the fault plan read by `injectFaults`.
 * Plans are plain data, so campaigns can be written down, saved and replayed.
 */
import type { ClaimValue } from "../claims/index.js";
import type { FirebreakRole } from "../topology/index.js";
import { parseOptions } from "../internal/options-schema.js";
import { FaultPlansSchema } from "./chaos-options.js";

/**
 * Where a fault strikes: a node name; `"hub"` (the node with the largest principal-eigenvector
 * entry of the topology, the most dangerous seed of arXiv:2603.04474) or `"leaf"` (the agent
 * with the smallest positive entry); `{ node }` for a node literally named "hub" or "leaf";
 * `{ role }` for every node with that firebreak role.
 */
export type FaultTarget = string | { readonly node: string } | { readonly role: FirebreakRole };

/** The node asserts one atomic false claim, marked with a hidden taint so its spread can be measured. */
export interface FalsehoodFault {
  readonly kind: "falsehood";
  /** The statement, e.g. "The capital of Australia is". Claims of the node with the same text are replaced. */
  readonly text: string;
  /** The false answer, when the claim is an answer. */
  readonly value?: ClaimValue;
  /** The confidence the faulty node states. @default 0.9 */
  readonly confidence?: number;
  /** The taint label carried by the claim and inherited by every claim derived from it. @default "chaos" */
  readonly taint?: string;
}

/** The node asserts two claims with the same text and different answers (both tainted). */
export interface ContradictionFault {
  readonly kind: "contradiction";
  /** The statement both claims make. */
  readonly text: string;
  /** The two answers. */
  readonly values: readonly [ClaimValue, ClaimValue];
  /** The taint label. @default "chaos" */
  readonly taint?: string;
}

/**
 * The node's output is broken: `"off-schema"` writes a claim the claims channel must reject
 * (confidence outside [0, 1]) — or, without a claims channel, a message whose content is not
 * text; `"garbage"` keeps the update's shape but replaces its claims and message text with
 * unparseable noise.
 */
export interface MalformedFault {
  readonly kind: "malformed";
  /** @default "off-schema" */
  readonly shape?: "off-schema" | "garbage";
}

/** The node returns an empty update (`{}`): nothing it was supposed to write arrives. */
export interface EmptyFault {
  readonly kind: "empty";
}

/** The node is slow: it waits `ms` (plus up to `jitterMs`, seeded) before running. */
export interface LatencyFault {
  readonly kind: "latency";
  /** Added delay in milliseconds. */
  readonly ms: number;
  /** Extra random delay, uniform in [0, jitterMs). @default 0 */
  readonly jitterMs?: number;
}

/** Kinds of provider failure, shaped like the `openai` SDK's errors (`status`, `name`). */
export type ProviderErrorKind = "429" | "500" | "502" | "503" | "timeout";

/**
 * The node's model calls fail like a provider outage. The error is thrown by a model wrapped
 * with `withProviderFaults` (so a semantic breaker or fallback around it can react); with
 * `via: "node"` the node itself throws it instead (for nodes whose model you cannot wrap).
 */
export interface ProviderErrorFault {
  readonly kind: "provider-error";
  /** Which failure. */
  readonly error: ProviderErrorKind;
  /** Every model call of the node call fails, or only the first. @default "every" */
  readonly modelCalls?: "first" | "every";
  /** Where the error is thrown. @default "model" */
  readonly via?: "model" | "node";
}

/** One fault. */
export type Fault =
  | FalsehoodFault
  | ContradictionFault
  | MalformedFault
  | EmptyFault
  | LatencyFault
  | ProviderErrorFault;

/** One entry of a fault plan: a fault, its targets and when it fires. */
export interface FaultPlan {
  /** Where: one target or several. */
  readonly targets: FaultTarget | readonly FaultTarget[];
  /** What. */
  readonly fault: Fault;
  /** Probability the fault fires on an eligible call (seeded). @default 1 */
  readonly probability?: number;
  /**
   * Which calls of a target node in one run are eligible: the first, every one, or the listed
   * zero-based call numbers. @default "first"
   */
  readonly calls?: "first" | "every" | readonly number[];
  /**
   * Seed used when the graph runs outside `runWithChaos`/`runCampaign` (then every run shares
   * one stream, and `"first"` means the first call since injection). @default 1
   */
  readonly seed?: number;
  /** State keys of the claims and messages channels. @default { claims: "claims", messages: "messages" } */
  readonly channels?: { readonly claims?: string; readonly messages?: string };
}

/** The taint label used when a fault does not name one. */
export const DEFAULT_TAINT = "chaos";

/** Plan entries after defaults. */
export interface ResolvedFaultPlan {
  readonly targets: readonly FaultTarget[];
  readonly fault: Fault;
  readonly probability: number;
  readonly calls: "first" | "every" | readonly number[];
  readonly seed: number;
  readonly claimsKey: string;
  readonly messagesKey: string;
  /** Position of the entry in the plan, for stable random streams. */
  readonly entry: number;
}

/** Validates a plan (one zod schema: `INVALID_OPTIONS` naming the entry and field) and applies defaults. */
export function resolveFaultPlan(plan: FaultPlan | readonly FaultPlan[], where = "injectFaults"): ResolvedFaultPlan[] {
  const parsed = parseOptions(FaultPlansSchema, plan, where, "plan") as FaultPlan | readonly FaultPlan[];
  const entries: readonly FaultPlan[] = isPlanList(parsed) ? parsed : [parsed];
  return entries.map((p, entry) => ({
    targets: Array.isArray(p.targets) ? (p.targets as readonly FaultTarget[]) : [p.targets as FaultTarget],
    fault: p.fault,
    probability: p.probability ?? 1,
    calls: p.calls ?? "first",
    seed: p.seed ?? 1,
    claimsKey: p.channels?.claims ?? "claims",
    messagesKey: p.channels?.messages ?? "messages",
    entry,
  }));
}

/** A short label of a fault for tables: `falsehood`, `provider-error:429`, `latency:200ms`. */
export function faultLabel(fault: Fault): string {
  switch (fault.kind) {
    case "provider-error":
      return `provider-error:${fault.error}`;
    case "latency":
      return `latency:${fault.ms}ms`;
    case "malformed":
      return `malformed:${fault.shape ?? "off-schema"}`;
    default:
      return fault.kind;
  }
}

/** A short label of a target: `hub`, `leaf`, `role:verifier`, or the node name. */
export function targetLabel(target: FaultTarget): string {
  if (typeof target === "string") return target;
  return "node" in target ? target.node : `role:${target.role}`;
}

function isPlanList(plan: FaultPlan | readonly FaultPlan[]): plan is readonly FaultPlan[] {
  return Array.isArray(plan);
}
