/**
 * Attacks on "When Redis loses the circuit's keys" when no probe runs (docs/scaling.md): the
 * fleet is open (cool-down 300 ms, lease 120 s) and Redis loses the circuit's keys without a
 * connection dropping (FLUSHALL, DEL of the three keys, DEL of the state key alone). After the
 * cool-down, with a good provider, a probe should close every store ("the fleet never stays
 * half-open longer than the remaining lease"; an open circuit has no lease at all). Each case
 * polls 10 s, 33 cool-downs. A throw-away redis-server of this file (never the shared 6379).
 * Scripted models stand in only for a provider's answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { allReady, newProvider, sleep, startMember, stateKey, watchCrashes, type Member } from "../attacks2/support/members.js";

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

type Loss = "flushall" | "del-keys" | "del-state" | "restart-empty";

/** Opens a 2-store fleet, applies `loss`, then calls both stores (good provider) until both serve. */
async function lossWhileOpen(loss: Loss): Promise<{ ms: number | undefined; states: string[]; providerCalls: number; firstRound: number }> {
  const provider = newProvider("bad");
  const keyPrefix = uniquePrefix(`atk3-lossopen-${loss}`);
  const members: Member[] = [0, 1].map(() =>
    startMember({ url: redis.url, keyPrefix, provider, trip: 1, halfOpenAfter: COOL_DOWN_MS, store: { probeLeaseMs: 120_000 } }, cleanup));
  await allReady(members);
  expect(await outcome(members[0]!.model.invoke("hi"))).toBe("failed");
  await waitUntil(() => members.every((m) => m.state() === "open"), 5_000, "the fleet opened");
  if (loss === "flushall") await client.flushall();
  if (loss === "del-keys") await client.del(stateKey(keyPrefix), `${keyPrefix}{p}:window`, `${keyPrefix}{p}:probe`);
  if (loss === "del-state") await client.del(stateKey(keyPrefix));
  if (loss === "restart-empty") {
    await redis.kill();
    await redis.restart();
    await waitUntil(() => members.every((m) => m.store.status === "up"), 20_000, "both stores re-synced");
  }
  provider.mode = "good";
  await sleep(COOL_DOWN_MS + 150);
  const t0 = performance.now();
  provider.maxInFlight = 0;
  // The most calls in flight at once when both stores call together after the cool-down: the one probe. (A count
  // of calls is not it: an instant probe can close the fleet before the other store's call, which then goes out.)
  let firstRound: number | undefined;
  let ms: number | undefined;
  while (ms === undefined && performance.now() - t0 < 10_000) {
    const results = await Promise.all(members.map((m) => outcome(m.model.invoke("hi"))));
    firstRound ??= provider.maxInFlight;
    if (results.every((r) => r === "ok")) ms = Math.round(performance.now() - t0);
    else await sleep(50);
  }
  const states = members.map((m) => m.state());
  console.log(`[attacks3] ${loss} while open: both served after ${ms ?? "> 10000"} ms; states ${states}; provider calls ${provider.calls}`);
  return { ms, states, providerCalls: provider.calls, firstRound: firstRound ?? 0 };
}

describe("Redis loses an open circuit's keys", () => {
  it("restart-empty: after the cool-down a good probe closes both stores", async () => {
    const { ms, states } = await lossWhileOpen("restart-empty");
    expect({ served: ms !== undefined, states }).toEqual({ served: true, states: ["closed", "closed"] });
    expect(crashes.errors).toEqual([]);
  });

  // Was broken (fixed: a claim finding no state rebuilds the circuit open, cool-down over): the fleet
  // is open, FLUSHALL / DEL of the circuit's keys / DEL of its state key alone (no connection drops):
  // both stores stayed "open" and refused every call, and no probe was ever sent.
  it.each(["flushall", "del-keys", "del-state"] as const)("%s: after the cool-down a good probe closes both stores", async (loss) => {
    const { ms, states, firstRound } = await lossWhileOpen(loss);
    expect(crashes.errors).toEqual([]);
    expect({ served: ms !== undefined, states, probes: firstRound }).toEqual({ served: true, states: ["closed", "closed"], probes: 1 });
  });
});
