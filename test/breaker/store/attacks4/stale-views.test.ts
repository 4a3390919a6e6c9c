/**
 * Attacks on the refusal bounds of "When Redis loses the circuit's keys" (docs/scaling.md) after
 * Redis restarted empty: with nobody probing any more (the probe ended while the waiters could not
 * hear it: stale half-open views) the fleet refuses for the confirmation window at most (3.2 s) and
 * for the lease's remainder at most when that is shorter; when the prober goes away right after its
 * re-sync took the placeholder over (its proxy closed: connections gone, as for a dead process),
 * the fleet waits out that lease and no longer. A throw-away redis-server of this file.
 * Scripted models stand in only for a provider's answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { leaseKey, newProvider, sleep, stateKey, watchCrashes, type Member } from "../attacks2/support/members.js";
import { startFleet, startHeldProbe } from "../attacks3/common.js";

const WINDOW_MS = 3_200;
let redis: ThrowawayRedis;
let client: Redis;
const cleanup = new Cleanup();
const crashes = watchCrashes();

beforeAll(async () => {
  redis = await startThrowawayRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  client.on("error", () => {});
});
afterEach(() => cleanup.run());
afterAll(async () => {
  crashes.stop();
  client.disconnect();
  await redis.kill();
});

/** Calls `members` (a good provider) every 50 ms until one call goes through; ms from `t0`, or undefined after `limitMs`. */
async function msUntilServed(members: Member[], t0: number, limitMs: number): Promise<number | undefined> {
  while (performance.now() - t0 < limitMs) {
    const results = await Promise.all(members.map((m) => outcome(m.model.invoke("hi"))));
    if (results.includes("ok")) return Math.round(performance.now() - t0);
    await sleep(50);
  }
  return undefined;
}

/** Calls every member every 100 ms (a good provider); for each, ms from `t0` to its first served call (undefined: refused until `limitMs`). */
async function msUntilEachServed(members: Member[], t0: number, limitMs: number): Promise<(number | undefined)[]> {
  const first: (number | undefined)[] = members.map(() => undefined);
  while (performance.now() - t0 < limitMs && first.some((x) => x === undefined)) {
    const results = await Promise.all(members.map((m) => outcome(m.model.invoke("hi"))));
    results.forEach((r, i) => { if (r === "ok" && first[i] === undefined) first[i] = Math.round(performance.now() - t0); });
    await sleep(100);
  }
  return first;
}

/** The probe ends good while the waiters (1, 2) are partitioned, then Redis restarts empty and they heal. */
async function staleWaiters(leaseMs: number, probeRunsMs: number) {
  const provider = newProvider("bad");
  const keyPrefix = uniquePrefix("atk4-stale");
  const { members, proxies } = await startFleet(redis, cleanup, keyPrefix, provider, { n: 3, leaseMs, proxied: [1, 2] });
  const { probe, release } = await startHeldProbe(members, provider, 0);
  await sleep(probeRunsMs);
  proxies[1]!.partition();
  proxies[2]!.partition();
  provider.mode = "good";
  release();
  expect(await probe).toBe("ok");
  await waitUntil(() => members[0]!.state() === "closed", 10_000, "the prober closed");
  await redis.kill();
  await redis.restart();
  const t0 = performance.now();
  proxies[1]!.heal();
  proxies[2]!.heal();
  const served = await msUntilEachServed(members, t0, 15_000);
  const total = served.some((x) => x === undefined) ? undefined : Math.max(...(served as number[]));
  const states = members.map((m) => m.state());
  const calls = await Promise.all(members.map((m) => outcome(m.model.invoke("hi"))));
  const redisState = JSON.stringify(await client.hgetall(stateKey(keyPrefix)));
  console.log(`[attacks4] stale views, lease ${leaseMs} ms, probe ran ${probeRunsMs} ms: each store first served at ${served.map((x) => x ?? "> 15000")} ms after the restart; then states ${states}, one call each ${calls}, Redis ${redisState}, lease pttl ${await client.pttl(leaseKey(keyPrefix))}, events ${members.map((m) => m.events.join("+"))}`);
  return { total, provider };
}

describe("stale half-open views after a restart-empty, nobody probing", () => {
  it("lease 20 s: every store serves again within the 3.2 s window", async () => {
    const { total } = await staleWaiters(20_000, 0);
    expect(total).toBeTypeOf("number");
    expect(total!).toBeLessThan(WINDOW_MS + 1_500);
    expect(crashes.errors).toEqual([]);
  }, 40_000);

  it("lease 2.5 s, probe ran 1.5 s (1 s left): every store serves again within the lease's remainder", async () => {
    const { total } = await staleWaiters(2_500, 1_500);
    expect(total).toBeTypeOf("number");
    expect(total!).toBeLessThan(1_000 + 1_200);
    expect(crashes.errors).toEqual([]);
  }, 40_000);
});

describe("the prober goes away right after its re-sync took the placeholder over", () => {
  it("lease 6 s: the waiters refuse until the lease ends, then one of them serves", async () => {
    const leaseMs = 6_000;
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk4-takeover-dead");
    const { members, proxies } = await startFleet(redis, cleanup, keyPrefix, provider, { n: 3, leaseMs, proxied: [0] });
    const { probe, release } = await startHeldProbe(members, provider, 0);
    await redis.kill();
    await redis.restart();
    const restartAt = performance.now();
    await waitUntil(async () => (await client.pttl(leaseKey(keyPrefix)).catch(() => -9)) > WINDOW_MS + 500, 10_000, "the prober took the placeholder over");
    const t0 = performance.now();
    await proxies[0]!.close(); // the prober's connections are gone, as for a dead process
    provider.hold = undefined;
    provider.mode = "good";
    const served = await msUntilServed(members.slice(1), t0, 15_000);
    console.log(`[attacks4] takeover ${Math.round(t0 - restartAt)} ms after the restart, prober gone: a waiter served after ${served ?? "> 15000"} ms (lease ${leaseMs})`);
    release();
    await probe;
    expect(crashes.errors).toEqual([]);
    expect(served).toBeTypeOf("number");
    expect(served!).toBeGreaterThan(leaseMs - 1_500);
    expect(served!).toBeLessThan(leaseMs + 1_500);
  }, 40_000);
});
