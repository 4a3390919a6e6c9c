import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Checkpointer,
  durableConfig,
  isCheckpointerError,
  pruneCheckpoints,
  runExclusive,
} from "../../checkpointers/index.js";
import { checkpointerBackends, uniqueName } from "../support/backends.js";
import { linearGraph, linearNodeNames } from "../support/graphs.js";
import { isInvalidOptionsError } from "../../src/errors.js";

const N = 8; // nodes per run → 10 checkpoints per thread (input, 8 steps, and the start)
const ALL = [...linearNodeNames(N).slice(0, -1), "published: first draft"];

async function counts(cp: Checkpointer, thread: string) {
  const q = async (table: string) =>
    (await cp.pool.query(`SELECT count(*)::int AS n FROM "${cp.schema}".${table} WHERE thread_id = $1`, [thread])).rows[0].n as number;
  return { checkpoints: await q("checkpoints"), writes: await q("checkpoint_writes"), blobs: await q("checkpoint_blobs") };
}

async function ageThread(cp: Checkpointer, thread: string) {
  await cp.pool.query(
    `UPDATE "${cp.schema}".checkpoints SET checkpoint = jsonb_set(checkpoint, '{ts}', '"2020-01-01T00:00:00.000Z"') WHERE thread_id = $1`,
    [thread],
  );
}

describe.each(checkpointerBackends())("pruneCheckpoints on $name", (backend) => {
  let cp: Checkpointer;
  beforeAll(async () => {
    cp = await backend.create();
  });
  afterAll(() => cp?.close());
  const graph = () => linearGraph(N).compile({ checkpointer: cp.saver });

  it("keeps the last N checkpoints of each thread; the latest state and the kept history still load", async () => {
    const threads = [uniqueName("keep"), uniqueName("keep")];
    for (const t of threads) await graph().invoke({ log: [] }, durableConfig(t));
    const before = await counts(cp, threads[0]!);
    expect(before.checkpoints).toBeGreaterThan(3);

    const result = await pruneCheckpoints(cp, { keepLast: 3, batchSize: 2 });
    expect(result.checkpointsDeleted).toBeGreaterThanOrEqual(2 * (before.checkpoints - 3));
    expect(result.batches).toBeGreaterThan(2); // it did work in small batches
    for (const t of threads) {
      const after = await counts(cp, t);
      expect(after.checkpoints).toBe(3);
      expect(after.writes).toBeLessThan(before.writes);
      expect(after.blobs).toBeLessThan(before.blobs);
      const history = [];
      for await (const s of graph().getStateHistory(durableConfig(t))) history.push(s);
      expect(history).toHaveLength(3);
      expect(history[0]!.values.log).toEqual(ALL);
      // The oldest kept checkpoint still has every channel value it references.
      expect(history[2]!.values.draft).toBe("first draft");
    }
    // Idempotent: a second pass finds nothing to do.
    expect((await pruneCheckpoints(cp, { keepLast: 3 })).checkpointsDeleted).toBe(0);
  });

  it("drops threads idle longer than the TTL entirely, keeps active ones and ones with a run in flight", async () => {
    const idle = uniqueName("idle");
    const active = uniqueName("active");
    const claimed = uniqueName("claimed");
    for (const t of [idle, active, claimed]) await graph().invoke({ log: [] }, durableConfig(t));
    for (const t of [idle, claimed]) await ageThread(cp, t);

    let release!: () => void;
    const inFlight = runExclusive(cp, claimed, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const result = await pruneCheckpoints(cp, { idleTtlMs: 24 * 3600 * 1000 });
    release();
    await inFlight;

    expect(result.threadsDeleted).toBeGreaterThanOrEqual(1);
    expect(await counts(cp, idle)).toEqual({ checkpoints: 0, writes: 0, blobs: 0 });
    expect((await counts(cp, active)).checkpoints).toBeGreaterThan(3);
    expect((await counts(cp, claimed)).checkpoints).toBeGreaterThan(3);
    expect((await graph().getState(durableConfig(active))).values.log).toEqual(ALL);
  });

  it("runs alongside live runs of other threads without failing them", async () => {
    const old = Array.from({ length: 6 }, () => uniqueName("bulk"));
    for (const t of old) await graph().invoke({ log: [] }, durableConfig(t));
    const live = Array.from({ length: 3 }, () => uniqueName("live"));
    const [result, ...runs] = await Promise.all([
      pruneCheckpoints(cp, { keepLast: 1, batchSize: 4 }),
      ...live.map((t) => graph().invoke({ log: [] }, durableConfig(t))),
    ]);
    for (const r of runs) expect(r.log).toEqual(ALL);
    expect(result.checkpointsDeleted).toBeGreaterThan(0);
    // It worked in statements of at most 4 checkpoints each (the batch size), never one big
    // delete; per-statement times on a quiet machine are in the benchmark (this CI box is shared).
    expect(result.batches).toBeGreaterThanOrEqual(Math.ceil(result.checkpointsDeleted / 4));
    expect(result.longestBatchMs).toBeLessThan(1000);
  });

  it("rejects options that would do nothing or are out of range, naming them", async () => {
    for (const [options, name] of [
      [{}, "keepLast"],
      [{ keepLast: 0 }, "keepLast"],
      [{ keepLast: 2, batchSize: 1.5 }, "batchSize"],
      [{ keepLast: 2, keepFirst: 1 }, "keepFirst"],
    ] as const) {
      const error = await pruneCheckpoints(cp, options as never).catch((e: unknown) => e);
      expect(isInvalidOptionsError(error)).toBe(true);
      expect(isCheckpointerError(error)).toBe(false);
      expect((error as Error).message).toContain(name);
    }
  });
});
