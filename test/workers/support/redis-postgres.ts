/** Shared pieces of the worker tests: real Redis and PostgreSQL, unique names per test. */
import { randomUUID } from "node:crypto";
import { Queue, QueueEvents, type Job } from "bullmq";
import pg from "pg";
import type { RunJobData, RunResult } from "../../../src/workers/index.js";

export const DATABASE_URL = process.env.FIREBREAK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS = { host: "127.0.0.1", port: 6379 };

/** A unique name for a queue or schema (no ':' for BullMQ, lower case for PostgreSQL). */
export const unique = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;

/** A fresh queue and its events; `dispose` obliterates the queue. */
export async function openQueue(name: string) {
  const queue = new Queue<RunJobData, RunResult>(name, { connection: REDIS });
  const events = new QueueEvents(name, { connection: REDIS });
  queue.setMaxListeners(0); // each waitUntilFinished listens for the queue's closing
  await events.waitUntilReady();
  return {
    queue,
    events,
    dispose: async () => {
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

/** Waits until every job has finished; returns their results in order. */
export function resultsOf(jobs: readonly Job<RunJobData, RunResult>[], events: QueueEvents, timeoutMs: number): Promise<RunResult[]> {
  return Promise.all(jobs.map((job) => job.waitUntilFinished(events, timeoutMs) as Promise<RunResult>));
}

/** Drops a test schema. */
export async function dropSchema(schema: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}

/** The part of a final state that must match between runs (ids, seals and times differ by design). */
export function comparable(values: Record<string, unknown>) {
  const v = values as { task: string; log: string[]; approvedBy?: string; claims: { id: string; text: string; status: string }[]; guardRecords: { guard: string; outcome: string; committedClaimIds: string[]; droppedClaimIds: string[] }[] };
  return {
    task: v.task,
    log: v.log,
    approvedBy: v.approvedBy,
    claims: v.claims.map((c) => ({ id: c.id, text: c.text, status: c.status })),
    guards: v.guardRecords.map((r) => ({ guard: r.guard, outcome: r.outcome, committed: r.committedClaimIds, dropped: r.droppedClaimIds })),
  };
}
