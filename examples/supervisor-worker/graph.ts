import { createSupervisorWorkerGraph } from "../../nodes/index.js";
import type { ExampleModels } from "./models.js";

/**
 * The example team: a supervisor, a researcher, an analyst and a writer. Returns the
 * uncompiled builder; compile it with a checkpointer and `interruptBefore: ["writer"]`.
 */
export function buildExampleGraph(models: ExampleModels) {
  return createSupervisorWorkerGraph({
    supervisor: models.supervisor,
    workers: {
      researcher: { description: "Finds and computes the facts the task needs.", model: models.researcher },
      analyst: { description: "Interprets the facts and says what they imply.", model: models.analyst },
    },
    writer: models.writer,
    maxRounds: 6,
  });
}
