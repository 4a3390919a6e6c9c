/**
 * A **scripted** judge for the challenger of cascade experiments: a `ScriptedChatModel` that
 * answers the challenger's structured verdict call by comparing each claim's value with the
 * evidence the challenger fetched. It stands in for a model's judgement with documented
 * parameters (defaults and their sources: `SCRIPTED_WORLD`); numbers obtained with it must
 * be labelled "scripted".
 *
 * Rule, per claim under review, when the `<evidence>` block holds a fact with the claim's text:
 * - a false claim (value differs from the fact) is red with probability `recall`, else
 *   yellow (missed);
 * - a true claim is green with probability `specificity`, else yellow (a false alarm: "could
 *   not confirm");
 * - errors are correlated within a run: when the judge erred on the same claim (text and
 *   value) earlier in this chaos run, it repeats that error with probability `correlation`,
 *   and otherwise judges afresh as above. So P(miss again | missed before) = correlation +
 *   (1 − correlation)·(1 − recall). A run is one trial of a campaign: the memory never
 *   crosses trials; outside a chaos run errors are independent.
 *
 * Without such evidence the claim is yellow: a verifier without information the chain lacks
 * cannot refute anything (arXiv:2603.26993). Every call reports `tokens` as usage.
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { EvidenceFetcher, EvidenceItem } from "../../nodes/index.js";
import type { ClaimValue } from "../claims/index.js";
import { readChallengeRequest, ScriptedChatModel } from "../testing/index.js";
import { chaosRng, currentChaosRun } from "./chaos-run.js";
import { parseOptions } from "../internal/options-schema.js";
import { ScriptedJudgeOptionsSchema } from "./chaos-options.js";
import { SCRIPTED_WORLD } from "./scripted-world.js";

/** Statement text → the true answer. */
export type Facts = Readonly<Record<string, ClaimValue>>;

/** Options of {@link createScriptedJudge}. */
export interface ScriptedJudgeOptions {
  /**
   * Probability that a claim contradicted by the evidence is labelled red (else yellow).
   * The default sits in the 0.89–0.94 defence success measured for lineage-based governance
   * (arXiv:2603.04474). @default 0.9
   */
  recall?: number;
  /** Probability that a claim the evidence supports is labelled green (else yellow). @default 0.9 */
  specificity?: number;
  /**
   * Probability that the judge repeats an earlier error on the same claim text and value
   * within one chaos run, instead of judging afresh. @default 0.5
   */
  correlation?: number;
  /** Tokens each call reports as usage (split 85% prompt, 15% reply). @default 400 */
  tokens?: number;
  /** A label for traces. @default "scripted-judge" */
  label?: string;
}

/**
 * Evidence for the challenger from a table of facts: one evidence item per fact, as JSON
 * `{ text, value }`. Pass it as `createChallenger({ evidence })`.
 *
 * @example
 * ```ts
 * const challenger = createChallenger({ model: createScriptedJudge(), evidence: factsEvidence({ "The capital of Australia is": "Canberra" }) });
 * ```
 */
export function factsEvidence(facts: Facts): EvidenceFetcher {
  const items: EvidenceItem[] = Object.entries(facts).map(([text, value], i) => ({
    id: `fact:${i + 1}`,
    content: JSON.stringify({ text, value }),
    source: "scripted facts",
  }));
  return () => items;
}

/**
 * Creates the scripted judge model (see the module documentation for its rule).
 *
 * @example
 * ```ts
 * const judge = createScriptedJudge({ recall: 0.9 });
 * const challenger = createChallenger({ model: judge, evidence: factsEvidence(facts) });
 * ```
 */
export function createScriptedJudge(options: ScriptedJudgeOptions = {}): ScriptedChatModel {
  options = parseOptions(ScriptedJudgeOptionsSchema, options, "createScriptedJudge");
  const p: JudgeParams = {
    recall: options.recall ?? SCRIPTED_WORLD.recall,
    specificity: options.specificity ?? SCRIPTED_WORLD.specificity,
    correlation: options.correlation ?? SCRIPTED_WORLD.correlation,
    label: options.label ?? "scripted-judge",
  };
  const tokens = options.tokens ?? SCRIPTED_WORLD.judgeTokens;
  const input = Math.round(tokens * 0.85);
  return new ScriptedChatModel({
    label: p.label,
    script: ({ messages }) => ({ structured: { verdicts: judge(messages, p) }, usage: { input, output: tokens - input } }),
  });
}

interface JudgeParams {
  readonly recall: number;
  readonly specificity: number;
  readonly correlation: number;
  readonly label: string;
}

/** Per chaos run (keyed by its counters, shared by the run's armed copies): the claims the judge erred on. */
const errorsByRun = new WeakMap<object, Set<string>>();

/** The run's memory of errors; outside a chaos run none is kept (errors are independent, and nothing grows with the process). */
function errorsOfRun(): Set<string> {
  const run = currentChaosRun();
  if (run === undefined) return new Set();
  let errors = errorsByRun.get(run.counters);
  if (errors === undefined) errorsByRun.set(run.counters, (errors = new Set()));
  return errors;
}

/** Whether the judge errs on this claim now: repeats an earlier error with `correlation`, else errs with `rate`. */
function errs(p: JudgeParams, key: string, rate: number): boolean {
  const errors = errorsOfRun();
  const rng = chaosRng(p.label, key);
  const erred = errors.has(key) && rng.chance(p.correlation) ? true : rng.chance(rate);
  if (erred) errors.add(key);
  return erred;
}

function judge(messages: readonly BaseMessage[], p: JudgeParams) {
  const { claims, evidence = [] } = readChallengeRequest(messages);
  const facts = new Map<string, { value: ClaimValue; id: string }>();
  for (const item of evidence) {
    try {
      const fact = JSON.parse(item.content) as { text?: unknown; value?: ClaimValue };
      if (typeof fact.text === "string") facts.set(fact.text, { value: fact.value ?? null, id: item.id });
    } catch {
      // Not a fact item: ignore it.
    }
  }
  return claims.map((claim) => {
    const fact = facts.get(claim.text);
    if (fact === undefined || claim.value === undefined) {
      return { claim_id: claim.id, verdict: "yellow", reasons: ["No evidence covers this statement."], evidence: [] };
    }
    const key = `${claim.text}\u0000${JSON.stringify(claim.value)}`;
    if (fact.value === claim.value) {
      return errs(p, key, 1 - p.specificity)
        ? { claim_id: claim.id, verdict: "yellow", reasons: ["Could not confirm this statement."], evidence: [] }
        : { claim_id: claim.id, verdict: "green", reasons: [`The evidence gives ${String(fact.value)}.`], evidence: [fact.id] };
    }
    return !errs(p, key, 1 - p.recall)
      ? { claim_id: claim.id, verdict: "red", reasons: [`The evidence gives ${String(fact.value)}, not ${String(claim.value)}.`], evidence: [fact.id] }
      : { claim_id: claim.id, verdict: "yellow", reasons: ["Could not confirm this statement."], evidence: [] };
  });
}
