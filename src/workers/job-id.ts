/**
 * Job ids of thread runs. One id per (thread, kind, run), so enqueueing the same run twice adds
 * one job: BullMQ returns the existing job for an id it already holds. BullMQ rejects ids that
 * contain `:` (its key separator) and ids that are bare integers; the thread id and the run are
 * percent-encoded, `.` included (the id's own separator), so `:` never appears and two different
 * (thread, run) pairs never share an id; the kind keeps the id from being a number.
 */

/** What a job does to its thread: apply an input, or answer a parked human gate. */
export type RunKind = "start" | "resume";

/**
 * The job id of run `run` of `threadId`: `<encoded thread>.<kind>.<run>`.
 * @example
 * ```ts
 * runJobId("order:42", "start", 1); // "order%3A42.start.1"
 * ```
 */
export function runJobId(threadId: string, kind: RunKind, run: string | number): string {
  return `${encode(threadId)}.${kind}.${encode(String(run))}`;
}

/** Percent-encoding with `.` encoded too. */
function encode(part: string): string {
  return encodeURIComponent(part).replaceAll(".", "%2E");
}
