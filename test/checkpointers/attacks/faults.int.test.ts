// Attacks on fault handling: a throw-away cluster stopped mid-write, a proxy that freezes, stalls,
// silently drops connections, and swallows the answer to a COMMIT.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpointer, durableConfig, type Checkpointer } from "../../../checkpointers/index.js";
import { abcGraph } from "../support/abc-graph.js";
import { createCluster, HostileProxy, renderings, settle, sleep, within, type Cluster } from "./support.js";

const PW = "FaultPw9Secret";
const crashes: unknown[] = [];
const onCrash = (e: unknown) => crashes.push(e);

let cluster: Cluster;
let proxy: HostileProxy;
const opened: Checkpointer[] = [];

beforeAll(async () => {
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  cluster = await createCluster();
  proxy = new HostileProxy(cluster.port);
  await proxy.listen();
}, 90_000);

afterAll(async () => {
  for (const cp of opened) await within(10_000, cp.close(), "close").catch(() => {});
  await proxy?.close();
  cluster?.destroy();
  process.off("uncaughtException", onCrash);
  process.off("unhandledRejection", onCrash);
}, 60_000);

const runs: Record<string, number> = {};
let hook: ((node: string) => Promise<void> | void) | undefined;
const node = (name: string) => async () => {
  runs[name] = (runs[name] ?? 0) + 1;
  if (hook) await hook(name);
  return { log: [name] };
};
const builder = abcGraph(node);

async function open(url: string, extra: object = {}) {
  const cp = await createCheckpointer({ url, log: () => {}, connectTimeoutMs: 2000, statementTimeoutMs: 1500, ...extra });
  opened.push(cp);
  return { cp, graph: builder.compile({ checkpointer: cp.saver }) };
}

function expectFault(error: any, code: string, reason: string) {
  expect(error?.name, String(error?.stack)).toMatch(/^Checkpointer(Unreachable|Auth|Setup)Error$/);
  expect(error.code).toBe(code);
  expect(error.reason).toBe(reason);
  expect(error.message).toMatch(/127\.0\.0\.1:\d+/);
  expect(renderings(error)).not.toContain(PW);
}

describe("database faults", () => {
  it("a frozen network mid-run rejects within statementTimeoutMs as timeout", async () => {
    const { graph } = await open(proxy.url(`:${PW}`));
    let frozenAt = 0;
    hook = (n) => {
      if (n === "b") {
        proxy.freeze();
        frozenAt = Date.now();
      }
    };
    const r = await settle(within(20_000, graph.invoke({ log: [] }, durableConfig(randomUUID())), "frozen run"));
    hook = undefined;
    proxy.thaw();
    expect(r.ok).toBe(false);
    if (!r.ok) expectFault(r.error, "CHECKPOINTER_UNREACHABLE", "timeout");
    // one bound, not two: a timeout is not repeated
    expect(Date.now() - frozenAt).toBeLessThan(1500 + 1200);
  });

  it("a connection attempt into a frozen pooler rejects within connectTimeoutMs as timeout", async () => {
    proxy.freeze();
    const t0 = Date.now();
    const r = await settle(within(20_000, createCheckpointer({ url: proxy.url(`:${PW}`), connectTimeoutMs: 1000, log: () => {} }), "connect"));
    proxy.thaw();
    expect(r.ok).toBe(false);
    if (!r.ok) expectFault(r.error, "CHECKPOINTER_UNREACHABLE", "timeout");
    expect(Date.now() - t0).toBeLessThan(1000 + 2500);
  });

  it("setup against a pooler that stalls every query is bounded", async () => {
    proxy.stallQueries = true;
    const t0 = Date.now();
    const r = await settle(
      within(20_000, createCheckpointer({ url: proxy.url(`:${PW}`), connectTimeoutMs: 1000, statementTimeoutMs: 1000, setupLockTimeoutMs: 1000, log: () => {} }), "setup"),
    );
    proxy.stallQueries = false;
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toMatch(/CHECKPOINTER_UNREACHABLE|CHECKPOINTER_SETUP/);
      expect(r.error.reason).toBe("timeout");
      expect(renderings(r.error)).not.toContain(PW);
    }
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("getStateHistory against a stalled pooler is bounded", async () => {
    const { graph } = await open(proxy.url(`:${PW}`));
    const config = durableConfig(randomUUID());
    await graph.invoke({ log: [] }, config);
    proxy.stallQueries = true;
    const r = await settle(
      within(
        20_000,
        (async () => {
          const out = [];
          for await (const s of graph.getStateHistory(config)) out.push(s);
          return out;
        })(),
        "history",
      ),
    );
    proxy.stallQueries = false;
    expect(r.ok).toBe(false);
    if (!r.ok) expectFault(r.error, "CHECKPOINTER_UNREACHABLE", "timeout");
  });

  it("a connection a pooler silently dropped during a long call is repeated once: the run succeeds", async () => {
    const { graph } = await open(proxy.url(`:${PW}`), { statementTimeoutMs: 5000 });
    hook = async (n) => {
      if (n === "b") {
        proxy.dropSilently();
        await sleep(100);
      }
    };
    const r = await settle(within(20_000, graph.invoke({ log: [] }, durableConfig(randomUUID())), "dropped run"));
    hook = undefined;
    expect(r.ok ? r.value.log : r.error).toEqual(["a", "b", "c"]);
  });

  it("a lost COMMIT answer is retried without writing twice (same rows as an unfaulted run)", async () => {
    const { cp, graph } = await open(proxy.url(`:${PW}`), { statementTimeoutMs: 5000 });
    const control = randomUUID();
    const faulted = randomUUID();
    await graph.invoke({ log: [] }, durableConfig(control));
    const before = proxy.commitsSwallowed;
    hook = (n) => {
      if (n === "b" || n === "c") proxy.killNextCommits(1);
    };
    const r = await settle(within(20_000, graph.invoke({ log: [] }, durableConfig(faulted)), "lost-commit run"));
    hook = undefined;
    expect(proxy.commitsSwallowed - before).toBeGreaterThanOrEqual(1);
    expect(r.ok ? r.value.log : r.error).toEqual(["a", "b", "c"]);
    const count = async (t: string) =>
      (
        await cp.pool.query(
          `select (select count(*) from public.checkpoints where thread_id=$1)::int cps,
                  (select count(*) from public.checkpoint_blobs where thread_id=$1)::int blobs,
                  (select count(*) from public.checkpoint_writes where thread_id=$1)::int writes`,
          [t],
        )
      ).rows[0];
    expect(await count(faulted)).toEqual(await count(control));
  });

  it("the server stopped mid-run: the process lives, the run rejects, the resumed thread runs each node once", async () => {
    const { graph } = await open(`postgres://postgres:${PW}@127.0.0.1:${cluster.port}/postgres`, { statementTimeoutMs: 5000 });
    for (const k of Object.keys(runs)) delete runs[k];
    const config = durableConfig(randomUUID());
    hook = (n) => {
      if (n === "b") cluster.stopImmediate();
    };
    const r = await settle(within(25_000, graph.invoke({ log: [] }, config), "stopped run"));
    hook = undefined;
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("CHECKPOINTER_UNREACHABLE");
      expect(["connection-lost", "refused"]).toContain(r.error.reason);
      expect(renderings(r.error)).not.toContain(PW);
    }
    cluster.start();
    const resumed = await within(25_000, graph.invoke(null, config), "resume");
    expect(resumed.log).toEqual(["a", "b", "c"]);
    expect(runs).toEqual({ a: 1, b: 2, c: 1 });
    expect(crashes).toEqual([]);
  });

  it("every COMMIT answer lost: the run rejects as connection-lost (one retry only), and resumes cleanly", async () => {
    const { graph } = await open(proxy.url(`:${PW}`), { statementTimeoutMs: 5000 });
    for (const k of Object.keys(runs)) delete runs[k];
    const config = durableConfig(randomUUID());
    hook = (n) => {
      if (n === "b") proxy.killNextCommits(1000);
    };
    const r = await settle(within(20_000, graph.invoke({ log: [] }, config), "all commits lost"));
    hook = undefined;
    proxy.killNextCommits(0);
    expect(r.ok).toBe(false);
    if (!r.ok) expectFault(r.error, "CHECKPOINTER_UNREACHABLE", "connection-lost");
    const resumed = await within(20_000, graph.invoke(null, config), "resume");
    expect(resumed.log).toEqual(["a", "b", "c"]);
    expect(runs.a).toBe(1);
    expect(runs.c).toBe(1);
  });

  it("backends terminated by the server (pg_terminate_backend) during a long call: the run still succeeds", async () => {
    const { graph } = await open(`postgres://postgres:${PW}@127.0.0.1:${cluster.port}/postgres?application_name=atk_victim`, { statementTimeoutMs: 5000 });
    const admin = await createCheckpointer({ url: cluster.url, log: () => {}, schema: "atk_admin" });
    opened.push(admin);
    hook = async (n) => {
      if (n === "b") {
        await admin.pool.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'atk_victim'`);
        await sleep(100);
      }
    };
    const r = await settle(within(20_000, graph.invoke({ log: [] }, durableConfig(randomUUID())), "terminated run"));
    hook = undefined;
    expect(r.ok ? r.value.log : [r.error?.code, r.error?.reason, r.error?.message]).toEqual(["a", "b", "c"]);
    expect(crashes).toEqual([]);
  });

  it("eight processes' worth of createCheckpointer on one fresh schema at once all succeed", async () => {
    const url = `postgres://postgres@127.0.0.1:${cluster.port}/postgres`;
    const rs = await Promise.all(
      Array.from({ length: 8 }, () => settle(within(40_000, createCheckpointer({ url, schema: "atk_fresh", poolSize: 2, log: () => {} }), "concurrent setup"))),
    );
    for (const r of rs) if (r.ok) opened.push(r.value);
    expect(rs.map((r) => (r.ok ? "ok" : `${r.error?.code}/${r.error?.reason}: ${r.error?.message}`))).toEqual(Array(8).fill("ok"));
  });

  it("a setup lock held by another process fails after setupLockTimeoutMs as CHECKPOINTER_SETUP/timeout; released, setup proceeds", async () => {
    const holder = await createCheckpointer({ url: cluster.url, log: () => {}, schema: "atk_holder" });
    opened.push(holder);
    const client = await holder.pool.connect();
    try {
      await client.query(`select pg_advisory_lock(hashtext('langgraph-firebreak:setup:atk_locked'))`);
      const t0 = Date.now();
      const r = await settle(within(20_000, createCheckpointer({ url: cluster.url, schema: "atk_locked", setupLockTimeoutMs: 1000, log: () => {} }), "locked setup"));
      expect(r.ok).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.reason]).toEqual(["CHECKPOINTER_SETUP", "timeout"]);
      expect(Date.now() - t0).toBeLessThan(1000 + 2500);
      const waiting = settle(within(20_000, createCheckpointer({ url: cluster.url, schema: "atk_locked", setupLockTimeoutMs: 8000, log: () => {} }), "setup after release"));
      await sleep(500);
      await client.query(`select pg_advisory_unlock(hashtext('langgraph-firebreak:setup:atk_locked'))`);
      const w = await waiting;
      if (w.ok) opened.push(w.value);
      expect(w.ok ? "ok" : w.error).toBe("ok");
    } finally {
      client.release();
    }
  });
});
