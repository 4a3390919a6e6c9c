/**
 * Attacks on "What is shared" across real processes (docs/scaling.md): two child processes and
 * this one, each with its own store on a throw-away redis-server, one loopback "provider" server
 * here counting calls and the most in flight at once across the three processes. Promises: the
 * fleet opens after `trip` bad answers in total; after each cool-down many concurrent callers in
 * every process send one probe, never two at once. Scripted models stand in only for a
 * provider's answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCircuitStore, isCircuitOpenError, nonEmpty, withSemanticBreaker, type RedisCircuitStore } from "../../../../src/index.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { sleep, watchCrashes } from "./support/members.js";
import { startProxy } from "./support/proxy.js";
import { RemoteProvider } from "./support/remote-provider.js";

const MEMBER = fileURLToPath(new URL("./support/member-process.ts", import.meta.url));
const TRIP = 5;
const COOL_DOWN_MS = 600;

/** The loopback provider: answers after `delayMs`, good or bad. */
const provider = { mode: "bad" as "bad" | "good", delayMs: 0, calls: 0, inFlight: 0, maxInFlight: 0 };
let server: Server;
let providerUrl = "";
let redis: ThrowawayRedis;
const keyPrefix = uniquePrefix("atk2-procs");

interface Child {
  send(op: "call" | "state" | "close", n?: number): Promise<Record<string, unknown>>;
  readonly child: ChildProcess;
}

async function startChild(): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", MEMBER], {
    env: { ...process.env, ATK_PROVIDER_URL: providerUrl, ATK_REDIS_URL: redis.url, ATK_PREFIX: keyPrefix, ATK_TRIP: String(TRIP), ATK_COOLDOWN_MS: String(COOL_DOWN_MS) },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const pending = new Map<number, (body: Record<string, unknown>) => void>();
  child.on("message", (raw) => {
    const body = raw as { id: number } & Record<string, unknown>;
    pending.get(body.id)?.(body);
    pending.delete(body.id);
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    pending.set(0, resolve);
    child.once("exit", (code) => reject(new Error(`member exited (${code}):\n${err}`)));
  });
  if (ready.ready !== true) throw new Error(`member could not reach Redis:\n${err}`);
  let next = 1;
  return {
    child,
    send: (op, n) => new Promise((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      child.send({ op, id, n });
    }),
  };
}

let children: Child[] = [];
let store: RedisCircuitStore;
let local: ReturnType<typeof withSemanticBreaker>;

beforeAll(async () => {
  server = createServer((_req, res) => {
    provider.calls++;
    provider.inFlight++;
    provider.maxInFlight = Math.max(provider.maxInFlight, provider.inFlight);
    setTimeout(() => {
      provider.inFlight--;
      res.end(provider.mode === "good" ? "fine answer" : "");
    }, provider.delayMs);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  providerUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  redis = await startThrowawayRedis();
  children = [await startChild(), await startChild()];
  store = createRedisCircuitStore({ url: redis.url, keyPrefix, timeoutMs: 5_000 });
  local = withSemanticBreaker(new RemoteProvider(providerUrl), { name: "p", checks: [nonEmpty()], trip: TRIP, halfOpenAfter: COOL_DOWN_MS, store });
  expect(await store.ready(20_000)).toBe(true);
}, 120_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.send("close")));
  await store?.close();
  server?.close();
  await redis?.kill();
});

async function callLocal(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => {
    try {
      await local.invoke("hi");
      return "ok";
    } catch (error) {
      return isCircuitOpenError(error) ? "open" : "failed";
    }
  }));
}

async function states(): Promise<string[]> {
  const remote = await Promise.all(children.map(async (c) => String((await c.send("state")).state)));
  return [local.breaker.status()[0]!.state, ...remote];
}

describe("three real processes on one Redis", () => {
  it("trip 5: 4 bad answers from three processes leave every circuit closed, the 5th opens all three", async () => {
    await children[0]!.send("call", 2);
    await children[1]!.send("call", 1);
    await callLocal(1);
    await sleep(300);
    expect(await states()).toEqual(["closed", "closed", "closed"]);
    await children[1]!.send("call", 1);
    await waitUntil(async () => (await states()).every((s) => s === "open"), 10_000, "every process opened");
    const before = provider.calls;
    await Promise.all([callLocal(3), ...children.map((c) => c.send("call", 3))]);
    expect(provider.calls).toBe(before);
  });

  it("3 cool-downs (bad, bad, good probe), 8 concurrent callers per process: one probe each, never two in flight", async () => {
    const perCycle: number[] = [];
    provider.delayMs = 150;
    provider.maxInFlight = 0; // closed-circuit calls of the test before ran side by side, as they may
    for (const mode of ["bad", "bad", "good"] as const) {
      provider.mode = mode;
      await sleep(COOL_DOWN_MS + 150);
      const before = provider.calls;
      await Promise.all([callLocal(8), ...children.map((c) => c.send("call", 8))]);
      perCycle.push(provider.calls - before);
      const want = mode === "good" ? "closed" : "open";
      await waitUntil(async () => (await states()).every((s) => s === want), 10_000, `every process ${want}`);
    }
    expect({ perCycle, maxInFlight: provider.maxInFlight }).toEqual({ perCycle: [1, 1, 1], maxInFlight: 1 });
    const crashes = await Promise.all(children.map(async (c) => (await c.send("state")).crashes));
    expect(crashes).toEqual([[], []]);
  });

  // Was broken (fixed after this attack): the same-process break of lease-partition.test.ts, across real processes. This
  // process's store is partitioned (a proxy holds its bytes); its claim times out and its local
  // probe answers bad at once, so the result is queued before the hang is noticed. Child 1 then
  // wins the lease and probes (2 s answer). On healing, the queued result deletes child 1's lease
  // and re-opens the fleet for a fresh cool-down; after it child 2 claims a second probe: two
  // probes reached the provider at once (maxInFlight 2).
  it("a partitioned process's late probe result never lets a second probe start beside another process's running probe", async () => {
    const crashes = watchCrashes();
    const proxy = await startProxy(redis.port);
    const pStore = createRedisCircuitStore({ url: proxy.url, keyPrefix });
    try {
      const p = withSemanticBreaker(new RemoteProvider(providerUrl), { name: "p", checks: [nonEmpty()], trip: TRIP, halfOpenAfter: COOL_DOWN_MS, store: pStore });
      expect(await pStore.ready(20_000)).toBe(true);
      Object.assign(provider, { mode: "bad", delayMs: 0 });
      for (let i = 0; i < TRIP; i++) await p.invoke("hi").catch(() => {});
      await waitUntil(async () => (await states()).every((s) => s === "open"), 10_000, "every process opened");
      await sleep(COOL_DOWN_MS + 150);
      proxy.partition();
      await p.invoke("hi").catch(() => {}); // claim timed out: a bad local probe, its result queued
      await waitUntil(() => pStore.status === "down", 10_000, "the partitioned store noticed the hang");
      Object.assign(provider, { delayMs: 2_000, maxInFlight: 0 });
      const probe1 = children[0]!.send("call", 1);
      await waitUntil(() => provider.inFlight === 1, 10_000, "child 1's probe reached the provider");
      proxy.heal();
      await waitUntil(() => pStore.status === "up", 10_000, "the partitioned store re-synced");
      await sleep(COOL_DOWN_MS + 200);
      const others = Promise.all([children[1]!.send("call", 3), callLocal(3)]);
      await sleep(500);
      const maxInFlight = provider.maxInFlight;
      await Promise.all([probe1, others]);
      expect(maxInFlight).toBe(1);
      expect(crashes.errors).toEqual([]);
    } finally {
      crashes.stop();
      await pStore.close();
      await proxy.close();
    }
  });
});
