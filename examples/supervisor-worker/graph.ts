import type { StructuredToolInterface } from "@langchain/core/tools";
import { createChallenger, createSupervisorWorkerGraph, guardNodeInPlace } from "langgraph-firebreak/nodes";
import { calculatorEvidence } from "./evidence.js";
import type { ExampleModels } from "./models.js";
import { RESEARCHER_DESCRIPTION, researcherNode } from "./researcher.js";

/** Options of {@link buildExampleGraph}. */
export interface ExampleGraphOptions {
  /**
   * The researcher's "publish" effect tool (see `publish.ts`): given, the researcher publishes
   * each answer with it, deferred by the guard until the attempt passes. Omitted (the audit and
   * the in-memory tracing test), the researcher only answers.
   */
  readonly publish?: StructuredToolInterface;
}

/**
 * The example team: a supervisor, a researcher, an analyst and a writer. Both workers are
 * guarded: their output is held back until a fresh-context challenger, armed with a calculator,
 * has checked its claims; a contradicted claim is blocked and the worker retries with
 * feedback (up to 3 attempts, then a human decides). Model calls retry on transient errors. With
 * `publish`, the researcher also publishes its answer: a blocked attempt's publish is dropped, the
 * passing one's runs once. Returns the uncompiled builder; compile it with a checkpointer and
 * `interruptBefore: ["writer"]`.
 */
export function buildExampleGraph(models: ExampleModels, options: ExampleGraphOptions = {}) {
  const builder = createSupervisorWorkerGraph({
    supervisor: models.supervisor,
    workers: {
      researcher: options.publish
        ? { description: RESEARCHER_DESCRIPTION, node: researcherNode(models.researcher, options.publish) }
        : { description: RESEARCHER_DESCRIPTION, model: models.researcher },
      analyst: { description: "Interprets the facts and says what they imply.", model: models.analyst },
    },
    writer: models.writer,
    maxRounds: 6,
    retryPolicy: { maxAttempts: 3 },
  });
  // Both workers report back to the supervisor, so each supervisor ⇄ worker loop needs a check
  // on it: an unchecked loop is an unbounded relay (`firebreak audit` fails it). One challenger,
  // with the calculator as evidence, reviews both.
  const challenger = createChallenger({ model: models.challenger, evidence: calculatorEvidence });
  const guarded = guardNodeInPlace(builder, "researcher", { challenger, policy: "strict", maxAttempts: 3, onExhausted: "interrupt" });
  return guardNodeInPlace(guarded, "analyst", { challenger, policy: "strict", maxAttempts: 3, onExhausted: "interrupt" });
}
