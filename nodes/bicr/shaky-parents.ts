/**
 * Lineage acts (issue 18): a yellow verdict on a claim built on claims that are not green
 * blocks the attempt as a red one would (`yellowOnShakyParents: "block"`, the default). Yellow
 * means "not supported"; a claim that is neither supported itself nor resting on supported
 * claims is how one falsehood, passed as yellow at a hub, becomes the next agent's yellow claim
 * and the final answer (the failing path of the cascade benchmark).
 *
 * A claim's lineage is followed through this attempt's own claims (their verdicts in this
 * review; a claim the policy did not send counts as not green) and then through the claims
 * channel (each stored claim's `origin.basedOn`, however deep). A parent found in neither is
 * not green: nothing vouches for it.
 */
import { getClaim, type Claim } from "../../src/claims/index.js";
import type { ClaimJudgement } from "../challenger/verdict-schema.js";
import type { BufferedClaim } from "./guard-types.js";

/** A claim of the lineage walk: its status and its parents. */
interface Node {
  readonly status: string;
  readonly basedOn: readonly string[];
}

/** The first claim in the lineage of `claim` (parents first, then theirs) that is not green, or `undefined` when all are. */
export function shakyAncestor(claim: Pick<BufferedClaim, "id" | "basedOn">, attempt: ReadonlyMap<string, Node>, stored: readonly Claim[]): string | undefined {
  const seen = new Set<string>([claim.id]);
  const queue = [...claim.basedOn];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const own = attempt.get(id);
    const found = own ?? storedNode(stored, id);
    if (found === undefined || found.status !== "green") return id;
    queue.push(...found.basedOn);
  }
  return undefined;
}

function storedNode(stored: readonly Claim[], id: string): Node | undefined {
  const claim = getClaim(stored, id);
  return claim === undefined ? undefined : { status: claim.status, basedOn: claim.origin?.basedOn ?? [] };
}

/**
 * The claims judged yellow in this review whose lineage is not all green: claim id → the first
 * claim of its lineage that is not green.
 */
export function shakyYellows(items: readonly BufferedClaim[], judgements: readonly ClaimJudgement[], stored: readonly Claim[]): Map<string, string> {
  const verdicts = new Map(judgements.map((j) => [j.claimId, j.verdict]));
  const attempt = new Map<string, Node>(items.map((c) => [c.id, { status: verdicts.get(c.id) ?? "unreviewed", basedOn: c.basedOn }]));
  const shaky = new Map<string, string>();
  for (const item of items) {
    if (verdicts.get(item.id) !== "yellow" || item.basedOn.length === 0) continue;
    const parent = shakyAncestor(item, attempt, stored);
    if (parent !== undefined) shaky.set(item.id, parent);
  }
  return shaky;
}

/** Why a yellow claim was blocked: "yellow on a claim built on non-green <parentId>". */
export function shakyReason(parentId: string): string {
  return `yellow on a claim built on non-green ${parentId}`;
}
