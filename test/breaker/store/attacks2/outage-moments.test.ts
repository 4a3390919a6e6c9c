/**
 * Attacks on "When Redis is unreachable" (docs/scaling.md) at awkward moments: Redis SIGKILLed
 * while a probe claim waits on it, killed right as it answers again after a hang (mid re-sync),
 * unreachable when the store is created, and a store closed while Redis hangs. Promises: a call is
 * never failed by the outage, `store-unavailable` once per outage and `store-recovered` once after
 * it, no unhandled rejection. A throw-away redis-server of this file; scripted models stand in only
 * for a provider's answers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisCircuitStore } from "../../../../src/index.js";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { allReady, newProvider, sleep, startMember, watchCrashes, type Member } from "./support/members.js";

let redis: ThrowawayRedis;
const cleanup = new Cleanup();
const crashes = watchCrashes();
beforeAll(async () => {
  redis = await startThrowawayRedis();
});
afterEach(async () => {
  redis.thaw();
  await cleanup.run();
  await redis.kill();
  await redis.restart();
});
afterAll(async () => {
  crashes.stop();
  redis.thaw();
  await redis.kill();
});

function alternates(events: string[]): boolean {
  return events.every((e, i) => e === (i % 2 === 0 ? "unavailable" : "recovered"));
}

async function openAndCoolDown(m: Member): Promise<void> {
  await outcome(m.model.invoke("hi"));
  await waitUntil(() => m.state() === "open", 10_000, "the circuit opened");
  await sleep(350);
}

describe("Redis dies at awkward moments", () => {
  it("killed while the probe claim waits on a hung Redis: the call probes locally, one unavailable, one recovered after restart", async () => {
    const provider = newProvider("bad");
    const m = startMember({ url: redis.url, keyPrefix: uniquePrefix("atk2-claimkill"), provider, trip: 1, halfOpenAfter: 300, store: { timeoutMs: 300 } }, cleanup);
    await allReady([m]);
    await openAndCoolDown(m);
    provider.mode = "good";
    redis.freeze();
    const probe = outcome(m.model.invoke("hi")); // the claim waits up to 300 ms
    await sleep(50);
    await redis.kill(); // the connection breaks while the claim is outstanding
    expect(await probe).toBe("ok");
    expect(m.state()).toBe("closed");
    await waitUntil(() => m.events.length === 1, 10_000, "unavailable reported");
    await redis.restart();
    await waitUntil(() => m.events.length === 2, 20_000, "recovered reported");
    await sleep(300);
    expect(m.events).toEqual(["unavailable", "recovered"]);
    expect(await outcome(m.model.invoke("hi"))).toBe("ok");
    expect(crashes.errors).toEqual([]);
  });

  it("killed right as a hung Redis answers again (mid re-sync): events alternate, and the store recovers after restart", async () => {
    const provider = newProvider("good");
    const m = startMember({ url: redis.url, keyPrefix: uniquePrefix("atk2-resynckill"), provider, trip: 2, halfOpenAfter: 300 }, cleanup);
    await allReady([m]);
    redis.freeze();
    await outcome(m.model.invoke("hi"));
    await waitUntil(() => m.events.length === 1, 10_000, "the hang reported");
    redis.thaw();
    await redis.kill();
    for (let i = 0; i < 5; i++) expect(await outcome(m.model.invoke("hi"))).toBe("ok");
    await redis.restart();
    await waitUntil(() => m.store.status === "up" && m.events.at(-1) === "recovered", 20_000, "recovered after restart");
    await sleep(300);
    expect(alternates(m.events), m.events.join(",")).toBe(true);
    expect(m.events.length).toBeLessThanOrEqual(4);
    expect(crashes.errors).toEqual([]);
  });

  it("unreachable when the store is created: unavailable once while down; once Redis starts, recovered once and ready() is true", async () => {
    await redis.kill();
    const provider = newProvider("good");
    const m = startMember({ url: redis.url, keyPrefix: uniquePrefix("atk2-fromstart"), provider, trip: 2, halfOpenAfter: 300 }, cleanup);
    expect(await outcome(m.model.invoke("hi"))).toBe("ok");
    await waitUntil(() => m.events.length === 1, 10_000, "unavailable reported");
    await sleep(1_500); // several reconnect attempts fail
    expect(m.events).toEqual(["unavailable"]);
    await redis.restart();
    expect(await m.store.ready(20_000)).toBe(true);
    await waitUntil(() => m.events.length === 2, 10_000, "recovered reported");
    await sleep(300);
    expect(m.events).toEqual(["unavailable", "recovered"]);
    expect(crashes.errors).toEqual([]);
  });

  it("close() while Redis hangs settles, calls after it still answer, and nothing is left to reject", async () => {
    const provider = newProvider("good");
    const store = createRedisCircuitStore({ url: redis.url, keyPrefix: uniquePrefix("atk2-closehung") });
    const m = startMember({ url: redis.url, keyPrefix: uniquePrefix("atk2-closehung2"), provider, trip: 2, halfOpenAfter: 300 }, cleanup);
    await allReady([m]);
    expect(await store.ready(10_000)).toBe(true);
    redis.freeze();
    await outcome(m.model.invoke("hi")); // an outstanding batch
    const closed = await Promise.race([Promise.all([m.store.close(), store.close()]).then(() => "closed"), sleep(10_000).then(() => "still open")]);
    expect(closed).toBe("closed");
    expect(await outcome(m.model.invoke("hi"))).toBe("ok");
    redis.thaw();
    await sleep(500);
    expect(crashes.errors).toEqual([]);
  });
});
