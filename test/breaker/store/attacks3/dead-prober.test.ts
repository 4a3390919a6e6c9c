/**
 * Attacks on "If the prober died meanwhile, the fleet waits at most the lease's remainder"
 * (docs/scaling.md, "When Redis loses the circuit's keys"): the prober is a real child process,
 * SIGKILLed mid-probe around a data loss (Redis restarted empty, FLUSHALL, only the lease key
 * deleted). Two in-process stores wait on its probe. Lease 4 s: the fleet must call the provider
 * again within the lease (polled up to 15 s), and only one store may probe. A throw-away
 * redis-server of this file. Scripted models stand in only for a provider's answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { leaseKey, newProvider, sleep, watchCrashes, type Member, type Provider } from "../attacks2/support/members.js";
import { COOL_DOWN_MS, startFleet } from "./common.js";

const CHILD = fileURLToPath(new URL("./prober-process.ts", import.meta.url));
const LEASE_MS = 4_000;
let redis: ThrowawayRedis;
let client: Redis;
let server: Server;
let providerUrl = "";
const held: ServerResponse[] = [];
const remote = { hold: false, requests: 0 };
const cleanup = new Cleanup();
const crashes = watchCrashes();

beforeAll(async () => {
  redis = await startThrowawayRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  server = createServer((_req, res) => {
    remote.requests++;
    if (remote.hold) held.push(res);
    else res.end("");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  providerUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(() => cleanup.run());
afterAll(async () => {
  crashes.stop();
  client.disconnect();
  for (const res of held.splice(0)) res.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await redis.kill();
});

async function startProber(keyPrefix: string): Promise<{ child: ChildProcess; send(op: "call" | "state"): Promise<Record<string, unknown>> }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: { ...process.env, ATK3_REDIS_URL: redis.url, ATK3_PREFIX: keyPrefix, ATK3_LEASE_MS: String(LEASE_MS), ATK3_COOLDOWN_MS: String(COOL_DOWN_MS), ATK3_PROVIDER_URL: providerUrl },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  cleanup.add(async () => void child.kill("SIGKILL"));
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const pending = new Map<number, (b: Record<string, unknown>) => void>();
  child.on("message", (raw) => {
    const body = raw as { id: number } & Record<string, unknown>;
    pending.get(body.id)?.(body);
    pending.delete(body.id);
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    pending.set(0, resolve);
    child.once("exit", (code) => reject(new Error(`prober exited (${code}):\n${err}`)));
  });
  if (ready.ready !== true) throw new Error(`prober could not reach Redis:\n${err}`);
  let next = 1;
  return { child, send: (op) => new Promise((resolve) => { const id = next++; pending.set(id, resolve); child.send({ op, id }); }) };
}

/** Child trips the fleet, waits out the cool-down, starts a probe the server holds; B and C see half-open. */
async function childProbing(keyPrefix: string, provider: Provider) {
  const { members } = await startFleet(redis, cleanup, keyPrefix, provider, { n: 2, leaseMs: LEASE_MS });
  const prober = await startProber(keyPrefix);
  remote.hold = false;
  expect((await prober.send("call")).result).toBe("failed");
  await waitUntil(() => members.every((m) => m.state() === "open"), 10_000, "B and C opened");
  await sleep(COOL_DOWN_MS + 150);
  remote.hold = true;
  const before = remote.requests;
  void prober.send("call");
  await waitUntil(() => remote.requests === before + 1, 10_000, "the child's probe reached the provider");
  await waitUntil(() => members.every((m) => m.state() === "half-open"), 10_000, "B and C saw the probe");
  return { members, prober };
}

async function killChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

/** Calls B and C (a good provider) every 100 ms until one call goes through; ms from `t0`, or undefined after 15 s. */
async function msUntilServed(members: Member[], t0: number): Promise<number | undefined> {
  while (performance.now() - t0 < 15_000) {
    const results = await Promise.all(members.map((m) => outcome(m.model.invoke("hi"))));
    if (results.includes("ok")) return Math.round(performance.now() - t0);
    await sleep(100);
  }
  return undefined;
}

type Fault = "restart-empty" | "flushall" | "del-lease";

/** The fault, the prober SIGKILLed; returns when B or C first served a call (ms) and the most probes at once. */
async function deadProber(fault: Fault): Promise<{ served: number | undefined; maxInFlight: number; members: Member[] }> {
  const provider = newProvider("good");
  const keyPrefix = uniquePrefix(`atk3-dead-${fault}`);
  const { members, prober } = await childProbing(keyPrefix, provider);
  const t0 = performance.now();
  if (fault === "restart-empty") await redis.kill();
  if (fault === "flushall") await client.flushall();
  if (fault === "del-lease") await client.del(leaseKey(keyPrefix));
  await killChild(prober.child);
  if (fault === "restart-empty") await redis.restart();
  const snapshot = (async () => {
    await sleep(LEASE_MS + 1_500);
    return `states ${members.map((m) => m.state())}, redis ${JSON.stringify(await client.hgetall(`${keyPrefix}{p}:state`))} lease pttl ${await client.pttl(leaseKey(keyPrefix))}`;
  })();
  const served = await msUntilServed(members, t0);
  console.log(`[attacks3] ${fault} + dead prober: first call served after ${served ?? "> 15000"} ms (lease ${LEASE_MS} ms); at lease + 1.5 s: ${await snapshot}`);
  return { served, maxInFlight: provider.maxInFlight, members };
}

describe("the prober dies around a data loss (lease 4 s)", () => {
  it.each(["restart-empty", "del-lease"] as const)("%s, then SIGKILL of the prober: the fleet calls the provider again within the lease, one probe only", async (fault) => {
    const { served, maxInFlight, members } = await deadProber(fault);
    expect(served).toBeTypeOf("number");
    expect(served!).toBeLessThan(LEASE_MS + 3_000);
    expect(maxInFlight).toBe(1);
    await waitUntil(() => members.every((m) => m.state() === "closed"), 10_000, "B and C closed");
    expect(crashes.errors).toEqual([]);
  });

  // Was broken (B and C refused past the lease: a claim on a missing state got a stale "closed"); fixed: the claim rebuilds the circuit.
  it("flushall, then SIGKILL of the prober: the fleet calls the provider again within the lease", async () => {
    const { served, maxInFlight } = await deadProber("flushall");
    expect(crashes.errors).toEqual([]);
    expect({ servedWithinLease: served !== undefined && served < LEASE_MS + 3_000, maxInFlight }).toEqual({ servedWithinLease: true, maxInFlight: 1 });
  });
});
