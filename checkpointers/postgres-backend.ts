import type { Checkpointer, ResolvedCheckpointerOptions } from "./checkpointer.js";
import { describeConnectionUrl, toCheckpointerError } from "./connection-errors.js";
import { FIREBREAK_DURABILITY } from "./durability.js";
import { createGuardedPool } from "./guarded-pool.js";
import { ResilientPostgresSaver } from "./resilient-saver.js";
import { leaseTableSql } from "./thread-lease.js";
import { withSetupLock } from "./setup-lock.js";

/** Opens a guarded pool on a PostgreSQL server and migrates the checkpoint tables. */
export async function openPostgres(options: ResolvedCheckpointerOptions & { url: string }): Promise<Checkpointer> {
  const { url, schema, poolSize, connectTimeoutMs, statementTimeoutMs, keepAliveMs } = options;
  const pool = createGuardedPool(
    {
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: keepAliveMs,
    },
    { url, statementTimeoutMs },
  );
  const saver = new ResilientPostgresSaver(pool, url, { schema });
  try {
    await withSetupLock(options, async () => {
      await saver.setup();
      await pool.query(leaseTableSql(schema));
    });
  } catch (error) {
    await pool.end().catch(() => {});
    throw toCheckpointerError(error, url, "setup");
  }
  const target = describeConnectionUrl(url);
  let closed: Promise<void> | undefined;
  return {
    saver,
    onUnavailable: saver.availability.onUnavailable,
    onRecovered: saver.availability.onRecovered,
    backend: "postgres",
    durability: FIREBREAK_DURABILITY,
    schema,
    url: target.redactedUrl,
    dataDir: undefined,
    pool,
    describe: () =>
      `postgres ${target.redactedUrl} (schema "${schema}", pool of ${poolSize}, durability "${FIREBREAK_DURABILITY}", ` +
      `connect ≤ ${connectTimeoutMs} ms, statements ≤ ${statementTimeoutMs} ms)`,
    close: () => (closed ??= pool.end()),
  };
}
