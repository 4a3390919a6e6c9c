/**
 * **Scripted** agents for cascade experiments: they stand in for a model's judgement with a
 * documented, seeded adoption rule, so a campaign measures the topology and the guards, not
 * a model's mood. Numbers obtained with them must be labelled "scripted".
 *
 * The adoption rule mirrors the dynamics of arXiv:2603.04474. On every call an agent looks at
 * the latest claim of every *other* author it reads on its question (ignoring claims a
 * verifier labelled red). Each author j asserting an answer different from the agent's
 * current belief independently convinces it with probability β_j (`adoptionFrom[j]`, else
 * `adoption`), multiplied by `discount` when the claim shows its doubt as a model would read
 * it in the posterior: risk `"high"` by `claimRisk` (judged yellow, tagged high-risk by a
 * guard, or built on such a claim) or still `requiresVerification`. An unjudged claim (risk
 * `"unknown"`, as in an unguarded graph) and a settled green one are not discounted. The agent
 * adopts with probability 1 − Π_j (1 − β_j) — the paper's formula, 1 − (1 − β)^k for k
 * dissenters at one β — taking the answer most of them assert, and records its claim as
 * derived from theirs (`origin.basedOn`), so taints travel through the lineage. An agent
 * that holds an adopted answer returns to its own evidence with probability δ per call.
 * Otherwise it restates its current belief (derived from its own previous claim when that
 * belief was adopted). When a guard blocked the agent's last attempt and its feedback names
 * the agent's statement, the agent answers from its own evidence on the retry (as a model
 * told "do not repeat these claims" would). Every call books `tokens` (see `bookAgentCall`).
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { readGuardFeedback } from "../../nodes/index.js";
import { claimRisks, type Claim, type ClaimInput, type ClaimValue } from "../claims/index.js";
import { chaosRng } from "./chaos-run.js";
import { parseOptions } from "../internal/options-schema.js";
import { AdoptionAgentOptionsSchema } from "./chaos-options.js";
import { SCRIPTED_WORLD } from "./scripted-world.js";
import { bookAgentCall } from "./world-cost.js";

/** Options of {@link createAdoptionAgent}. */
export interface AdoptionAgentOptions {
  /** The node name the agent runs under (its claims' `origin.agent`). */
  name: string;
  /** The statement the agent answers, e.g. "The capital of Australia is". */
  text: string;
  /** The answer the agent's own evidence supports (what it says when nobody dissents). */
  belief: ClaimValue;
  /** β: probability that one dissenting author convinces the agent, per call. */
  adoption: number;
  /** β per author, overriding `adoption` (e.g. agents defer more to their supervisor). @default {} */
  adoptionFrom?: Readonly<Record<string, number>>;
  /** δ: probability that an agent holding an adopted answer returns to its own, per call. @default 0 */
  correction?: number;
  /**
   * Factor on β for a claim that shows doubt (risk `"high"` or `requiresVerification`): 1 reads
   * it like any other claim, 0 never adopts it. @default 0.33 (`SCRIPTED_WORLD.discount`)
   */
  discount?: number;
  /** Tokens one call of this agent costs (booked on the chaos run). @default 500 (`SCRIPTED_WORLD.agentTokens`) */
  tokens?: number;
  /** Confidence the agent states. @default 0.8 */
  confidence?: number;
  /** State key of the claims channel. @default "claims" */
  claimsKey?: string;
  /** Only read these authors' claims. @default every other author */
  reads?: readonly string[];
}

/** What an adoption agent did on one call (also returned by {@link adoptionStep}). */
export interface AdoptionStep {
  /** The claim written. */
  readonly claim: ClaimInput;
  /** `"own"`, `"adopted"`, `"kept"` (restated an adopted answer) or `"corrected"`. */
  readonly action: "own" | "adopted" | "kept" | "corrected";
}

/**
 * Creates a scripted adoption agent: a node function that reads the claims channel and
 * writes one claim per call, following the rule in this module's documentation. Randomness
 * comes from the chaos run (`chaosRng`), so a seeded campaign is reproducible to the number.
 *
 * @example
 * ```ts
 * builder.addNode("researcher", createAdoptionAgent({
 *   name: "researcher", text: "The capital of Australia is", belief: "Canberra", adoption: 0.5,
 * }), { metadata: firebreakRole("agent") });
 * ```
 */
export function createAdoptionAgent(options: AdoptionAgentOptions) {
  const resolved = resolve(options);
  return async (state: Record<string, unknown>, config?: LangGraphRunnableConfig): Promise<Record<string, unknown>> => {
    const feedback = readGuardFeedback(config);
    const blocked = feedback?.failed.some((f) => f.text === resolved.text) ?? false;
    bookAgentCall(resolved.tokens);
    const step = stepResolved(resolved, (state[resolved.claimsKey] as readonly Claim[] | undefined) ?? [], { blocked });
    return { [resolved.claimsKey]: [step.claim] };
  };
}

type Resolved = Required<Omit<AdoptionAgentOptions, "reads">> & { reads?: readonly string[] };

function resolve(options: AdoptionAgentOptions): Resolved {
  options = parseOptions(AdoptionAgentOptionsSchema, options, "createAdoptionAgent") as AdoptionAgentOptions;
  return {
    name: options.name,
    text: options.text,
    belief: options.belief,
    adoption: options.adoption,
    adoptionFrom: options.adoptionFrom ?? {},
    correction: options.correction ?? 0,
    discount: options.discount ?? SCRIPTED_WORLD.discount,
    tokens: options.tokens ?? SCRIPTED_WORLD.agentTokens,
    confidence: options.confidence ?? 0.8,
    claimsKey: options.claimsKey ?? "claims",
    ...(options.reads !== undefined ? { reads: options.reads } : {}),
  };
}

/** One step of the adoption rule over `claims` (exported for tests and custom agents). */
export function adoptionStep(
  options: AdoptionAgentOptions,
  claims: readonly Claim[],
  context: { readonly blocked?: boolean } = {},
): AdoptionStep {
  return stepResolved(resolve(options), claims, context);
}

function stepResolved(o: Resolved, claims: readonly Claim[], context: { readonly blocked?: boolean }): AdoptionStep {
  if (context.blocked) {
    return { action: "corrected", claim: { text: o.text, value: o.belief, origin: { agent: o.name, source: "model", basedOn: [] }, confidence: o.confidence } };
  }
  const latest = new Map<string, Claim>();
  const risk = claimRisks(claims);
  for (const c of claims) {
    if (c.text !== o.text || c.status === "red") continue;
    latest.set(c.origin.agent, c);
  }
  const own = latest.get(o.name);
  latest.delete(o.name);
  const current: ClaimValue = own?.value !== undefined ? own.value : o.belief;
  const holdsAdopted = own !== undefined && own.value !== o.belief;
  const dissent = [...latest.values()].filter((c) => (o.reads === undefined || o.reads.includes(c.origin.agent)) && c.value !== current);
  const rng = chaosRng("adoption", o.name);
  const make = (value: ClaimValue, basedOn: string[], action: AdoptionStep["action"]): AdoptionStep => ({
    action,
    claim: { text: o.text, value, origin: { agent: o.name, source: "model", basedOn }, confidence: o.confidence },
  });
  let escape = 1;
  for (const c of dissent) {
    const doubtful = risk.get(c.id) === "high" || c.requiresVerification === true;
    escape *= 1 - (o.adoptionFrom[c.origin.agent] ?? o.adoption) * (doubtful ? o.discount : 1);
  }
  if (dissent.length > 0 && rng.chance(1 - escape)) {
    const votes = new Map<ClaimValue, Claim[]>();
    for (const c of dissent) votes.set(c.value ?? null, [...(votes.get(c.value ?? null) ?? []), c]);
    // Most authors first; ties go to the answer asserted most recently.
    let best: Claim[] = [];
    for (const group of votes.values()) {
      if (group.length > best.length || (group.length === best.length && lastIndex(claims, group) > lastIndex(claims, best))) best = group;
    }
    const value = best[0]!.value ?? null;
    if (value === o.belief) return make(o.belief, [], "corrected");
    return make(value, best.map((c) => c.id), "adopted");
  }
  if (holdsAdopted && rng.chance(o.correction)) return make(o.belief, [], "corrected");
  if (holdsAdopted) return make(current, [own!.id], "kept");
  return make(o.belief, [], "own");
}

function lastIndex(claims: readonly Claim[], group: readonly Claim[]): number {
  let max = -1;
  for (const c of group) max = Math.max(max, claims.indexOf(c));
  return max;
}
