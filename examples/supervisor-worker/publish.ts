/**
 * The researcher's side effect: "publish" writes its report to a table of the example's own
 * database (the checkpointer's: the embedded PGlite, or PostgreSQL with `DATABASE_URL`). The
 * table's primary key is the idempotency key, so a re-run of the same call (a crash, a resume)
 * is a no-op. Under the guard it is deferred (outbox): it runs only once the attempt passes, and
 * a blocked attempt's publish is dropped without ever touching the table.
 */
import type pg from "pg";
import { z } from "zod";
import { effectTool } from "langgraph-firebreak";

/** The table the example publishes to. */
export const REPORTS_TABLE = "firebreak_example_reports";

/** One published report. */
export interface PublishedReport {
  readonly key: string;
  readonly report: string;
}

/** Creates the reports table if it is missing (idempotent: every `npm start` calls it). */
export async function ensureReportsTable(pool: pg.Pool): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${REPORTS_TABLE} (idempotency_key text PRIMARY KEY, thread_id text NOT NULL, ` +
      `report text NOT NULL, published_at timestamptz NOT NULL DEFAULT now())`,
  );
}

/** The reports published on a thread, oldest first. */
export async function reportsOf(pool: pg.Pool, threadId: string): Promise<PublishedReport[]> {
  const r = await pool.query(`SELECT idempotency_key AS key, report FROM ${REPORTS_TABLE} WHERE thread_id = $1 ORDER BY published_at, idempotency_key`, [threadId]);
  return r.rows as PublishedReport[];
}

/** The "publish" tool (mode "defer"): one row per idempotency key in {@link REPORTS_TABLE}. Create it once per process. */
export function publishTool(pool: pg.Pool) {
  return effectTool({
    name: "publish",
    description: "Publish the research report (writes it to the reports table).",
    schema: z.object({ report: z.string() }),
    mode: "defer",
    run: async ({ report }: { report: string }, ctx) => {
      const r = await pool.query(
        `INSERT INTO ${REPORTS_TABLE} (idempotency_key, thread_id, report) VALUES ($1, $2, $3) ON CONFLICT (idempotency_key) DO NOTHING`,
        [ctx.idempotencyKey, ctx.threadId ?? "(no thread)", report],
      );
      return { published: r.rowCount === 1, key: ctx.idempotencyKey };
    },
  });
}
