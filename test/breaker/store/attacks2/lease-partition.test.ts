/**
 * Attacks on the probe lease at a re-sync (docs/scaling.md, "Re-sync rule"): "A probe lease this
 * circuit still holds while it is not probing ... is released by the re-sync, compared and
 * deleted in one script on the circuit's own token, so another process's lease is never
 * touched". Each store reaches a throw-away redis-server through its own TCP proxy, so one store
 * is partitioned (a hang: its bytes held, delivered late in order) while the others and the
 * inspector still reach Redis. Scripted models stand in only for a provider's answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { nonEmpty, withSemanticBreaker } from "../../../../src/index.js";
import { allReady, HeldProvider, leaseKey, newProvider, sleep, startMember, watchCrashes, type Member, type Provider } from "./support/members.js";
import { startProxy, type PartitionProxy } from "./support/proxy.js";

const COOL_DOWN_MS = 300;
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

interface Fleet {
  readonly members: Member[];
  readonly proxies: PartitionProxy[];
}

/** `n` members on one prefix, each behind its own proxy. */
async function startFleet(n: number, keyPrefix: string, provider: Provider, probeLeaseMs: number): Promise<Fleet> {
  const members: Member[] = [];
  const proxies: PartitionProxy[] = [];
  for (let i = 0; i < n; i++) {
    const proxy = await startProxy(redis.port);
    cleanup.add(() => proxy.close());
    proxies.push(proxy);
    members.push(startMember({ url: proxy.url, keyPrefix, provider, trip: 1, halfOpenAfter: COOL_DOWN_MS, store: { probeLeaseMs } }, cleanup));
  }
  await allReady(members);
  return { members, proxies };
}

/** Opens the fleet with one bad answer and waits out the cool-down. */
async function openAndCoolDown(members: Member[]): Promise<void> {
  await outcome(members[0]!.model.invoke("hi"));
  await waitUntil(() => members.every((m) => m.state() === "open"), 10_000, "the fleet opened");
  await sleep(COOL_DOWN_MS + 150);
}

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe("a late probe result after the lease expired and another process took it", () => {
  // Was broken (fixed after this attack): A won the lease, its probe ended just after A was partitioned (before the hang watch
  // noticed), the lease expired and B took it. On healing, A's queued probe result (fbProbeDone)
  // ran in Redis: it DELeted the probe key without comparing tokens (MONITOR: `DEL …{p}:probe`,
  // then `HSET … s closed`, PUBLISH closed), so B's lease vanished while B's probe still ran.
  it("the partitioned prober's stale result and re-sync leave the new prober's lease alone; no second probe runs beside it", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-stale");
    const { members: [a, b, c], proxies: [pa] } = await startFleet(3, keyPrefix, provider, 1_500);
    await openAndCoolDown([a!, b!, c!]);
    provider.mode = "good";
    const holdA = gate();
    provider.hold = holdA.promise;
    const probeA = outcome(a!.model.invoke("hi")); // wins the fleet's lease (Redis answers)
    await waitUntil(() => provider.calls === 2, 10_000, "A's probe reached the provider");
    await waitUntil(() => b!.state() === "half-open" && c!.state() === "half-open", 10_000, "B and C saw A's probe");
    pa!.partition();
    holdA.open();
    expect(await probeA).toBe("ok"); // its result goes into the partition
    await waitUntil(() => a!.store.status === "down", 10_000, "A noticed the hang");
    await waitUntil(async () => (await client.exists(leaseKey(keyPrefix))) === 0, 10_000, "A's lease expired");
    const holdB = gate();
    provider.hold = holdB.promise;
    // After the lease, another may probe. B's own view of the lease ends a little after Redis's (it
    // learnt it from a message): a call refused in between is asked again.
    let probeB = outcome(b!.model.invoke("hi"));
    await waitUntil(async () => {
      if (provider.calls === 3) return true;
      const early = await Promise.race([probeB, sleep(50).then(() => "pending")]);
      if (early === "open") probeB = outcome(b!.model.invoke("hi"));
      return provider.calls === 3;
    }, 10_000, "B's probe reached the provider");
    const tokenB = await client.get(leaseKey(keyPrefix));
    expect(tokenB).not.toBeNull();
    pa!.heal(); // A's stale probe result and its re-sync reach Redis now
    await waitUntil(() => a!.events.includes("recovered"), 10_000, "A re-synced");
    await sleep(200);
    expect(await client.get(leaseKey(keyPrefix))).toBe(tokenB);
    expect(await Promise.all([a, c].map((m) => outcome(m!.model.invoke("hi"))))).toEqual(["open", "open"]);
    expect(provider.calls).toBe(3); // nobody probed beside B
    holdB.open();
    expect(await probeB).toBe("ok");
    await waitUntil(() => [a, b, c].every((m) => m!.state() === "closed"), 10_000, "B's good probe closed the fleet");
    expect(crashes.errors).toEqual([]);
  });
});

describe("claims queued behind a partition", () => {
  // Was broken (fixed after this attack): A's claim timed out behind a partition and A probed locally at once, so its probe
  // result was queued before the hang watch noticed (within 200 ms). B then won the lease and
  // probed. On healing, A's late claim lost (SET NX failed) but A's queued probe result ran next
  // and deleted B's lease (`DEL …{p}:probe`, no token compared) and announced "closed" to the fleet
  // while B's probe was still in flight.
  it("A's claim runs late and loses to B's running probe: A's re-sync keeps B's lease, C refuses, B's result closes everyone", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-queued");
    const { members: [a, b, c], proxies: [pa] } = await startFleet(3, keyPrefix, provider, 120_000);
    await openAndCoolDown([a!, b!, c!]);
    provider.mode = "good";
    pa!.partition();
    expect(await outcome(a!.model.invoke("hi"))).toBe("ok"); // claim timed out: a local probe
    await waitUntil(() => a!.store.status === "down", 10_000, "A noticed the hang");
    const holdB = gate();
    provider.hold = holdB.promise;
    const probeB = outcome(b!.model.invoke("hi"));
    await waitUntil(() => provider.calls === 3, 10_000, "B's probe reached the provider");
    const tokenB = await client.get(leaseKey(keyPrefix));
    expect(tokenB).not.toBeNull();
    pa!.heal();
    await waitUntil(() => a!.events.includes("recovered"), 10_000, "A re-synced");
    await sleep(200);
    expect(await client.get(leaseKey(keyPrefix))).toBe(tokenB);
    expect(await outcome(c!.model.invoke("hi"))).toBe("open");
    expect(provider.calls).toBe(3);
    holdB.open();
    expect(await probeB).toBe("ok");
    await waitUntil(() => [a, b, c].every((m) => m!.state() === "closed"), 10_000, "every store closed");
    expect(crashes.errors).toEqual([]);
  });

  // Was broken (fixed after this attack): the consequence of the unguarded release above: A's late *bad* local probe result
  // deletes B's lease and re-opens the fleet for a fresh cool-down; after it C claims (the lease
  // is free) and a second probe reaches the provider while B's is still in flight.
  it("a late bad local probe result never lets a second probe start beside B's running one", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-twoprobes");
    const { members: [a, b, c], proxies: [pa] } = await startFleet(3, keyPrefix, provider, 120_000);
    await openAndCoolDown([a!, b!, c!]);
    pa!.partition();
    expect(await outcome(a!.model.invoke("hi"))).toBe("failed"); // a bad local probe
    await waitUntil(() => a!.store.status === "down", 10_000, "A noticed the hang");
    const holdB = gate();
    provider.hold = holdB.promise;
    const probeB = outcome(b!.model.invoke("hi"));
    await waitUntil(() => provider.calls === 3, 10_000, "B's probe reached the provider");
    pa!.heal();
    await waitUntil(() => a!.events.includes("recovered"), 10_000, "A re-synced");
    await sleep(COOL_DOWN_MS + 200);
    const othersRunning = Promise.all([a, c].flatMap((m) => [0, 1].map(() => outcome(m!.model.invoke("hi")))));
    await sleep(500); // refusals are immediate; a call let through is held by the provider
    const calls = provider.calls;
    const maxInFlight = provider.maxInFlight;
    holdB.open();
    await probeB;
    const others = await othersRunning;
    expect({ calls, maxInFlight, others }).toEqual({ calls: 3, maxInFlight: 1, others: ["open", "open", "open", "open"] });
  });

  it("two partitioned stores with queued claims heal at once: one claim wins, both re-syncs converge and the lease is gone", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-twoqueued");
    const { members, proxies: [pa, pb] } = await startFleet(3, keyPrefix, provider, 120_000);
    const [a, b, c] = members;
    await openAndCoolDown(members);
    provider.mode = "good";
    pa!.partition();
    pb!.partition();
    expect(await Promise.all([a, b].map((m) => outcome(m!.model.invoke("hi"))))).toEqual(["ok", "ok"]); // two local probes
    await waitUntil(() => a!.store.status === "down" && b!.store.status === "down", 10_000, "A and B noticed the hang");
    pa!.heal();
    pb!.heal();
    await waitUntil(() => a!.events.includes("recovered") && b!.events.includes("recovered"), 10_000, "A and B re-synced");
    await waitUntil(() => members.every((m) => m.state() === "closed"), 15_000, "every store closed (not half-open for the 120 s lease)");
    expect(await client.exists(leaseKey(keyPrefix))).toBe(0);
    expect(c!.state()).toBe("closed");
    expect(crashes.errors).toEqual([]);
  });

  it("a probe still running through A's partition keeps A's lease at the re-sync; the others refuse throughout; its result closes everyone", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-probing");
    const { members: [a, b, c], proxies: [pa] } = await startFleet(3, keyPrefix, provider, 120_000);
    await openAndCoolDown([a!, b!, c!]);
    provider.mode = "good";
    const holdA = gate();
    provider.hold = holdA.promise;
    const probeA = outcome(a!.model.invoke("hi")); // wins the lease with Redis answering
    await waitUntil(() => provider.calls === 2, 10_000, "A's probe reached the provider");
    const tokenA = await client.get(leaseKey(keyPrefix));
    await waitUntil(() => b!.state() === "half-open" && c!.state() === "half-open", 10_000, "B and C saw A's probe");
    pa!.partition();
    // A second provider on A's store answers well: its outcome is a command outstanding in the partition.
    const other = withSemanticBreaker(new HeldProvider(newProvider("good")), { name: "q", checks: [nonEmpty()], trip: 1, store: a!.store });
    expect(await outcome(other.invoke("hi"))).toBe("ok");
    await waitUntil(() => a!.store.status === "down", 10_000, "A noticed the hang");
    const refusedDuring = await Promise.all([b, c].map((m) => outcome(m!.model.invoke("hi"))));
    pa!.heal();
    await waitUntil(() => a!.events.includes("recovered"), 10_000, "A re-synced");
    await sleep(200);
    expect(await client.get(leaseKey(keyPrefix))).toBe(tokenA);
    const refusedAfter = await Promise.all([b, c].map((m) => outcome(m!.model.invoke("hi"))));
    expect({ refusedDuring, refusedAfter, calls: provider.calls }).toEqual({ refusedDuring: ["open", "open"], refusedAfter: ["open", "open"], calls: 2 });
    holdA.open();
    expect(await probeA).toBe("ok");
    await waitUntil(() => [a, b, c].every((m) => m!.state() === "closed"), 10_000, "A's good probe closed every store");
    expect(await client.exists(leaseKey(keyPrefix))).toBe(0);
    expect(crashes.errors).toEqual([]);
  });
});
