// Attacks on pruneCheckpoints: per-namespace retention, pending writes and blobs of kept checkpoints,
// idle threads vs live claims (held by another process), schema isolation, a 30-day TTL.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpointer, durableConfig, pruneCheckpoints, type Checkpointer } from "../../../checkpointers/index.js";
import { settle, sleep, within } from "./support.js";

const SHARED = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const db = `atk_prune_${process.pid}`;
const dbUrl = (() => {
  const u = new URL(SHARED);
  u.pathname = `/${db}`;
  return u.toString();
})();
const CHILD = fileURLToPath(new URL("./fixtures/hold-claim-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
let cp: Checkpointer;
let other: Checkpointer;
const children: ChildProcess[] = [];

async function admin(sql: string) {
  const c = new pg.Client(SHARED);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await admin(`create database ${db}`);
  cp = await createCheckpointer({ url: dbUrl, log: () => {} });
  other = await createCheckpointer({ url: dbUrl, schema: "other_app", log: () => {} });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await cp?.close();
  await other?.close();
  await admin(`drop database if exists ${db} with (force)`);
});

const runs: Record<string, number> = {};
let failP2 = true;
const State = Annotation.Root({
  topic: Annotation<string>(),
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});
const sub = new StateGraph(State)
  .addNode("s1", () => ({ log: ["s1"] }))
  .addNode("s2", () => ({ log: ["s2"] }))
  .addNode("s3", () => ({ log: ["s3"] }))
  .addEdge(START, "s1")
  .addEdge("s1", "s2")
  .addEdge("s2", "s3")
  .addEdge("s3", END)
  .compile();
const count = (n: string) => () => {
  runs[n] = (runs[n] ?? 0) + 1;
  if (n === "p2" && failP2) throw new Error("p2 fails once");
  return { log: [n] };
};
const builder = new StateGraph(State)
  .addNode("init", () => ({ topic: "written-once-at-step-1" }))
  .addNode("sub", sub)
  .addNode("n1", () => ({ log: ["n1"] }))
  .addNode("n2", () => ({ log: ["n2"] }))
  .addNode("gate", () => ({ log: ["gate"] }))
  .addNode("p1", count("p1"))
  .addNode("p2", count("p2"))
  .addEdge(START, "init")
  .addEdge("init", "sub")
  .addEdge("sub", "n1")
  .addEdge("n1", "n2")
  .addEdge("n2", "gate")
  .addEdge("gate", "p1")
  .addEdge("gate", "p2")
  .addEdge("p1", END)
  .addEdge("p2", END);

async function perNs(c: Checkpointer, thread: string) {
  const r = await c.pool.query(
    `select checkpoint_ns ns, array_agg(checkpoint_id order by checkpoint_id desc) ids from ${c.schema}.checkpoints where thread_id=$1 group by 1 order by 1`,
    [thread],
  );
  return r.rows as Array<{ ns: string; ids: string[] }>;
}

describe("pruneCheckpoints", () => {
  it("keeps the newest N per thread and per subgraph namespace; kept pending writes and blobs still resume", async () => {
    const graph = builder.compile({ checkpointer: cp.saver, interruptBefore: ["gate"] });
    const a = randomUUID();
    const b = randomUUID();
    await graph.invoke({ log: [] }, durableConfig(a));
    await graph.invoke({ log: [] }, durableConfig(b));
    // a: p1 succeeds, p2 fails -> p1's write is pending on a's newest checkpoint
    failP2 = true;
    const failed = await settle(graph.invoke(null, durableConfig(a)));
    expect(failed.ok).toBe(false);
    const before = await perNs(cp, a);
    expect(before.length).toBe(2);
    const keep = 2;
    await pruneCheckpoints(cp, { keepLast: keep });
    const after = await perNs(cp, a);
    expect(after.map((x) => x.ns)).toEqual(before.map((x) => x.ns));
    for (const [i, x] of after.entries()) expect(x.ids).toEqual(before[i]!.ids.slice(0, keep));
    failP2 = false;
    const p1Before = runs.p1;
    const resumedA = await graph.invoke(null, durableConfig(a));
    expect(runs.p1).toBe(p1Before); // p1's pending write survived the prune
    expect(resumedA.topic).toBe("written-once-at-step-1");
    expect(resumedA.log).toEqual(["s1", "s2", "s3", "n1", "n2", "gate", "p1", "p2"]);
    // b paused at the gate, pruned to one checkpoint, resumes with its early values
    await pruneCheckpoints(cp, { keepLast: 1 });
    const resumedB = await graph.invoke(null, durableConfig(b));
    expect(resumedB.topic).toBe("written-once-at-step-1");
    expect(resumedB.log).toEqual(["s1", "s2", "s3", "n1", "n2", "gate", "p1", "p2"]);
  });

  it("drops idle threads but never one with a live claim held by another process; it resumes afterwards", async () => {
    const graph = builder.compile({ checkpointer: cp.saver, interruptBefore: ["gate"] });
    const idle = randomUUID();
    const claimed = randomUUID();
    await graph.invoke({ log: [] }, durableConfig(idle));
    await graph.invoke({ log: [] }, durableConfig(claimed));
    await sleep(800);
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, dbUrl, "public", claimed, "6000"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    await within(
      40_000,
      new Promise<void>((res, rej) => {
        child.stdout!.on("data", (d) => String(d).includes("CLAIMED") && res());
        child.on("exit", () => rej(new Error("child exited early")));
      }),
      "child claim",
    );
    const r = await pruneCheckpoints(cp, { idleTtlMs: 500 });
    expect(r.threadsDeleted).toBeGreaterThanOrEqual(1);
    expect(await perNs(cp, idle)).toEqual([]);
    expect((await perNs(cp, claimed)).length).toBe(2);
    child.kill("SIGKILL");
    failP2 = false;
    const resumed = await graph.invoke(null, durableConfig(claimed));
    expect(resumed.log.at(-1)).toMatch(/p[12]/);
  });

  it("a 30-day idleTtlMs (above 2^31-1 ms) is accepted and deletes nothing recent", async () => {
    const graph = builder.compile({ checkpointer: cp.saver, interruptBefore: ["gate"] });
    const t = randomUUID();
    await graph.invoke({ log: [] }, durableConfig(t));
    const r = await pruneCheckpoints(cp, { keepLast: 1000, idleTtlMs: 30 * 24 * 3600 * 1000 });
    expect(r.threadsDeleted).toBe(0);
    expect((await perNs(cp, t)).length).toBe(2);
  });

  it("pruning through a saver in one schema never touches another schema", async () => {
    const g1 = builder.compile({ checkpointer: cp.saver, interruptBefore: ["gate"] });
    const g2 = builder.compile({ checkpointer: other.saver, interruptBefore: ["gate"] });
    const t1 = randomUUID();
    const t2 = randomUUID();
    await g1.invoke({ log: [] }, durableConfig(t1));
    await g2.invoke({ log: [] }, durableConfig(t2));
    const before = await perNs(cp, t1);
    await pruneCheckpoints(other.saver, { keepLast: 1, idleTtlMs: 1 });
    expect(await perNs(cp, t1)).toEqual(before);
    expect(await perNs(other, t2)).toEqual([]);
  });

  it("pruning in a loop while eight threads run never breaks a run or loses a value", async () => {
    const L = Annotation.Root({
      topic: Annotation<string>(),
      log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
    });
    let g = new StateGraph(L).addNode("n0", async () => ({ topic: "kept", log: ["n0"] })) as unknown as StateGraph<typeof L.spec>;
    const names = Array.from({ length: 12 }, (_, i) => `n${i}`);
    for (const n of names.slice(1)) g = g.addNode(n, async () => ({ log: [n] })) as never;
    g = g.addEdge(START, "n0" as never) as never;
    for (let i = 0; i + 1 < names.length; i++) g = g.addEdge(names[i] as never, names[i + 1] as never) as never;
    g = g.addEdge(names.at(-1) as never, END) as never;
    const graph = g.compile({ checkpointer: cp.saver });
    let stop = false;
    const pruner = (async () => {
      let n = 0;
      while (!stop && n++ < 200) {
        await pruneCheckpoints(cp, { keepLast: 1, batchSize: 5 });
      }
    })();
    const threads = Array.from({ length: 8 }, () => randomUUID());
    const results = await Promise.all(threads.map((t) => settle(within(40_000, graph.invoke({ log: [] }, durableConfig(t)), "run under prune"))));
    stop = true;
    await pruner;
    for (const r of results) expect(r.ok ? r.value : r.error).toEqual({ topic: "kept", log: names });
    for (const t of threads) {
      const s = await graph.getState(durableConfig(t));
      expect(s.values).toEqual({ topic: "kept", log: names });
    }
  });
});
