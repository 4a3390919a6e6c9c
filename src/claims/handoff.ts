import type { Claim } from "./claim-schema.js";
import { positionOf } from "./claims-index.js";
import type { Intent } from "./intent.js";
import { toPosterior, type PosteriorClaim } from "./posterior.js";
import { invalidOption } from "../internal/options-schema.js";

/** Options of {@link createHandoff}. */
export interface HandoffOptions {
  /** State key of the claims channel. @default "claims" */
  readonly claimsKey?: string;
  /** State key of the intent channel. @default "intent" */
  readonly intentKey?: string;
  /**
   * Which claims to hand over: `"lineage"` — the sender's claims and every claim they build
   * on; `"all"` — every stored claim.
   * @default "lineage"
   */
  readonly scope?: "lineage" | "all";
  /** Further open questions to pass on, after the generated ones. @default [] */
  readonly questions?: readonly string[];
  /** Further constraints, after the intent's. @default [] */
  readonly constraints?: readonly string[];
}

/** The structured context a receiving agent gets instead of a prose summary. */
export interface Handoff {
  readonly from: string;
  readonly to: string;
  /** The original intent, or `null` when none was set. */
  readonly intent: { readonly text: string; readonly constraints: readonly string[]; readonly setBy?: string } | null;
  /** The claims the receiver depends on, oldest first, with status and origin. */
  readonly claims: readonly PosteriorClaim[];
  /** What is not settled: contradicted, unsupported and unverified claims, then `questions`. */
  readonly openQuestions: readonly string[];
  /** The intent's constraints, then `constraints`. */
  readonly constraints: readonly string[];
  /**
   * The longest chain of consecutive non-green claims among those handed over: how many
   * relays this content has crossed without verification (keep it ≤ 3, a design heuristic
   * from arXiv:2603.26993, not a theorem).
   */
  readonly unverifiedDepth: number;
}

/**
 * Builds the handoff from one agent to the next (against MAST FM-1.4 loss of conversation
 * history and FM-2.4 information withholding): the intent, the claims the receiver depends
 * on with their status, the open questions, and the constraints — as data, never prose.
 *
 * @example
 * ```ts
 * const toWriter = createHandoff(state, "analyst", "writer");
 * const prompt = `Intent: ${toWriter.intent?.text}\nClaims: ${JSON.stringify(toWriter.claims)}\n` +
 *   `Open questions: ${toWriter.openQuestions.join("\n")}`;
 * ```
 */
export function createHandoff(
  state: Record<string, unknown>,
  from: string,
  to: string,
  options: HandoffOptions = {},
): Handoff {
  if (typeof state !== "object" || state === null) throw invalidOption("createHandoff", "state", state, "the graph state object (with its claims and intent channels)");
  const all = (state[options.claimsKey ?? "claims"] ?? []) as readonly Claim[];
  const intent = (state[options.intentKey ?? "intent"] ?? null) as Intent | null;
  const selected = options.scope === "all" ? all : senderLineage(all, from);

  const openQuestions: string[] = [];
  for (const claim of selected) {
    const who = `claim ${claim.id} by ${claim.origin.agent} (${JSON.stringify(claim.text)})`;
    const verdict = claim.verifiedBy ? `${claim.verifiedBy.verifier}: ${claim.verifiedBy.reason}` : "";
    if (claim.status === "red") openQuestions.push(`Contradicted: ${who} — ${verdict}. Do not rely on it.`);
    else if (claim.status === "yellow") openQuestions.push(`Unsupported: ${who} — ${verdict}. Find evidence before relying on it.`);
    else if (claim.status === "unverified" && claim.requiresVerification) {
      openQuestions.push(`Unverified: ${who}. Check it before relying on it.`);
    }
  }
  openQuestions.push(...(options.questions ?? []));

  return {
    from,
    to,
    intent:
      intent === null
        ? null
        : { text: intent.text, constraints: intent.constraints, ...(intent.setBy === undefined ? {} : { setBy: intent.setBy }) },
    claims: toPosterior(selected).claims,
    openQuestions,
    constraints: [...(intent?.constraints ?? []), ...(options.constraints ?? [])],
    unverifiedDepth: unverifiedDepth(selected),
  };
}

/** The sender's claims and all their ancestors, oldest first. */
function senderLineage(claims: readonly Claim[], from: string): Claim[] {
  const keep = new Set<number>();
  const stack: number[] = [];
  for (let i = 0; i < claims.length; i++) {
    if (claims[i]!.origin.agent === from) {
      keep.add(i);
      stack.push(i);
    }
  }
  while (stack.length > 0) {
    for (const id of claims[stack.pop()!]!.origin.basedOn) {
      const p = positionOf(claims, id);
      if (p >= 0 && !keep.has(p)) {
        keep.add(p);
        stack.push(p);
      }
    }
  }
  return [...keep].sort((a, b) => a - b).map((p) => claims[p]!);
}

/** Longest path of non-green claims (parents precede children, so one pass suffices). */
function unverifiedDepth(claims: readonly Claim[]): number {
  const depth = new Map<string, number>();
  let max = 0;
  for (const claim of claims) {
    let d = 0;
    if (claim.status !== "green") {
      for (const parent of claim.origin.basedOn) d = Math.max(d, depth.get(parent) ?? 0);
      d += 1;
    }
    depth.set(claim.id, d);
    if (d > max) max = d;
  }
  return max;
}
