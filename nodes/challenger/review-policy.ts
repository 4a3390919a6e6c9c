import { InvalidOptionsError } from "../../src/internal/options-schema.js";

/**
 * Which claims go to the challenger — the routing policies of arXiv:2603.04474:
 * - `"strict"`: every claim;
 * - `"balanced"`: every claim when the producer is a hub of the topology, otherwise only the
 *   claims that need it (flagged `requiresVerification`, confidence below the floor or
 *   unstated, built on a claim that is not green, or red-flagged);
 * - `"low"`: red-flagged claims only — built on a claim already labelled red or yellow, or
 *   repeating the text of a claim already labelled red (in the claims channel, or in the
 *   guard's red ledger: judged red earlier in the thread and never committed).
 * Claims not sent to the challenger pass unlabelled (`"unverified"`).
 */
export type ReviewPolicy = "strict" | "balanced" | "low";

/** Every policy, in order of decreasing scrutiny. */
export const REVIEW_POLICIES: readonly ReviewPolicy[] = ["strict", "balanced", "low"];

/** What the policy reads of a candidate claim. */
export interface PolicyClaim {
  readonly id: string;
  readonly text: string;
  /** The author's confidence, when stated. */
  readonly confidence?: number | undefined;
  /** The channel's (or the author's) flag that the claim must be checked. */
  readonly requiresVerification?: boolean | undefined;
  /** Ids of the claims it was derived from. */
  readonly basedOn?: readonly string[] | undefined;
}

/**
 * A claim already in shared state, as far as the policy cares — or, from the guard, a claim
 * its red ledger holds (judged red earlier in the thread, never committed), with status `"red"`.
 */
export interface KnownClaim {
  readonly id: string;
  readonly text: string;
  readonly status: string;
}

/** The context a policy decides in. */
export interface PolicyContext {
  readonly policy: ReviewPolicy;
  /** True when the producer is a hub of the topology (balanced policy). */
  readonly hub: boolean;
  /** Confidence below which a claim needs review under "balanced". */
  readonly confidenceFloor: number;
  /** Claims already in shared state, and the guard's red ledger as red claims (for lineage and repeat flags). */
  readonly known: readonly KnownClaim[];
}

/** Checks a policy name given by a caller. */
export function assertReviewPolicy(value: unknown, where: string): ReviewPolicy {
  if (typeof value === "string" && (REVIEW_POLICIES as readonly string[]).includes(value)) return value as ReviewPolicy;
  throw new InvalidOptionsError(where, [{ option: "policy", received: JSON.stringify(value) ?? String(value), allowed: REVIEW_POLICIES.join(", ") }], {
    message: `${where}: policy must be one of ${REVIEW_POLICIES.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(value)}.`,
  });
}

/**
 * A claim's text as the red checks compare it: Unicode-normalised (NFKC), invisible format
 * characters (zero-width spaces, joiners) removed, lower-cased, runs of whitespace made one
 * space, and trailing full stops, exclamation marks and semicolons dropped. Two texts that
 * differ only in case, spacing or a final full stop state the same thing (a final "。" is a full stop).
 */
export function normaliseClaimText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\p{Cf}/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\s.!;。]+$/u, "");
}

/** Why a claim is red-flagged, or `undefined` when it is not. */
export function redFlag(claim: PolicyClaim, known: readonly KnownClaim[]): string | undefined {
  const byId = new Map(known.map((k) => [k.id, k]));
  for (const parent of claim.basedOn ?? []) {
    const status = byId.get(parent)?.status;
    if (status === "red" || status === "yellow") return `built on ${status} claim ${parent}`;
  }
  const text = normaliseClaimText(claim.text);
  const repeated = known.find((k) => k.status === "red" && normaliseClaimText(k.text) === text);
  return repeated ? `repeats red claim ${repeated.id}` : undefined;
}

/** Why a claim needs review under the balanced policy at a non-hub, or `undefined`. */
function needsReview(claim: PolicyClaim, ctx: PolicyContext): string | undefined {
  if (claim.requiresVerification === true) return "requires verification";
  if (claim.confidence === undefined) return "confidence not stated";
  if (claim.confidence < ctx.confidenceFloor) return `confidence ${claim.confidence} below ${ctx.confidenceFloor}`;
  const byId = new Map(ctx.known.map((k) => [k.id, k]));
  const shaky = (claim.basedOn ?? []).find((id) => byId.get(id)?.status !== "green");
  if (shaky !== undefined) return `built on unverified claim ${shaky}`;
  return redFlag(claim, ctx.known);
}

/** The claims the policy sends to the challenger, in their original order. */
export function selectForReview<C extends PolicyClaim>(claims: readonly C[], ctx: PolicyContext): C[] {
  switch (ctx.policy) {
    case "strict":
      return [...claims];
    case "balanced":
      return ctx.hub ? [...claims] : claims.filter((c) => needsReview(c, ctx) !== undefined);
    case "low":
      return claims.filter((c) => redFlag(c, ctx.known) !== undefined);
  }
}
