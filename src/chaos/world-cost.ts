/**
 * Calls and tokens spent by scripted agents in a chaos run. A scripted agent is not a model,
 * so no callback sees it; it books its per-call cost here, and `runCampaign` adds it to what
 * the models (the judge included) reported, so every configuration counts calls and tokens.
 */
import { currentChaosRun, type ChaosRun } from "./chaos-run.js";

const CALLS = "cost\u0000agent-calls";
const TOKENS = "cost\u0000agent-tokens";

/** Books one scripted agent call costing `tokens` on the current chaos run (no-op outside one). */
export function bookAgentCall(tokens: number): void {
  const run = currentChaosRun();
  if (run === undefined) return;
  run.counters.set(CALLS, (run.counters.get(CALLS) ?? 0) + 1);
  run.counters.set(TOKENS, (run.counters.get(TOKENS) ?? 0) + tokens);
}

/** What the scripted agents of `run` booked. */
export function agentCost(run: ChaosRun): { readonly calls: number; readonly tokens: number } {
  return { calls: run.counters.get(CALLS) ?? 0, tokens: run.counters.get(TOKENS) ?? 0 };
}
