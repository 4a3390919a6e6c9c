import { createChallenger, createSupervisorWorkerGraph, guardNode } from "../../nodes/index.js";
import { calculatorEvidence } from "./evidence.js";
import type { ExampleModels } from "./models.js";

/**
 * The example team: a supervisor, a researcher, an analyst and a writer. The researcher is
 * guarded: its output is held back until a fresh-context challenger, armed with a calculator,
 * has checked its claims; a contradicted claim is blocked and the researcher retries with
 * feedback (up to 3 attempts, then a human decides). Returns the uncompiled builder; compile
 * it with a checkpointer and `interruptBefore: ["writer"]`.
 */
export function buildExampleGraph(models: ExampleModels) {
  const builder = createSupervisorWorkerGraph({
    supervisor: models.supervisor,
    workers: {
      researcher: { description: "Finds and computes the facts the task needs.", model: models.researcher },
      analyst: { description: "Interprets the facts and says what they imply.", model: models.analyst },
    },
    writer: models.writer,
    maxRounds: 6,
  });
  return guardNode(builder, "researcher", {
    challenger: createChallenger({ model: models.challenger, evidence: calculatorEvidence }),
    policy: "strict",
    maxAttempts: 3,
    onExhausted: "interrupt",
  });
}
