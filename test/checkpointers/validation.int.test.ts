/**
 * LangGraph's official checkpointer conformance suite
 * (`@langchain/langgraph-checkpoint-validation`) against the saver `createCheckpointer`
 * returns, on each backend. The suite is written for Jest-style globals, so vitest's
 * functions are installed as globals before it registers its tests.
 */
import type { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import * as vitest from "vitest";
import type { Checkpointer } from "../../checkpointers/index.js";
import { checkpointerBackends, type BackendUnderTest } from "../support/backends.js";

const globals = globalThis as Record<string, unknown>;
for (const name of ["describe", "it", "test", "expect", "beforeAll", "afterAll", "beforeEach", "afterEach"] as const) {
  globals[name] ??= vitest[name];
}
const { validate } = await import("@langchain/langgraph-checkpoint-validation");

/**
 * PostgreSQL: a fresh `createCheckpointer` (own schema) per suite section. Embedded: one
 * PGlite for the whole file (opening one takes seconds), emptied between sections; the
 * suite only ever uses one checkpointer at a time, which its README allows.
 */
function initializer(backend: BackendUnderTest) {
  let shared: Checkpointer | undefined;
  const open = new Map<PostgresSaver, Checkpointer>();
  const truncate = (cp: Checkpointer) =>
    cp.pool.query(
      `TRUNCATE "${cp.schema}".checkpoints, "${cp.schema}".checkpoint_blobs, "${cp.schema}".checkpoint_writes`,
    );
  return {
    checkpointerName: `createCheckpointer (${backend.name})`,
    beforeAllTimeout: 60_000,
    async beforeAll() {
      if (backend.name === "embedded") shared = await backend.create();
    },
    async afterAll() {
      await shared?.close();
    },
    async createCheckpointer() {
      if (shared) {
        await truncate(shared);
        return shared.saver;
      }
      const cp = await backend.create();
      open.set(cp.saver, cp);
      return cp.saver;
    },
    async destroyCheckpointer(saver: PostgresSaver) {
      if (shared) return truncate(shared).then(() => {});
      await open.get(saver)?.close();
      open.delete(saver);
    },
  };
}

for (const backend of checkpointerBackends()) validate(initializer(backend));
