/**
 * The guarded supervisor–worker example, compiled for `firebreak audit`:
 *
 *   npx firebreak audit examples/supervisor-worker/audit.ts:graph
 *
 * Same graph as `npm start` (scripted models, so importing it needs no keys and no
 * network), with an in-memory checkpointer and the human gate before the writer. The audit
 * reports ρ(A) = √2 for the supervisor ⇄ {researcher, analyst} cycles, and a lower effective
 * ρ because the researcher's output passes the BICR guard.
 */
import { MemorySaver } from "@langchain/langgraph";
import { buildExampleGraph } from "./graph.js";
import { scriptedModels } from "./models.js";

/** The compiled example graph: MemorySaver checkpoints, human gate before the writer. */
export const graph = buildExampleGraph(scriptedModels()).compile({
  checkpointer: new MemorySaver(),
  interruptBefore: ["writer"],
  name: "supervisor_worker",
});
