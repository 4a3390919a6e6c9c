import { BranchSafePostgresSaver } from "./branch-safe-saver.js";
import pg from "pg";
import type { Checkpointer, ResolvedCheckpointerOptions } from "./checkpointer.js";
import { describeConnectionUrl, toCheckpointerError } from "./connection-errors.js";
import { FIREBREAK_DURABILITY } from "./durability.js";

/**
 * Runs `saver.setup()` under a session advisory lock keyed by the schema, on a connection
 * of its own. PostgresSaver's migrations are `CREATE SCHEMA/TABLE IF NOT EXISTS` followed by
 * an `INSERT` of the version: two processes starting at once on a fresh schema race on the
 * catalog ("duplicate key value violates unique constraint") and on the version rows. The
 * lock serialises them; the second finds the migrations done and does nothing.
 */
async function setupUnderLock(saver: BranchSafePostgresSaver, url: string, schema: string, connectTimeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // An error on an idle socket must not crash the process; the awaited calls still reject.
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [`langgraph-firebreak:setup:${schema}`]);
    try {
      await saver.setup();
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [`langgraph-firebreak:setup:${schema}`]);
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Opens a pool on a PostgreSQL server and migrates the checkpoint tables. */
export async function openPostgres(options: ResolvedCheckpointerOptions & { url: string }): Promise<Checkpointer> {
  const { url, schema, poolSize, connectTimeoutMs } = options;
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: connectTimeoutMs });
  // Idle clients whose server goes away emit "error" on the pool; the pool drops them and
  // the next query reconnects. Without a listener Node would crash the process.
  pool.on("error", () => {});
  const saver = new BranchSafePostgresSaver(pool, undefined, { schema });
  try {
    await setupUnderLock(saver, url, schema, connectTimeoutMs);
  } catch (error) {
    await pool.end().catch(() => {});
    throw toCheckpointerError(error, url);
  }
  const target = describeConnectionUrl(url);
  let closed: Promise<void> | undefined;
  return {
    saver,
    backend: "postgres",
    durability: FIREBREAK_DURABILITY,
    schema,
    url: target.redactedUrl,
    dataDir: undefined,
    pool,
    describe: () =>
      `postgres ${target.redactedUrl} (schema "${schema}", pool of ${poolSize}, durability "${FIREBREAK_DURABILITY}")`,
    close: () => (closed ??= pool.end()),
  };
}
