/**
 * A **scripted** judge for the challenger of cascade experiments: a `ScriptedChatModel` that
 * answers the challenger's structured verdict call by comparing each claim's value with the
 * evidence the challenger fetched. It stands in for a model's judgement with one documented
 * parameter, `recall`; numbers obtained with it must be labelled "scripted".
 *
 * Rule, per claim under review: when the `<evidence>` block holds a fact with the claim's
 * text, a matching value is green, and a different value is red with probability `recall`
 * (seeded through the chaos run; otherwise yellow — missed). Without such evidence the
 * claim is yellow: a verifier without information the chain lacks cannot refute anything
 * (arXiv:2603.26993).
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { EvidenceFetcher, EvidenceItem } from "../../nodes/index.js";
import type { ClaimValue } from "../claims/index.js";
import { readChallengeRequest, ScriptedChatModel } from "../testing/index.js";
import { chaosRng } from "./chaos-run.js";
import { parseOptions } from "../internal/options-schema.js";
import { ScriptedJudgeOptionsSchema } from "./chaos-options.js";

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
  const recall = options.recall ?? 0.9;
  const label = options.label ?? "scripted-judge";
  return new ScriptedChatModel({
    label,
    script: ({ messages }) => ({ structured: { verdicts: judge(messages, recall, label) } }),
  });
}

function judge(messages: readonly BaseMessage[], recall: number, label: string) {
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
    if (fact.value === claim.value) {
      return { claim_id: claim.id, verdict: "green", reasons: [`The evidence gives ${String(fact.value)}.`], evidence: [fact.id] };
    }
    const caught = chaosRng(label, claim.text).chance(recall);
    return caught
      ? { claim_id: claim.id, verdict: "red", reasons: [`The evidence gives ${String(fact.value)}, not ${String(claim.value)}.`], evidence: [fact.id] }
      : { claim_id: claim.id, verdict: "yellow", reasons: ["Could not confirm this statement."], evidence: [] };
  });
}
