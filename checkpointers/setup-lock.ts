import pg from "pg";
import { checkpointerError } from "./checkpointer-error.js";
import { describeConnectionUrl, toCheckpointerError } from "./connection-errors.js";
import { deadlineError, withDeadline } from "./deadline.js";
import { destroyClient } from "./guarded-pool.js";

/** The bounds of {@link withSetupLock}. */
export interface SetupLockOptions {
  readonly url: string;
  readonly schema: string;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly setupLockTimeoutMs: number;
  readonly keepAliveMs: number;
}

const POLL_MS = 100;

/**
 * Runs `setup` under a session advisory lock keyed by the schema, on a connection of its
 * own. PostgresSaver's migrations are `CREATE SCHEMA/TABLE IF NOT EXISTS` followed by an
 * `INSERT` of the version: two processes starting at once on a fresh schema race on the
 * catalog ("duplicate key value violates unique constraint") and on the version rows. The
 * lock serialises them; the second finds the migrations done and does nothing.
 *
 * The lock is polled with `pg_try_advisory_lock` (never a blocking `pg_advisory_lock`), so a
 * session that holds it forever makes this fail after `setupLockTimeoutMs` instead of hanging.
 */
export async function withSetupLock(options: SetupLockOptions, setup: () => Promise<void>): Promise<void> {
  const { url, schema, connectTimeoutMs, statementTimeoutMs, setupLockTimeoutMs, keepAliveMs } = options;
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: keepAliveMs,
  });
  let fault: unknown;
  // An error on this socket must not crash the process; the awaited calls still reject.
  client.on("error", (error) => (fault ??= error));
  const query = async (text: string, values: unknown[]) => {
    if (fault !== undefined) throw toCheckpointerError(fault, url, "setup");
    return withDeadline(client.query(text, values), statementTimeoutMs, () => {
      destroyClient(client);
      return deadlineError(url, statementTimeoutMs, "statementTimeoutMs");
    });
  };
  const key = `langgraph-firebreak:setup:${schema}`;
  try {
    await client.connect();
    const deadline = Date.now() + setupLockTimeoutMs;
    for (;;) {
      const { rows } = await query("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [key]);
      if (rows[0]?.ok === true) break;
      if (Date.now() >= deadline) {
        throw checkpointerError(
          "CHECKPOINTER_SETUP",
          `Waited ${setupLockTimeoutMs} ms (\`setupLockTimeoutMs\`) for the setup lock of schema "${schema}" on ` +
            `PostgreSQL at ${describeConnectionUrl(url).address}: another session holds it (a process migrating ` +
            `the same schema, or one stuck while doing so). Find it with SELECT pid FROM pg_locks WHERE ` +
            `locktype = 'advisory' and end it, or raise \`setupLockTimeoutMs\`.`,
          { reason: "timeout" },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
    }
    try {
      await setup();
    } finally {
      await query("SELECT pg_advisory_unlock(hashtext($1))", [key]).catch(() => {});
    }
  } catch (error) {
    throw toCheckpointerError(error, url, "setup");
  } finally {
    if (fault === undefined) await withDeadline(client.end(), 1000, () => new Error("end")).catch(() => destroyClient(client));
    else destroyClient(client);
  }
}
