/**
 * Attacks on "counted over the whole fleet" (docs/scaling.md, What is shared; When Redis is
 * unreachable): many concurrent callers in four stores, and bad answers around a hang and its
 * re-sync ("Outcomes recorded before the hang was noticed reach Redis when it answers again, not
 * the local count"). A throw-away redis-server of this file; scripted models stand in only for a
 * provider's answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup, fleetCount } from "../attacks/support/fleet.js";
import { allReady, newProvider, sleep, startMember, watchCrashes, type Member, type Provider } from "./support/members.js";

let redis: ThrowawayRedis;
let client: Redis;
const cleanup = new Cleanup();
const crashes = watchCrashes();
beforeAll(async () => {
  redis = await startThrowawayRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  client.on("error", () => {});
});
afterEach(async () => {
  redis.thaw();
  await cleanup.run();
});
afterAll(async () => {
  crashes.stop();
  redis.thaw();
  client.disconnect();
  await redis.kill();
});

async function startFleet(n: number, keyPrefix: string, provider: Provider, trip: number): Promise<Member[]> {
  const fleet = Array.from({ length: n }, () => startMember({ url: redis.url, keyPrefix, provider, trip, halfOpenAfter: 60_000 }, cleanup));
  await allReady(fleet);
  return fleet;
}

const allOpen = (fleet: Member[]) => fleet.every((m) => m.state() === "open");

describe("many concurrent callers in four stores", () => {
  it("trip 30: 4 stores x 6 concurrent bad answers (24) stay closed; 6 more at once open all four; nothing is sent after", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-conc");
    const fleet = await startFleet(4, keyPrefix, provider, 30);
    const first = await Promise.all(fleet.flatMap((m) => Array.from({ length: 6 }, () => outcome(m.model.invoke("hi")))));
    expect(first).toEqual(Array(24).fill("failed"));
    await waitUntil(async () => (await fleetCount(client, keyPrefix, "p")) === 24, 10_000, "Redis counted 24");
    await sleep(100);
    expect(fleet.map((m) => m.state())).toEqual(Array(4).fill("closed"));
    await Promise.all(fleet.slice(0, 3).flatMap((m) => [0, 1].map(() => outcome(m.model.invoke("hi")))));
    await waitUntil(() => allOpen(fleet), 10_000, "all four opened");
    expect(provider.calls).toBe(30);
    expect(await Promise.all(fleet.map((m) => outcome(m.model.invoke("hi"))))).toEqual(Array(4).fill("open"));
    expect(provider.calls).toBe(30);
  });
});

describe("bad answers around a hang and its re-sync", () => {
  it("trip 4: 3 bad answers sent just after Redis froze (before the hang was noticed) count in Redis after it answers; the 4th opens all", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-prehang");
    const fleet = await startFleet(3, keyPrefix, provider, 4);
    redis.freeze();
    expect(await Promise.all(fleet.map((m) => outcome(m.model.invoke("hi"))))).toEqual(["failed", "failed", "failed"]);
    await waitUntil(() => fleet.every((m) => m.store.status === "down"), 10_000, "every store noticed the hang");
    expect(fleet.map((m) => m.state())).toEqual(["closed", "closed", "closed"]);
    redis.thaw();
    await waitUntil(() => fleet.every((m) => m.events.includes("recovered")), 10_000, "every store re-synced");
    await waitUntil(async () => (await fleetCount(client, keyPrefix, "p")) === 3, 10_000, "Redis counted the 3");
    expect(fleet.map((m) => m.state())).toEqual(["closed", "closed", "closed"]);
    await outcome(fleet[2]!.model.invoke("hi"));
    await waitUntil(() => allOpen(fleet), 10_000, "the 4th bad answer opened every store");
    expect(crashes.errors).toEqual([]);
  });

  it("trip 6: a burst of bad answers from 4 stores at the moment Redis answers again; after every store re-synced, at most 6 more open all", async () => {
    const provider = newProvider("good");
    const keyPrefix = uniquePrefix("atk2-resync");
    const fleet = await startFleet(4, keyPrefix, provider, 6);
    redis.freeze();
    await Promise.all(fleet.map((m) => outcome(m.model.invoke("hi")))); // outstanding successes: each store notices the hang
    await waitUntil(() => fleet.every((m) => m.store.status === "down"), 10_000, "every store noticed the hang");
    provider.mode = "bad";
    redis.thaw();
    const burst = await Promise.all(fleet.map((m) => outcome(m.model.invoke("hi")))); // during the re-sync
    await waitUntil(() => fleet.every((m) => m.events.includes("recovered")), 10_000, "every store re-synced");
    let after = 0;
    for (let i = 0; i < 20 && !allOpen(fleet); i++) {
      const m = fleet[i % 4]!;
      if (m.state() !== "open") {
        await outcome(m.model.invoke("hi"));
        after++;
      }
      await sleep(60); // time for a trip to spread before the next answer
    }
    await waitUntil(() => allOpen(fleet), 5_000, "every store opened");
    expect({ burst, after: after <= 6 }).toEqual({ burst: Array(4).fill("failed"), after: true });
    expect(crashes.errors).toEqual([]);
  });
});
