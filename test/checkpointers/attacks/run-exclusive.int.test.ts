// Attacks on runExclusive: in-process races, a second process, a skewed clock, a frozen database.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpointer, runExclusive, type Checkpointer } from "../../../checkpointers/index.js";
import { HostileProxy, settle, sleep, within } from "./support.js";

const SHARED = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `atk_rx_${process.pid}`;
const CHILD = fileURLToPath(new URL("./fixtures/hold-claim-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
let cp: Checkpointer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cp = await createCheckpointer({ url: SHARED, schema, log: () => {} });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await cp?.close();
  const c = new pg.Client(SHARED);
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade`);
  await c.end();
});

function holdInChild(threadId: string, holdMs: number, leaseMs?: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, SHARED, schema, threadId, String(holdMs), ...(leaseMs ? [String(leaseMs)] : [])], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return within(
    40_000,
    new Promise<ChildProcess>((resolve, reject) => {
      child.stdout!.on("data", (d) => {
        if (String(d).includes("CLAIMED")) resolve(child);
      });
      child.on("exit", () => reject(new Error("child exited before claiming")));
    }),
    "child claim",
  );
}

describe("runExclusive", () => {
  it("six concurrent runs of one thread: exactly one runs, the rest are refused at once as thread-busy", async () => {
    const t = randomUUID();
    let inside = 0;
    let maxInside = 0;
    const t0 = Date.now();
    const rs = await Promise.all(
      Array.from({ length: 6 }, () =>
        settle(
          runExclusive(cp, t, async () => {
            maxInside = Math.max(maxInside, ++inside);
            await sleep(500);
            inside--;
          }),
        ),
      ),
    );
    expect(maxInside).toBe(1);
    expect(rs.filter((r) => r.ok)).toHaveLength(1);
    for (const r of rs) if (!r.ok) expect([r.error.code, r.error.reason]).toEqual(["CHECKPOINTER_SETUP", "thread-busy"]);
    expect(Date.now() - t0).toBeLessThan(5000);
    // released afterwards
    expect(await runExclusive(cp, t, async () => "again")).toBe("again");
  });

  it("a run held by another process is refused; after that process is SIGKILLed the claim lapses after leaseMs", async () => {
    const t = randomUUID();
    const child = await holdInChild(t, 30_000, 1500);
    const r = await settle(runExclusive(cp, t, async () => "stolen"));
    expect(r.ok ? r.value : [r.error.code, r.error.reason]).toEqual(["CHECKPOINTER_SETUP", "thread-busy"]);
    child.kill("SIGKILL");
    await sleep(1500 + 500);
    expect(await runExclusive(cp, t, async () => "after lapse")).toBe("after lapse");
  });

  it("a process whose clock runs an hour ahead is still refused", async () => {
    const t = randomUUID();
    const hold = settle(runExclusive(cp, t, () => sleep(1500)));
    await sleep(300);
    const real = Date.now;
    Date.now = () => real() + 3_600_000;
    let r;
    try {
      r = await settle(runExclusive(cp, t, async () => "overlap"));
    } finally {
      Date.now = real;
    }
    expect(r.ok ? r.value : r.error.reason).toBe("thread-busy");
    await hold;
  });

  it("when the database stops answering, the holder is aborted before its claim lapses: two runs never overlap", async () => {
    const proxy = new HostileProxy(5432);
    await proxy.listen();
    const url = new URL(SHARED);
    url.port = String(proxy.port);
    const viaProxy = await createCheckpointer({ url: url.toString(), schema, statementTimeoutMs: 5000, log: () => {} });
    try {
      const t = randomUUID();
      const State = Annotation.Root({ n: Annotation<number>() });
      const graph = new StateGraph(State)
        .addNode("slow", async () => {
          await sleep(4000);
          return { n: 1 };
        })
        .addEdge(START, "slow")
        .addEdge("slow", END)
        .compile({ checkpointer: viaProxy.saver });
      let firstSettledAt = 0;
      let abortedAt = 0;
      let invokeSettledAt = 0;
      const t0 = Date.now();
      const first = settle(
        runExclusive(
          viaProxy,
          t,
          (config) => {
            config.signal.addEventListener("abort", () => (abortedAt = Date.now()));
            return graph.invoke({ n: 0 }, config).finally(() => (invokeSettledAt = Date.now()));
          },
          // A lease long enough that a loaded machine's timer delays stay well inside it.
          { leaseMs: 3000 },
        ),
      ).then((r) => {
        firstSettledAt = Date.now();
        return r;
      });
      await sleep(300);
      proxy.freeze();
      // poll until the claim can be taken by a healthy process; note when
      let secondAt = 0;
      for (let i = 0; i < 100 && !secondAt; i++) {
        const r = await settle(runExclusive(cp, t, async () => Date.now()));
        if (r.ok) secondAt = r.value;
        else await sleep(100);
      }
      const r1 = await within(15_000, first, "first run");
      expect(secondAt).toBeGreaterThan(0);
      expect(r1.ok).toBe(false);
      expect([(r1 as { error?: any }).error?.code, (r1 as { error?: any }).error?.reason]).toEqual(["CHECKPOINTER_UNREACHABLE", "timeout"]);
      // the run (graph.invoke) was aborted before the claim could be taken over
      expect(abortedAt).toBeGreaterThan(0);
      expect(invokeSettledAt).toBeGreaterThan(0);
      expect(invokeSettledAt).toBeLessThanOrEqual(secondAt);
      // and runExclusive itself settles within its statement bound
      expect(firstSettledAt - t0).toBeLessThan(300 + 3000 + 5000 + 4000);
    } finally {
      proxy.thaw();
      await within(15_000, viaProxy.close(), "close").catch(() => {});
      await proxy.close();
    }
  });
});
