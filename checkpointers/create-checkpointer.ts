import type { Checkpointer, CreateCheckpointerOptions } from "./checkpointer.js";
import { resolveCheckpointerOptions } from "./options-schema.js";

export { DEFAULT_EMBEDDED_DATA_DIR, resolveCheckpointerOptions } from "./options-schema.js";

/**
 * Creates a ready checkpointer: a migrated `PostgresSaver` plus `close()`.
 *
 * With `url` (or `DATABASE_URL`) it talks to a real PostgreSQL through a `pg.Pool`; setup
 * is idempotent and serialised by an advisory lock, so several processes may start at
 * once. Without one it opens the **embedded default**: a file-backed PGlite in `dataDir`
 * (`.firebreak/pglite`), served on loopback to the same saver through one connection.
 * The embedded directory belongs to one process at a time; a second gets a clear error.
 *
 * Run with `durability: "sync"` (see `durableConfig`) so a crash never loses a finished node.
 * Every wait is bounded (`connectTimeoutMs`, `setupLockTimeoutMs`, `statementTimeoutMs`);
 * connection problems, at setup or in the middle of a run, reject with a `CheckpointerError`
 * (`CHECKPOINTER_UNREACHABLE`, `CHECKPOINTER_AUTH`, `CHECKPOINTER_SETUP`, with a `reason`)
 * naming host and port, never a password. Bad options throw `INVALID_OPTIONS` naming the option.
 *
 * @example
 * ```ts
 * import { createCheckpointer, durableConfig } from "langgraph-firebreak/checkpointers";
 *
 * const cp = await createCheckpointer(); // DATABASE_URL, or the embedded default
 * const graph = builder.compile({ checkpointer: cp.saver, interruptBefore: ["writer"] });
 * try {
 *   await graph.invoke({ task: "…" }, durableConfig("thread-1"));
 * } finally {
 *   await cp.close();
 * }
 * ```
 */
export async function createCheckpointer(options?: CreateCheckpointerOptions): Promise<Checkpointer> {
  const resolved = resolveCheckpointerOptions(options);
  if (resolved.backend === "postgres") {
    const { openPostgres } = await import("./postgres-backend.js");
    return openPostgres({ ...resolved, url: resolved.url! });
  }
  const { openEmbedded } = await import("./embedded-backend.js");
  return openEmbedded(resolved);
}
