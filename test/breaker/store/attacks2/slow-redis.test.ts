/**
 * Attacks on the probe claim against a slow (not hung) Redis (docs/scaling.md, "How a call
 * decides": the claim waits at most `timeoutMs`, "no answer in time → the process probes on its
 * own"): a proxy adds latency so the claim's reply comes after `timeoutMs` (100 ms) but before the
 * hang watch's 200 ms. The claim then wins the fleet's lease for a process that already probed
 * locally; no outage, so no re-sync releases it. Does the fleet still follow the probe's result,
 * or do the others stay half-open for the lease? A throw-away redis-server of this file; scripted
 * models stand in only for a provider's answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { allReady, leaseKey, newProvider, sleep, startMember, watchCrashes, type Member } from "./support/members.js";
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

async function startFleet(keyPrefix: string, provider: ReturnType<typeof newProvider>): Promise<{ fleet: Member[]; proxy: PartitionProxy }> {
  const proxy = await startProxy(redis.port);
  cleanup.add(() => proxy.close());
  const fleet = [proxy.url, redis.url, redis.url].map((url) =>
    startMember({ url, keyPrefix, provider, trip: 1, halfOpenAfter: COOL_DOWN_MS, store: { probeLeaseMs: 120_000 } }, cleanup));
  await allReady(fleet);
  await outcome(fleet[0]!.model.invoke("hi"));
  await waitUntil(() => fleet.every((m) => m.state() === "open"), 10_000, "the fleet opened");
  await sleep(COOL_DOWN_MS + 150);
  return { fleet, proxy };
}

describe("a claim answered after timeoutMs but before the hang watch", () => {
  for (const probeMs of [0, 600]) {
    it(`a good local probe (${probeMs} ms) closes every store; the late lease does not keep the others half-open`, async () => {
      const provider = newProvider("bad");
      const keyPrefix = uniquePrefix(`atk2-slow${probeMs}`);
      const { fleet, proxy } = await startFleet(keyPrefix, provider);
      provider.mode = "good";
      proxy.setLatency(70); // 140 ms round trip: over timeoutMs (100), under the hang watch (200)
      provider.hold = probeMs > 0 ? sleep(probeMs) : undefined;
      expect(await outcome(fleet[0]!.model.invoke("hi"))).toBe("ok");
      expect(fleet[0]!.store.status).toBe("up");
      await waitUntil(() => fleet.every((m) => m.state() === "closed"), 10_000, "every store closed");
      expect(await client.exists(leaseKey(keyPrefix))).toBe(0);
      proxy.setLatency(0);
      expect(await Promise.all(fleet.map((m) => outcome(m.model.invoke("hi"))))).toEqual(["ok", "ok", "ok"]);
      expect(crashes.errors).toEqual([]);
    });
  }
});
