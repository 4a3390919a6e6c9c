/**
 * Retention for the checkpoint tables: keep the last N checkpoints of every thread and/or
 * drop threads idle longer than a TTL, on PostgreSQL and the embedded PGlite alike.
 *
 * Work is cut into short statements (each one a transaction of at most `batchSize`
 * checkpoints, shrunk automatically when one takes longer than `targetBatchMs`): PostgreSQL
 * deletes take row locks only on the rows they delete, so runs of other threads keep
 * writing, and the embedded backend's single connection is handed to queued runs between
 * batches. Deletion order keeps every thread readable at every instant: checkpoints oldest
 * first, then the writes of checkpoints that are gone, then blobs no remaining checkpoint
 * references.
 */
import type { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";
import type { Checkpointer } from "./checkpointer.js";
import { InvalidOptionsError } from "../src/internal/options-schema.js";
import { MAX_TIMER_MS } from "./options-schema.js";

/** Options of {@link pruneCheckpoints}; give `keepLast`, `idleTtlMs` or both. */
export interface PruneOptions {
  /** Keep this many newest checkpoints per thread (and subgraph namespace); ≥ 1. */
  readonly keepLast?: number;
  /** Delete every thread whose newest checkpoint is older than this (ms). Threads with a live `runExclusive` claim are kept. */
  readonly idleTtlMs?: number;
  /**
   * Most checkpoints deleted by one statement (pending writes and blobs: ten times that).
   * @default 500
   */
  readonly batchSize?: number;
  /**
   * A batch slower than this halves the batch size for the next (down to 10); faster ones grow it back.
   * @default 25
   */
  readonly targetBatchMs?: number;
  /** Stops between batches when aborted (what was deleted stays deleted; running again continues). */
  readonly signal?: AbortSignal;
}

/** What {@link pruneCheckpoints} did. */
export interface PruneResult {
  readonly threadsScanned: number;
  /** Threads removed entirely because they were idle longer than `idleTtlMs`. */
  readonly threadsDeleted: number;
  readonly checkpointsDeleted: number;
  readonly writesDeleted: number;
  readonly blobsDeleted: number;
  /** Statements run; each is its own short transaction. */
  readonly batches: number;
  /** The slowest statement: the longest any concurrent run could have waited on the pruning. */
  readonly longestBatchMs: number;
  readonly durationMs: number;
}

/** What can be pruned: a `Checkpointer`, or a `PostgresSaver` (its pool and schema are read from it). */
export type PruneTarget = Pick<Checkpointer, "pool" | "schema"> | PostgresSaver;

/** A bad argument of {@link pruneCheckpoints}: `option` names it, `message` says what to pass. */
function invalid(option: string, received: string, allowed: string, message: string): InvalidOptionsError {
  return new InvalidOptionsError("pruneCheckpoints", [{ option, received, allowed }], { message: `pruneCheckpoints: ${message}` });
}

function resolveTarget(target: PruneTarget): { pool: pg.Pool; schema: string } {
  const t = target as unknown as { pool?: pg.Pool; schema?: unknown; options?: { schema?: unknown } };
  const schema = typeof t.schema === "string" ? t.schema : t.options?.schema;
  if (!t.pool || typeof t.pool.query !== "function" || typeof schema !== "string") {
    const allowed = "a Checkpointer (from createCheckpointer) or a PostgresSaver";
    throw invalid("target", typeof target, allowed, `the target must be ${allowed}.`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw invalid("target.schema", JSON.stringify(schema), "a plain identifier", `schema ${JSON.stringify(schema)} is not a plain identifier.`);
  }
  return { pool: t.pool, schema };
}

function whole(name: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    const allowed = `a whole number from ${min} to ${max}`;
    throw invalid(name, String(value), allowed, `\`${name}\` must be ${allowed}, got ${String(value)}.`);
  }
  return value;
}

/** The options, checked and with defaults applied. */
interface ResolvedPrune {
  readonly keepLast: number | undefined;
  readonly idleTtlMs: number | undefined;
  readonly maxBatch: number;
  readonly targetBatchMs: number;
  readonly signal: AbortSignal | undefined;
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(["keepLast", "idleTtlMs", "batchSize", "targetBatchMs", "signal"]);

function resolvePruneOptions(options: PruneOptions): ResolvedPrune {
  if (typeof options !== "object" || options === null) throw invalid("options", typeof options, "an object", "options must be an object.");
  const unknown = Object.keys(options).filter((k) => !KNOWN_OPTIONS.has(k));
  if (unknown.length > 0) {
    throw invalid(unknown[0]!, "an unknown option", [...KNOWN_OPTIONS].join(", "), `unknown option(s) ${unknown.map((k) => `\`${k}\``).join(", ")}.`);
  }
  const keepLast = whole("keepLast", options.keepLast, 1, 1_000_000_000);
  // A TTL is compared with the database's clock, not a timer: any whole number of ms is fine.
  const idleTtlMs = whole("idleTtlMs", options.idleTtlMs, 1, Number.MAX_SAFE_INTEGER);
  const maxBatch = whole("batchSize", options.batchSize, 1, 100_000) ?? 500;
  const targetBatchMs = whole("targetBatchMs", options.targetBatchMs, 1, MAX_TIMER_MS) ?? 25;
  if (keepLast === undefined && idleTtlMs === undefined) {
    throw invalid(
      "keepLast",
      "undefined",
      "keepLast, idleTtlMs or both",
      "give `keepLast` (checkpoints to keep per thread), `idleTtlMs` (idle threads to drop), or both.",
    );
  }
  return { keepLast, idleTtlMs, maxBatch, targetBatchMs, signal: options.signal };
}

type Totals = Omit<PruneResult, "durationMs"> & { -readonly [K in keyof Omit<PruneResult, "durationMs">]: number };

/** One pruning pass over a schema: the statements, the adaptive batch size and the running totals. */
class PruneRun {
  readonly totals: Totals = { threadsScanned: 0, threadsDeleted: 0, checkpointsDeleted: 0, writesDeleted: 0, blobsDeleted: 0, batches: 0, longestBatchMs: 0 };
  private batch: number;
  private readonly cp: string;
  private readonly writes: string;
  private readonly blobs: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly o: ResolvedPrune,
    private readonly leases: boolean,
  ) {
    this.batch = Math.min(o.maxBatch, 100);
    this.cp = `"${schema}".checkpoints`;
    this.writes = `"${schema}".checkpoint_writes`;
    this.blobs = `"${schema}".checkpoint_blobs`;
  }

  aborted(): boolean {
    return this.o.signal?.aborted === true;
  }

  /** One statement; adapts the batch size to its duration. */
  private async step(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const t0 = performance.now();
    const result = await this.pool.query(text, values);
    const ms = performance.now() - t0;
    const { maxBatch, targetBatchMs } = this.o;
    this.totals.batches++;
    this.totals.longestBatchMs = Math.max(this.totals.longestBatchMs, ms);
    if (ms > targetBatchMs) this.batch = Math.max(Math.min(10, maxBatch), Math.floor(this.batch / 2));
    else if (ms < targetBatchMs / 3) this.batch = Math.min(maxBatch, this.batch * 2);
    return result;
  }

  /** The next page of thread ids after `cursor`, by a loose index scan (one index probe per thread, not a scan of all rows). */
  async nextThreads(cursor: string, first: boolean): Promise<string[]> {
    const { rows } = await this.step(
      `WITH RECURSIVE t(thread_id) AS (
         (SELECT thread_id FROM ${this.cp} WHERE thread_id ${first ? ">=" : ">"} $1 ORDER BY thread_id LIMIT 1)
         UNION ALL
         SELECT (SELECT c.thread_id FROM ${this.cp} c WHERE c.thread_id > t.thread_id ORDER BY c.thread_id LIMIT 1)
         FROM t WHERE t.thread_id IS NOT NULL
       ) SELECT thread_id FROM t WHERE thread_id IS NOT NULL LIMIT 50`,
      [cursor],
    );
    return (rows as Array<{ thread_id: string }>).map((r) => r.thread_id);
  }

  /** Prunes one thread: drops it whole when idle past the TTL, else trims each namespace to `keepLast`; then sweeps. */
  async pruneThread(thread: string): Promise<void> {
    this.totals.threadsScanned++;
    const { rows: nsRows } = await this.step(`SELECT DISTINCT checkpoint_ns FROM ${this.cp} WHERE thread_id = $1`, [thread]);
    const namespaces = (nsRows as Array<{ checkpoint_ns: string }>).map((r) => r.checkpoint_ns);
    const trimmed = new Set<string>();
    const isIdle = () => this.isIdle(thread, namespaces);
    const dropWhole = this.o.idleTtlMs !== undefined && (await isIdle());
    if (dropWhole) {
      for (const ns of namespaces) if ((await this.trim(thread, ns, 0, isIdle)) > 0) trimmed.add(ns);
      const { rows } = await this.pool.query(`SELECT NOT EXISTS (SELECT 1 FROM ${this.cp} WHERE thread_id = $1) AS gone`, [thread]);
      if (rows[0]?.gone === true) this.totals.threadsDeleted++;
    } else if (this.o.keepLast !== undefined) {
      for (const ns of namespaces) if ((await this.trim(thread, ns, this.o.keepLast)) > 0) trimmed.add(ns);
    }
    // Only where checkpoints went: sweeping an untouched thread would find nothing, slowly.
    for (const ns of trimmed) await this.sweep(thread, ns);
  }

  /** True when every namespace of the thread is older than the TTL and no live `runExclusive` claim holds it. */
  private async isIdle(thread: string, namespaces: readonly string[]): Promise<boolean> {
    const leased = this.leases
      ? `EXISTS (SELECT 1 FROM "${this.schema}".firebreak_thread_leases l WHERE l.thread_id = $1 AND l.expires_at > now())`
      : "false";
    const { rows } = await this.step(
      `SELECT (max(last_ts) < to_char((now() - $2 * interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
              AND NOT ${leased} AS idle
       FROM (SELECT (SELECT c.checkpoint ->> 'ts' FROM ${this.cp} c WHERE c.thread_id = $1 AND c.checkpoint_ns = n.ns
                     ORDER BY c.checkpoint_id DESC LIMIT 1) AS last_ts
             FROM unnest($3::text[]) AS n(ns)) x`,
      [thread, this.o.idleTtlMs, namespaces],
    );
    return rows[0]?.idle === true;
  }

  /** Deletes checkpoints of (thread, ns) beyond the newest `keep`, oldest first, with their writes. */
  private async trim(thread: string, ns: string, keep: number, stillIdle?: () => Promise<boolean>): Promise<number> {
    const { cp, writes } = this;
    let total = 0;
    for (;;) {
      if (this.aborted() || (stillIdle && !(await stillIdle()))) return total;
      const limit = this.batch;
      const { rows } = await this.step(
        `WITH doomed AS (
           SELECT checkpoint_id FROM (
             SELECT checkpoint_id FROM ${cp} WHERE thread_id = $1 AND checkpoint_ns = $2
             ORDER BY checkpoint_id DESC OFFSET $3) older
           ORDER BY checkpoint_id ASC LIMIT $4
         ), w AS (
           DELETE FROM ${writes} WHERE thread_id = $1 AND checkpoint_ns = $2 AND checkpoint_id IN (SELECT checkpoint_id FROM doomed) RETURNING 1
         ), c AS (
           DELETE FROM ${cp} WHERE thread_id = $1 AND checkpoint_ns = $2 AND checkpoint_id IN (SELECT checkpoint_id FROM doomed) RETURNING 1
         ) SELECT (SELECT count(*) FROM c)::int AS checkpoints, (SELECT count(*) FROM w)::int AS writes`,
        [thread, ns, keep, limit],
      );
      const deleted = rows[0] as { checkpoints: number; writes: number };
      this.totals.checkpointsDeleted += deleted.checkpoints;
      this.totals.writesDeleted += deleted.writes;
      total += deleted.checkpoints;
      if (deleted.checkpoints < limit) return total; // a short batch was the last one
    }
  }

  /** Deletes writes of checkpoints that are gone, then blobs no remaining checkpoint references. */
  private async sweep(thread: string, ns: string): Promise<void> {
    const { cp, writes, blobs } = this;
    await this.repeat("writesDeleted", (limit) =>
      this.step(
        `DELETE FROM ${writes} WHERE ctid = ANY(ARRAY(
           SELECT w.ctid FROM ${writes} w WHERE w.thread_id = $1 AND w.checkpoint_ns = $2
             AND NOT EXISTS (SELECT 1 FROM ${cp} c WHERE c.thread_id = $1 AND c.checkpoint_ns = $2 AND c.checkpoint_id = w.checkpoint_id)
             -- writes newer than every checkpoint may belong to one still being written ("async" durability)
             AND w.checkpoint_id < COALESCE((SELECT max(checkpoint_id) FROM ${cp} WHERE thread_id = $1 AND checkpoint_ns = $2), w.checkpoint_id || 'x')
           LIMIT $3))`,
        [thread, ns, limit],
      ),
    );
    await this.repeat("blobsDeleted", (limit) =>
      this.step(
        `DELETE FROM ${blobs} WHERE ctid = ANY(ARRAY(
           SELECT b.ctid FROM ${blobs} b
           LEFT JOIN (
             SELECT DISTINCT e.key AS channel, e.value AS version
             FROM ${cp} c, jsonb_each_text(c.checkpoint -> 'channel_versions') e
             WHERE c.thread_id = $1 AND c.checkpoint_ns = $2
           ) live ON live.channel = b.channel AND live.version = b.version
           WHERE b.thread_id = $1 AND b.checkpoint_ns = $2 AND live.channel IS NULL
           LIMIT $3))`,
        [thread, ns, limit],
      ),
    );
  }

  /** Runs a delete of at most ten batches' rows until one deletes fewer (or the run is aborted), counting into `total`. */
  private async repeat(total: "writesDeleted" | "blobsDeleted", run: (limit: number) => Promise<pg.QueryResult>): Promise<void> {
    for (;;) {
      const limit = this.batch * 10;
      const { rowCount } = await run(limit);
      this.totals[total] += rowCount ?? 0;
      if ((rowCount ?? 0) < limit || this.aborted()) return;
    }
  }
}

/**
 * Deletes old checkpoints (with their writes and the blobs only they referenced) in short batches.
 * Safe while other threads run. A thread being resumed from a checkpoint that is pruned at
 * that very moment can fail to load it: choose `keepLast` ≥ the steps you roll back over and an
 * `idleTtlMs` well beyond your longest human pause.
 *
 * @example
 * ```ts
 * const result = await pruneCheckpoints(cp, { keepLast: 20, idleTtlMs: 30 * 24 * 3600 * 1000 });
 * console.log(`${result.checkpointsDeleted} checkpoints, ${result.threadsDeleted} idle threads removed`);
 * ```
 */
export async function pruneCheckpoints(target: PruneTarget, options: PruneOptions = {}): Promise<PruneResult> {
  const resolved = resolvePruneOptions(options);
  const { pool, schema } = resolveTarget(target);
  const started = performance.now();
  const { rows: leaseTable } = await pool.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`"${schema}".firebreak_thread_leases`]);
  const run = new PruneRun(pool, schema, resolved, leaseTable[0]?.present === true);
  let cursor = "";
  let first = true;
  while (!run.aborted()) {
    const page = await run.nextThreads(cursor, first);
    first = false;
    if (page.length === 0) break;
    for (const thread of page) {
      if (run.aborted()) break;
      await run.pruneThread(thread);
    }
    cursor = page[page.length - 1]!;
  }
  return { ...run.totals, durationMs: performance.now() - started };
}
