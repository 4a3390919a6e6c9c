/**
 * Attacks on "When Redis is unreachable" (docs/scaling.md): a throw-away redis-server SIGSTOPped
 * and SIGCONTed again and again (a flapping, hung Redis) and SIGKILLed at odd moments while three
 * stores call without pause and probes run. Promises: no call fails because of Redis, no
 * unhandled rejection, `store-unavailable` once per outage and `store-recovered` after it, and
 * once Redis stays up the fleet converges (no store half-open for the 120 s lease).
 * Scripted models stand in only for a provider's answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { allReady, leaseKey, newProvider, sleep, startMember, watchCrashes, type Member, type Provider } from "./support/members.js";

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

/**
 * Each member calls in a loop (one call at a time, its own provider) until `stop`. A good answer
 * must end "ok" or "open" (refused); "failed" on a good answer means Redis failed the call.
 */
function callLoops(fleet: Member[], providers: Provider[]) {
  let stopped = false;
  const failedGood: string[] = [];
  const loops = fleet.map(async (m, i) => {
    while (!stopped) {
      const mode = Math.random() < 0.6 ? "bad" : "good";
      providers[i]!.mode = mode;
      const result = await outcome(m.model.invoke("hi"));
      if (mode === "good" && result === "failed") failedGood.push(`member ${i}`);
      await sleep(15);
    }
  });
  return {
    failedGood,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Three members on one prefix, each over its own provider. */
async function startFleet(keyPrefix: string): Promise<{ fleet: Member[]; providers: Provider[] }> {
  const providers = [0, 1, 2].map(() => newProvider("bad"));
  const fleet = providers.map((provider) =>
    startMember({ url: redis.url, keyPrefix, provider, trip: 2, halfOpenAfter: 150, store: { probeLeaseMs: 120_000 } }, cleanup));
  await allReady(fleet);
  return { fleet, providers };
}

/** The events of one store alternate unavailable/recovered, one of each per outage, ending recovered. */
function alternates(events: string[]): boolean {
  return events.length % 2 === 0 && events.every((e, i) => e === (i % 2 === 0 ? "unavailable" : "recovered"));
}

async function converges(fleet: Member[], providers: Provider[], keyPrefix: string): Promise<void> {
  for (const p of providers) p.mode = "good";
  await waitUntil(() => fleet.every((m) => m.store.status === "up"), 20_000, "every store up");
  await waitUntil(async () => {
    await sleep(100);
    const results = await Promise.all(fleet.map((m) => outcome(m.model.invoke("hi"))));
    return results.every((r) => r === "ok");
  }, 15_000, "every store calls the provider again (not half-open for the lease)");
  expect(await client.exists(leaseKey(keyPrefix))).toBe(0);
}

describe("a flapping Redis while calls and probes run", () => {
  it("8 SIGSTOP/SIGCONT cycles: no call fails for Redis, events alternate once per outage, the fleet converges after", async () => {
    const keyPrefix = uniquePrefix("atk2-flap");
    const { fleet, providers } = await startFleet(keyPrefix);
    const loops = callLoops(fleet, providers);
    for (let i = 0; i < 8; i++) {
      redis.freeze();
      await sleep(250 + Math.floor(Math.random() * 300));
      redis.thaw();
      await sleep(150 + Math.floor(Math.random() * 400));
    }
    await loops.stop();
    expect(loops.failedGood).toEqual([]);
    await converges(fleet, providers, keyPrefix);
    await sleep(300);
    for (const m of fleet) {
      expect(alternates(m.events), m.events.join(",")).toBe(true);
      expect(m.events.filter((e) => e === "unavailable").length).toBeLessThanOrEqual(8);
    }
    expect(crashes.errors).toEqual([]);
  });

  it("SIGKILL and restart at random moments (4 times, once while frozen): no crash, events alternate, the fleet converges", async () => {
    const keyPrefix = uniquePrefix("atk2-killflap");
    const { fleet, providers } = await startFleet(keyPrefix);
    const loops = callLoops(fleet, providers);
    for (let i = 0; i < 4; i++) {
      await sleep(100 + Math.floor(Math.random() * 300));
      if (i === 2) {
        redis.freeze();
        await sleep(300);
      }
      await redis.kill();
      await sleep(Math.floor(Math.random() * 300));
      await redis.restart();
    }
    await loops.stop();
    expect(loops.failedGood).toEqual([]);
    await converges(fleet, providers, keyPrefix);
    await sleep(300);
    for (const m of fleet) expect(alternates(m.events), m.events.join(",")).toBe(true);
    expect(crashes.errors).toEqual([]);
  });
});
