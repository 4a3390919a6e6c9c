/**
 * Database faults under a live process, driven for real: a throw-away PostgreSQL cluster of
 * this file's own (initdb/pg_ctl on a spare port) stopped with `pg_ctl stop -m immediate`
 * mid-write, and a loopback TCP proxy that freezes, cuts or silently drops connections.
 * Every wait is bounded; the shared server on 5432 is never stopped.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Checkpointer,
  createCheckpointer,
  durableConfig,
  isCheckpointerError,
  runExclusive,
} from "../../checkpointers/index.js";
import { runTsChild } from "../support/child-process.js";
import { linearGraph, linearNodeNames } from "../support/graphs.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";
import {
  startThrowawayCluster,
  throwawayClusterUnavailable,
  type ThrowawayCluster,
} from "./support/throwaway-cluster.js";

const faultChild = fileURLToPath(new URL("./fixtures/fault-child.ts", import.meta.url));
const unavailable = throwawayClusterUnavailable();

/** Resolves with `promise`'s outcome, or fails the test after `ms` (no wait is unbounded). */
async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const t0 = Date.now();
  return promise.then(
    (value) => ({ value, ms: Date.now() - t0 }),
    (error: unknown) => ({ error, ms: Date.now() - t0 }),
  );
}

const ALL = (n: number) => [...linearNodeNames(n).slice(0, -1), "published: first draft"];

async function checkpointCount(cp: Checkpointer, thread: string): Promise<number> {
  const { rows } = await cp.pool.query(`SELECT count(*)::int AS n FROM "${cp.schema}".checkpoints WHERE thread_id = $1`, [
    thread,
  ]);
  return rows[0].n;
}

describe.skipIf(unavailable !== undefined)("database faults on a throw-away cluster", () => {
  let cluster: ThrowawayCluster;
  beforeAll(async () => {
    cluster = await startThrowawayCluster();
  }, 60_000);
  afterAll(() => cluster?.remove());

  it("a server stopped immediately mid-write rejects the run with CHECKPOINTER_UNREACHABLE; the process lives and the thread resumes", async () => {
    const options = { url: cluster.url, schema: "faults", connectTimeoutMs: 2000 };
    for (let round = 0; round < 2; round++) {
      await cluster.start();
      const child = runTsChild(faultChild, { FB_OPTIONS: JSON.stringify(options) });
      const started = Date.now();
      while (!child.stdout().includes("RUNNING") && Date.now() - started < 20_000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(child.stdout()).toContain("RUNNING");
      await new Promise((r) => setTimeout(r, 30 + round * 17));
      await cluster.stopImmediately();
      const result = await within(20_000, child.exited, "the child");
      expect(result.stderr).not.toMatch(/Unhandled|uncaught/i);
      expect(result.code).toBe(0);
      const line = result.stdout.split("\n").find((l) => l.startsWith("REJECTED "));
      expect(line).toMatch(/^REJECTED \S+ CHECKPOINTER_UNREACHABLE (connection-lost|refused) /);
      expect(line).toContain(`127.0.0.1:${cluster.port}`);

      // Back up: the interrupted thread finishes from its last checkpoint, each node once.
      await cluster.start();
      const thread = line!.split(" ")[1]!;
      const cp = await createCheckpointer(options);
      try {
        const graph = linearGraph(12).compile({ checkpointer: cp.saver });
        const state = await graph.getState(durableConfig(thread));
        if (state.createdAt !== undefined) {
          const done = await within(10_000, graph.invoke(null, durableConfig(thread)), "the resume");
          expect(done.log).toEqual(ALL(12));
        }
      } finally {
        await cp.close();
      }
    }
  }, 90_000);

  describe("through a TCP proxy", () => {
    let proxy: TcpProxy;
    let cp: Checkpointer;
    beforeAll(async () => {
      await cluster.start();
      proxy = await startTcpProxy(cluster.port);
      cp = await createCheckpointer({
        url: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`,
        schema: "proxied",
        statementTimeoutMs: 600,
        connectTimeoutMs: 600,
        poolSize: 2,
      });
    }, 30_000);
    afterAll(async () => {
      proxy?.heal();
      await cp?.close();
      await proxy?.close();
    });

    it("a stalled network rejects the write within statementTimeoutMs, and the thread resumes once it heals", async () => {
      const thread = "stalled";
      const graph = linearGraph(6, (name) => {
        if (name === "n3") proxy.freeze();
      }).compile({ checkpointer: cp.saver });
      const outcome = await within(10_000, settle(graph.invoke({ log: [] }, durableConfig(thread))), "the stalled run");
      expect(isCheckpointerError(outcome.error, "CHECKPOINTER_UNREACHABLE")).toBe(true);
      expect((outcome.error as { reason?: string }).reason).toBe("timeout");
      expect((outcome.error as Error).message).toContain("statementTimeoutMs");
      expect(outcome.ms).toBeLessThan(600 + 1500);

      proxy.heal();
      const resumed = await within(10_000, linearGraph(6).compile({ checkpointer: cp.saver }).invoke(null, durableConfig(thread)), "the resume");
      expect(resumed.log).toEqual(ALL(6));
    });

    it("a pooler dropping idle connections during a long model call is retried on a fresh connection, nothing written twice", async () => {
      const clean = "clean-run";
      await linearGraph(6).compile({ checkpointer: cp.saver }).invoke({ log: [] }, durableConfig(clean));
      const before = proxy.accepted();
      const thread = "dropped";
      const graph = linearGraph(6, (name) => {
        if (name === "n3") proxy.dropIdle(); // the "model call" outlives the pooler's idle limit
      }).compile({ checkpointer: cp.saver });
      const done = await within(10_000, graph.invoke({ log: [] }, durableConfig(thread)), "the run");
      expect(done.log).toEqual(ALL(6));
      expect(proxy.accepted()).toBeGreaterThan(before); // it did reconnect
      expect(await checkpointCount(cp, thread)).toBe(await checkpointCount(cp, clean));
    });

    it("a write that committed but whose answer was lost is repeated without a second copy", async () => {
      const clean = "clean-run-2";
      await linearGraph(6).compile({ checkpointer: cp.saver }).invoke({ log: [] }, durableConfig(clean));
      const thread = "lost-answer";
      const graph = linearGraph(6, (name) => {
        if (name === "n3") {
          proxy.freezeReplies(); // the next write reaches the server and commits; its answer does not return
          setTimeout(() => {
            proxy.cut();
            proxy.heal();
          }, 150);
        }
      }).compile({ checkpointer: cp.saver });
      const done = await within(10_000, graph.invoke({ log: [] }, durableConfig(thread)), "the run");
      expect(done.log).toEqual(ALL(6));
      expect(await checkpointCount(cp, thread)).toBe(await checkpointCount(cp, clean));
    });

    it("while a run is stuck on a stalled network, a second run of its thread is refused; after the first gives up, the thread resumes", async () => {
      const thread = "stuck-exclusive";
      const direct = await createCheckpointer({ url: cluster.url, schema: "proxied" }); // a second process's view
      try {
        let stalled!: () => void;
        const writeStalled = new Promise<void>((resolve) => (stalled = resolve));
        const first = settle(
          runExclusive(
            cp,
            thread,
            (config) =>
              linearGraph(6, (name) => {
                if (name === "n3") {
                  proxy.freeze();
                  stalled();
                }
              })
                .compile({ checkpointer: cp.saver })
                .invoke({ log: [] }, config),
            { leaseMs: 1500 },
          ),
        );
        await writeStalled;
        const second = await runExclusive(direct, thread, (config) =>
          linearGraph(6).compile({ checkpointer: direct.saver }).invoke(null, config),
        ).catch((e: unknown) => e);
        expect((second as { reason?: string }).reason).toBe("thread-busy");

        const outcome = await within(10_000, first, "the stuck run");
        expect(isCheckpointerError(outcome.error, "CHECKPOINTER_UNREACHABLE")).toBe(true);
        proxy.heal();
        // The stuck run's claim could not be released over the frozen link; it lapses by itself.
        const deadline = Date.now() + 5000;
        let resumed: unknown;
        while (Date.now() < deadline) {
          resumed = await runExclusive(direct, thread, (config) =>
            linearGraph(6).compile({ checkpointer: direct.saver }).invoke(null, config),
          ).catch((e: unknown) => e);
          if ((resumed as { reason?: string }).reason !== "thread-busy") break;
          await new Promise((r) => setTimeout(r, 200));
        }
        expect((resumed as { log: string[] }).log).toEqual(ALL(6));
      } finally {
        await direct.close();
      }
    });

    it("a run whose claim cannot be renewed (database unreachable during a long model call) is aborted before the claim lapses", async () => {
      const thread = "unrenewable";
      const leaseMs = 900;
      const t0 = Date.now();
      const outcome = await within(
        10_000,
        settle(
          runExclusive(
            cp,
            thread,
            (config) =>
              linearGraph(4, async (name) => {
                if (name === "n2") {
                  proxy.freeze();
                  await new Promise((r) => setTimeout(r, 4000)); // a long model call, no statements
                }
              })
                .compile({ checkpointer: cp.saver })
                .invoke({ log: [] }, config),
            { leaseMs },
          ),
        ),
        "the run",
      );
      proxy.heal();
      expect(isCheckpointerError(outcome.error, "CHECKPOINTER_UNREACHABLE")).toBe(true);
      expect((outcome.error as { reason?: string }).reason).toBe("timeout");
      expect((outcome.error as Error).message).toContain(`the claim on thread "${thread}" could not be renewed`);
      // Aborted by two thirds of the lease (plus the release attempt's statement bound), not after the 4 s call.
      expect(Date.now() - t0).toBeLessThan((leaseMs * 2) / 3 + 600 + 1500);
    });

    it("connections cut in the middle of a write reject the run (after one retry) with the redacted host, never crash", async () => {
      const thread = "cut";
      const graph = linearGraph(6, (name) => {
        if (name === "n3") {
          proxy.freeze();
          // cut again right after the retry reconnects: the retry fails too
          setTimeout(() => proxy.cut(), 100);
          setTimeout(() => proxy.cut(), 300);
        }
      }).compile({ checkpointer: cp.saver });
      const outcome = await within(10_000, settle(graph.invoke({ log: [] }, durableConfig(thread))), "the run");
      proxy.heal();
      expect(isCheckpointerError(outcome.error, "CHECKPOINTER_UNREACHABLE")).toBe(true);
      expect((outcome.error as Error).message).toContain(`127.0.0.1:${proxy.port}`);
      const resumed = await within(10_000, linearGraph(6).compile({ checkpointer: cp.saver }).invoke(null, durableConfig(thread)), "the resume");
      expect(resumed.log).toEqual(ALL(6));
    });
  });
});
