/**
 * Attacks on the job id (docs/workers.md: "the same run enqueued twice is one job"; runJobId
 * "never contains ':' and is never a bare integer"): distinct (thread, kind, run) triples must
 * give distinct ids, or one thread's run is silently dropped as a duplicate of another's.
 * Real Redis for the queue (a unique queue, obliterated after).
 */
import { afterAll, describe, expect, it } from "vitest";
import { enqueueRun, resumeRun, runJobId } from "../../../src/workers/index.js";
import { openQueue, unique } from "../support/redis-postgres.js";

const disposals: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of disposals) await d();
});

describe("runJobId", () => {
  it("never contains ':' and is never a bare integer, whatever the thread and run", () => {
    const threads = ["1", "0", "a:b", "%3A", "::", "名前", " x ", "a.b", "1e3", "-1"];
    const runs: (number | string)[] = [0, 1, 2 ** 53 - 1, "1", "a:b", "x.y"];
    for (const t of threads) {
      for (const r of runs) {
        for (const kind of ["start", "resume"] as const) {
          const id = runJobId(t, kind, r);
          expect(id).not.toContain(":");
          expect(id).not.toMatch(/^\d+$/);
        }
      }
    }
  });

  // Was BROKEN (fixed): docs/workers.md: the job id is "percent-encoded thread, kind, run" and "the same run
  // enqueued twice is one job" — so different runs must be different jobs. '.' (the separator) is
  // not encoded: runJobId("T.start", "start", 1) and runJobId("T", "start", "start.1") are both
  // "T.start.start.1". Enqueued on a real queue, the second enqueueRun got the first job's id
  // ("<T>.start.start.1"), the queue held 1 job (not 2), whose data is thread "T.start"'s: thread
  // "T"'s run was silently never added.
  it("different threads and runs never share a job id, so neither run is dropped", async () => {
    const queueName = unique("atk-jobid");
    const q = await openQueue(queueName);
    disposals.push(q.dispose);
    const base = unique("thread");
    const first = await enqueueRun(q.queue, { graph: "g", threadId: `${base}.start`, input: { n: 1 } });
    const second = await enqueueRun(q.queue, { graph: "g", threadId: base, input: { n: 2 }, run: "start.1" });
    expect(second.id).not.toBe(first.id);
    expect((await q.queue.getJob(second.id!))?.data.threadId).toBe(base);
    expect(await q.queue.count()).toBe(2);
    expect(runJobId(`${base}.start`, "start", 1)).not.toBe(runJobId(base, "start", "start.1"));
  });

  it("a resume and a start of one thread never share an id, even when the run labels look alike", async () => {
    const queueName = unique("atk-jobid2");
    const q = await openQueue(queueName);
    disposals.push(q.dispose);
    const t = unique("thread");
    const start = await enqueueRun(q.queue, { graph: "g", threadId: t, input: {}, run: "resume.1" });
    const resume = await resumeRun(q.queue, { graph: "g", threadId: t, resume: {}, run: 1 });
    expect(resume.id).not.toBe(start.id);
    expect(resume.data.kind).toBe("resume");
  });
});
