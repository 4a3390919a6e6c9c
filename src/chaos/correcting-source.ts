/**
 * A planted source that may correct itself: once a guard's feedback names the statement the
 * fault planted, the faulty node stops asserting it, with probability `correction`, for the
 * rest of the run — from then on its calls reach the node as it was before the fault was
 * injected (a scripted agent then answers from its own evidence on the retry). With
 * probability 1 − `correction` it keeps asserting it, like the seed agent of arXiv:2603.04474
 * whose context holds the falsehood. `runCampaign` applies it for `fire.correction`.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { RunnableLambda } from "@langchain/core/runnables";
import { readGuardFeedback } from "../../nodes/index.js";
import { chaosRng, currentChaosRun } from "./chaos-run.js";
import type { AnyStateGraph } from "./inject-faults.js";

interface NodeSpecLike {
  runnable: { invoke(state: unknown, config?: RunnableConfig): Promise<unknown> };
}

/**
 * Replaces each of `nodes` in `faulty` (a builder from `injectFaults`, changed in place) by a
 * node that runs the faulty version until a guard's feedback names `text`, then — with
 * probability `correction`, drawn once per run and node — the version from `original`.
 * Returns `faulty`. @internal
 */
export function withCorrectingSource(
  faulty: AnyStateGraph,
  original: AnyStateGraph,
  nodes: readonly string[],
  text: string,
  correction: number,
): AnyStateGraph {
  if (correction <= 0) return faulty;
  const faultyNodes = (faulty as unknown as { nodes: Record<string, NodeSpecLike> }).nodes;
  const originalNodes = (original as unknown as { nodes: Record<string, NodeSpecLike> }).nodes;
  for (const name of nodes) {
    const spec = faultyNodes[name];
    const clean = originalNodes[name];
    if (spec === undefined || clean === undefined) continue;
    const planted = spec.runnable;
    const key = `source-corrected\u0000${name}`;
    const runnable = RunnableLambda.from(async (state: unknown, config?: RunnableConfig) => {
      const run = currentChaosRun();
      let decision = run?.counters.get(key) ?? 0; // 0 undecided, 1 corrected, 2 keeps asserting
      if (decision === 0 && readGuardFeedback(config)?.failed.some((f) => f.text === text)) {
        decision = chaosRng("source-correction", name).chance(correction) ? 1 : 2;
        run?.counters.set(key, decision);
      }
      return (decision === 1 ? clean.runnable : planted).invoke(state, config);
    }).withConfig({ runName: name });
    faultyNodes[name] = { ...spec, runnable: runnable as unknown as NodeSpecLike["runnable"] };
  }
  return faulty;
}
