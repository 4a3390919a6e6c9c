/**
 * Leases on threads: the row that says "a run of this thread is in flight, owned by X until T".
 * One table per schema (`firebreak_thread_leases`), created by `createCheckpointer`'s setup.
 * A lease is claimed with one upsert that only takes over an absent or expired row, renewed
 * while the run lasts and deleted at its end; a process that dies leaves a lease that simply
 * expires, so the thread is resumable after at most `leaseMs`.
 */
import type pg from "pg";

/** The DDL of the lease table (idempotent; runs under the setup lock). */
export function leaseTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS "${schema}".firebreak_thread_leases (
    thread_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
  )`;
}

/** The holder of a lease someone else has. */
export interface LeaseHolder {
  readonly owner: string;
  readonly expiresAt: Date;
}

type Queryable = Pick<pg.Pool, "query">;

/** Claims the lease of `threadId` for `owner`; returns the current holder when it is taken. */
export async function claimLease(
  db: Queryable,
  schema: string,
  threadId: string,
  owner: string,
  leaseMs: number,
): Promise<LeaseHolder | undefined> {
  const { rows } = await db.query(
    `INSERT INTO "${schema}".firebreak_thread_leases AS l (thread_id, owner, expires_at)
     VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (thread_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE l.expires_at < now()
     RETURNING owner`,
    [threadId, owner, leaseMs],
  );
  if (rows.length === 1) return undefined;
  const held = await db.query(`SELECT owner, expires_at FROM "${schema}".firebreak_thread_leases WHERE thread_id = $1`, [
    threadId,
  ]);
  const row = held.rows[0] as { owner: string; expires_at: Date } | undefined;
  // Released between the two statements: report it as held for an instant; the caller may retry.
  return { owner: row?.owner ?? "(just released)", expiresAt: row?.expires_at ?? new Date() };
}

/** Extends the lease; false when it is no longer `owner`'s (it expired and was taken over). */
export async function renewLease(db: Queryable, schema: string, threadId: string, owner: string, leaseMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE "${schema}".firebreak_thread_leases SET expires_at = now() + $3 * interval '1 millisecond'
     WHERE thread_id = $1 AND owner = $2`,
    [threadId, owner, leaseMs],
  );
  return rowCount === 1;
}

/** Deletes the lease if `owner` still holds it. */
export async function releaseLease(db: Queryable, schema: string, threadId: string, owner: string): Promise<void> {
  await db.query(`DELETE FROM "${schema}".firebreak_thread_leases WHERE thread_id = $1 AND owner = $2`, [threadId, owner]);
}
