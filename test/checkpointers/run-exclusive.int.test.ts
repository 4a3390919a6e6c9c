import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Checkpointer, createCheckpointer, isCheckpointerError, runExclusive } from "../../checkpointers/index.js";
import { checkpointerBackends, uniqueName } from "../support/backends.js";
import { linearGraph, linearNodeNames } from "../support/graphs.js";
import { isInvalidOptionsError } from "../../src/errors.js";

const ALL = [...linearNodeNames(4).slice(0, -1), "published: first draft"];

// The claim is the same SQL on both backends, and the embedded one is exercised by the
// pruning tests (a claimed thread is kept); one backend here saves a PGlite start (seconds).
describe.each(checkpointerBackends().slice(0, 1))("runExclusive on $name", (backend) => {
  let cp: Checkpointer;
  beforeAll(async () => {
    cp = await backend.create();
  });
  afterAll(() => cp?.close());

  it("refuses a second run of a thread while the first is in flight, then lets it resume", async () => {
    const thread = uniqueName("busy");
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    let entered!: () => void;
    const inNode = new Promise<void>((resolve) => (entered = resolve));
    const first = runExclusive(cp, thread, (config) =>
      linearGraph(4, async (name) => {
        if (name === "n2") {
          entered();
          await blocked;
        }
      })
        .compile({ checkpointer: cp.saver })
        .invoke({ log: [] }, config),
    );
    await inNode;
    const t0 = Date.now();
    const second = await runExclusive(cp, thread, (config) =>
      linearGraph(4).compile({ checkpointer: cp.saver }).invoke(null, config),
    ).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(2000); // refused at once, not queued
    expect(isCheckpointerError(second, "CHECKPOINTER_SETUP")).toBe(true);
    expect((second as { reason?: string }).reason).toBe("thread-busy");
    expect((second as Error).message).toContain(`Thread "${thread}" already has a run in flight`);

    unblock();
    expect((await first).log).toEqual(ALL);
    // Released: the next run of the thread is admitted.
    const again = await runExclusive(cp, thread, (config) => linearGraph(4).compile({ checkpointer: cp.saver }).getState(config));
    expect(again.values.log).toEqual(ALL);
  });

  it("a claim left by a process that died lapses after its lease", async () => {
    const thread = uniqueName("dead");
    await cp.pool.query(
      `INSERT INTO "${cp.schema}".firebreak_thread_leases (thread_id, owner, expires_at)
       VALUES ($1, 'gone-host:4242:dead', now() + interval '400 milliseconds')`,
      [thread],
    );
    const refused = await runExclusive(cp, thread, async () => "ran").catch((e: unknown) => e);
    expect((refused as { reason?: string }).reason).toBe("thread-busy");
    expect((refused as Error).message).toContain("gone-host:4242:dead");
    await new Promise((r) => setTimeout(r, 600));
    expect(await runExclusive(cp, thread, async () => "ran")).toBe("ran");
  });

  it("rejects a lease out of range, naming the option", async () => {
    const error = await runExclusive(cp, "x", async () => 1, { leaseMs: 2 ** 31 }).catch((e: unknown) => e);
    expect(isInvalidOptionsError(error)).toBe(true);
    expect(isCheckpointerError(error)).toBe(false);
    expect((error as Error).message).toContain("leaseMs");
  });
});

describe.skipIf(!process.env["DATABASE_URL"])("runExclusive across checkpointers (separate pools, as separate processes)", () => {
  it("a second checkpointer on the same schema is refused too", async () => {
    const backend = checkpointerBackends().find((b) => b.name === "postgres")!;
    const a = await backend.create();
    const b = await createCheckpointer({ url: process.env["DATABASE_URL"]!, schema: a.schema });
    try {
      const thread = uniqueName("cross");
      let release!: () => void;
      const held = runExclusive(a, thread, () => new Promise<void>((r) => (release = r)));
      await new Promise((r) => setTimeout(r, 100));
      const error = await runExclusive(b, thread, async () => 1).catch((e: unknown) => e);
      expect((error as { reason?: string }).reason).toBe("thread-busy");
      release();
      await held;
      expect(await runExclusive(b, thread, async () => 2)).toBe(2);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
