/**
 * Attacks on "When Redis loses the circuit's keys" and the re-sync rule (docs/scaling.md):
 * the circuit's keys deleted, only the lease key deleted, a waiting store that re-syncs with a
 * stale half-open view after the fleet closed, and two stores that both held the lease after
 * Redis restarted empty. A throw-away redis-server of this file (never the shared 6379); stores
 * behind partition proxies where one must be held. Scripted models stand in only for answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { leaseKey, newProvider, sleep, startMember, stateKey, watchCrashes } from "../attacks2/support/members.js";
import { COOL_DOWN_MS, gate, msUntilAllClosed, startFleet, startHeldProbe } from "./common.js";

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

describe("keys deleted while a probe runs (no connection drops, so no re-sync)", () => {
  it("DEL of the circuit's three keys: the waiting stores still refuse, the good result closes every store", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk3-del");
    const { members } = await startFleet(redis, cleanup, keyPrefix, provider, { n: 3, leaseMs: 120_000 });
    const { probe, release } = await startHeldProbe(members, provider);
    await client.del(stateKey(keyPrefix), `${keyPrefix}{p}:window`, leaseKey(keyPrefix));
    provider.mode = "good";
    const before = provider.calls;
    const during = Promise.all(members.slice(1).flatMap((m) => [0, 1].map(() => outcome(m.model.invoke("hi")))));
    await sleep(400);
    const sent = provider.calls - before;
    release();
    expect(await probe).toBe("ok");
    await during;
    expect(sent).toBe(0);
    expect(await msUntilAllClosed(members, 15_000)).toBeTypeOf("number");
    expect(crashes.errors).toEqual([]);
  });

  // Documented limit (docs/scaling.md: keys deleted in place while a probe runs); pinned as an expected failure.
  // Measured before the limit was documented: is deleted (the state hash still says half-open), a store
  // that joins the fleet is granted the probe and calls the provider beside the running probe
  // (measured: sent 1, provider maxInFlight 2 — two half-open probes at once).
  it.fails("only the lease key deleted: a store joining during the probe does not call the provider beside it", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk3-dellease");
    const { members } = await startFleet(redis, cleanup, keyPrefix, provider, { n: 2, leaseMs: 120_000 });
    const { probe, release } = await startHeldProbe(members, provider);
    await client.del(leaseKey(keyPrefix));
    const late = startMember({ url: redis.url, keyPrefix, provider, trip: 1, halfOpenAfter: COOL_DOWN_MS, store: { probeLeaseMs: 120_000 } }, cleanup);
    expect(await late.store.ready(10_000)).toBe(true);
    const before = provider.calls;
    const calls = Promise.all([0, 1, 2].map(() => outcome(late.model.invoke("hi"))));
    await sleep(400);
    const inFlight = provider.maxInFlight;
    const sent = provider.calls - before;
    provider.mode = "good";
    release();
    await probe;
    await calls;
    expect({ sent, maxInFlight: inFlight }).toEqual({ sent: 0, maxInFlight: 1 });
    expect(crashes.errors).toEqual([]);
  });

  // Documented limit (docs/scaling.md: keys deleted in place while a probe runs); pinned as an expected failure.
  // Measured before the limit was documented:, so no waiting store re-syncs and puts the half-open
  // circuit back; a store that joins (its connect is a re-sync) reads "closed" and all 3 of its
  // calls reach the provider while the fleet's probe still runs ("nobody else calls the provider
  // before the probe reports").
  it.fails("FLUSHALL during a probe: a store joining then does not call the provider beside the running probe", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk3-flushjoin");
    const { members } = await startFleet(redis, cleanup, keyPrefix, provider, { n: 2, leaseMs: 120_000 });
    const { probe, release } = await startHeldProbe(members, provider);
    await client.flushall();
    const late = startMember({ url: redis.url, keyPrefix, provider, trip: 1, halfOpenAfter: COOL_DOWN_MS, store: { probeLeaseMs: 120_000 } }, cleanup);
    expect(await late.store.ready(10_000)).toBe(true);
    const before = provider.calls;
    const calls = Promise.all([0, 1, 2].map(() => outcome(late.model.invoke("hi"))));
    await sleep(400);
    const sent = provider.calls - before;
    provider.mode = "good";
    release();
    await probe;
    await calls;
    expect(sent).toBe(0);
    expect(crashes.errors).toEqual([]);
  });
});

describe("a waiting store re-syncs with a stale view", () => {
  // Was broken: A's good probe closed A and C; B (its bytes held) still showed half-open; Redis
  // restarted empty; at the re-sync B put its stale lease back ("held-elsewhere", ~120 s) and A and
  // C adopted it: all three refused every call for the whole 120 s lease. Fixed: a lease put back
  // for another's probe lasts at most the confirmation window (a few seconds) unless the prober
  // takes it over. A breaker probes only when called, so the stores are called until all serve.
  it("B missed the good result (held by its proxy), Redis restarts empty: every store closes well before the 120 s lease", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk3-stale");
    const { members, proxies } = await startFleet(redis, cleanup, keyPrefix, provider, { n: 3, leaseMs: 120_000, proxied: [1] });
    const { probe, release } = await startHeldProbe(members, provider);
    proxies[1]!.partition();
    provider.mode = "good";
    release();
    expect(await probe).toBe("ok");
    await waitUntil(() => members[0]!.state() === "closed" && members[2]!.state() === "closed", 10_000, "A and C closed");
    expect(members[1]!.state()).toBe("half-open"); // B's stale view
    await redis.kill();
    await redis.restart();
    proxies[1]!.heal();
    await waitUntil(() => members.every((m) => m.store.status === "up"), 20_000, "every store re-synced");
    const started = performance.now();
    let served = false;
    while (!served && performance.now() - started < 15_000) {
      const calls = await Promise.all(members.map((m) => outcome(m.model.invoke("hi"))));
      served = calls.every((c) => c === "ok");
      if (!served) await sleep(100);
    }
    const states = members.map((m) => m.state());
    expect({ served: served ? "every store serves" : "still refusing after 15 s", states })
      .toEqual({ served: "every store serves", states: ["closed", "closed", "closed"] });
    expect(crashes.errors).toEqual([]);
  });
});

describe("two stores both held the lease after Redis restarted empty", () => {
  it("A (partitioned) re-takes its lease after B's new probe began: no third probe, A's late bad result does not end B's probe", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk3-twoholders");
    const { members, proxies } = await startFleet(redis, cleanup, keyPrefix, provider, { n: 3, leaseMs: 2_500, proxied: [0] });
    const [a, b, c] = members;
    const first = await startHeldProbe(members, provider);
    proxies[0]!.partition();
    await redis.kill();
    await redis.restart();
    await waitUntil(() => b!.store.status === "up" && c!.store.status === "up", 20_000, "B and C re-synced");
    await waitUntil(async () => (await client.exists(leaseKey(keyPrefix))) === 0, 15_000, "the put-back lease expired");
    const second = gate();
    provider.hold = second.promise;
    const bProbe = outcome(b!.model.invoke("hi"));
    await waitUntil(async () => (await client.exists(leaseKey(keyPrefix))) === 1, 5_000, "B claimed the lease");
    const bToken = await client.get(leaseKey(keyPrefix));
    proxies[0]!.heal();
    await waitUntil(() => a!.store.status === "up", 20_000, "A re-synced");
    await sleep(300);
    first.release(); // A's probe ends bad, after B's began
    expect(await first.probe).toBe("failed");
    await sleep(300);
    const before = provider.calls;
    const cCalls = Promise.all([0, 1].map(() => outcome(c!.model.invoke("hi"))));
    await sleep(400);
    const sent = provider.calls - before;
    const lease = await client.get(leaseKey(keyPrefix));
    provider.mode = "good";
    second.open();
    await bProbe;
    await cCalls;
    expect({ sent, leaseKept: lease === bToken }).toEqual({ sent: 0, leaseKept: true });
    expect(await msUntilAllClosed(members, 15_000)).toBeTypeOf("number");
    expect(crashes.errors).toEqual([]);
  });
});
