/**
 * The guarded supervisor–worker example, compiled for `firebreak audit`:
 *
 *   npx firebreak audit examples/supervisor-worker/audit.ts:graph
 *
 * Same graph as `npm start` (scripted models, so importing it needs no keys and no
 * network), with the saver class `createCheckpointer()` returns and the human gate before the
 * writer; without the researcher's "publish" tool, which needs an open database and adds no
 * node or edge (an effect tool runs inside the researcher and the guard's own subgraph). The audit only reads the graph (in a child process): the saver's pool is never
 * opened. At agent level it reports ρ(A) = √2 for the supervisor ⇄ {researcher, analyst}
 * cycles, and an effective ρ of √(2 · 0.11) because both workers' output passes a BICR guard.
 */
import pg from "pg";
import { BranchSafePostgresSaver } from "langgraph-firebreak/checkpointers";
import { buildExampleGraph } from "./graph.js";
import { scriptedModels } from "./models.js";

/** The compiled example graph: PostgreSQL checkpoints (as `npm start`), human gate before the writer. */
export const graph = buildExampleGraph(scriptedModels()).compile({
  checkpointer: new BranchSafePostgresSaver(new pg.Pool({ connectionString: process.env.DATABASE_URL ?? "postgres://127.0.0.1:5432/postgres" })),
  interruptBefore: ["writer"],
  name: "supervisor_worker",
});
