/**
 * Attacks on the one probe and the re-sync when Redis itself loses the probe's state
 * (docs/scaling.md, "What is shared", "Re-sync rule"): Redis SIGKILLed and restarted empty while
 * a probe runs, FLUSHALL while a probe runs, and Redis SIGSTOPped/SIGCONTed again and again while
 * three stores call. A throw-away redis-server of this file; scripted models stand in only for a
 * provider's answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { allReady, leaseKey, newProvider, sleep, startMember, stateKey, watchCrashes, type Member, type Provider } from "./support/members.js";

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

async function startFleet(n: number, keyPrefix: string, provider: Provider, leaseMs = 120_000): Promise<Member[]> {
  const members = Array.from({ length: n }, () =>
    startMember({ url: redis.url, keyPrefix, provider, trip: 1, halfOpenAfter: COOL_DOWN_MS, store: { probeLeaseMs: leaseMs } }, cleanup));
  await allReady(members);
  return members;
}

/** Polls `check` for up to `ms`; the caller asserts the outcome (a clearer failure than a timeout). */
async function settle(check: () => boolean, ms: number): Promise<void> {
  await waitUntil(check, ms, "settled").catch(() => {});
}

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Opens the fleet, waits out the cool-down and starts a held probe on `fleet[0]`; resolves once it is in flight. */
async function startHeldProbe(fleet: Member[], provider: Provider) {
  await outcome(fleet[0]!.model.invoke("hi"));
  await waitUntil(() => fleet.every((m) => m.state() === "open"), 10_000, "the fleet opened");
  await sleep(COOL_DOWN_MS + 150);
  const hold = gate();
  provider.hold = hold.promise;
  const before = provider.calls;
  const probe = outcome(fleet[0]!.model.invoke("hi"));
  await waitUntil(() => provider.calls === before + 1, 10_000, "the probe reached the provider");
  await waitUntil(() => fleet.slice(1).every((m) => m.state() === "half-open"), 10_000, "the others saw the probe");
  return { probe, release: hold.open };
}

/** Calls every member but the prober twice while the probe is held; the provider count shows who got through. */
async function othersDuringProbe(fleet: Member[], provider: Provider) {
  const before = provider.calls;
  const running = Promise.all(fleet.slice(1).flatMap((m) => [0, 1].map(() => outcome(m.model.invoke("hi")))));
  await sleep(400);
  return { sent: provider.calls - before, running };
}

describe("Redis restarted empty while a probe runs", () => {
  // Was broken (fixed after this attack): 3 stores, trip 1; A's half-open probe is held; Redis is SIGKILLed and restarted empty;
  // every store reports unavailable then recovered. After the re-sync B and C (half-open, waiting
  // for A's probe) adopted the empty Redis's "closed": all 4 of their calls reached the degraded
  // provider while A's probe still ran (expected 0). The running probe did not re-take its lease,
  // and the half-open circuits were not pushed as open ("a Redis restarted empty therefore learns
  // every circuit that is open somewhere").
  it("the other stores still refuse until the running probe reports, and its good result closes the fleet", async () => {
    const provider = newProvider("bad");
    const fleet = await startFleet(3, uniquePrefix("atk2-empty"), provider);
    const { probe, release } = await startHeldProbe(fleet, provider);
    provider.mode = "good";
    await redis.kill();
    await waitUntil(() => fleet.every((m) => m.events.includes("unavailable")), 10_000, "every store saw the outage");
    await redis.restart();
    await waitUntil(() => fleet.every((m) => m.events.includes("recovered")), 20_000, "every store re-synced");
    const during = await othersDuringProbe(fleet, provider);
    release();
    expect(await probe).toBe("ok");
    await during.running;
    expect(during.sent).toBe(0); // the fleet's one probe is still the running one
    await waitUntil(() => fleet.every((m) => m.state() === "closed"), 10_000, "the good probe closed every store");
    expect(fleet.map((m) => m.events)).toEqual(Array(3).fill(["unavailable", "recovered"]));
    expect(crashes.errors).toEqual([]);
  });

  it("a bad result of the probe that outlived the restart re-opens every store; after the cool-down one probe closes them", async () => {
    const provider = newProvider("bad");
    const fleet = await startFleet(3, uniquePrefix("atk2-emptybad"), provider);
    const { probe, release } = await startHeldProbe(fleet, provider);
    await redis.kill();
    await redis.restart();
    await waitUntil(() => fleet.every((m) => m.events.includes("recovered")), 20_000, "every store re-synced");
    release();
    expect(await probe).toBe("failed");
    await waitUntil(() => fleet.every((m) => m.state() === "open"), 10_000, "the bad probe re-opened every store");
    provider.hold = undefined;
    provider.mode = "good";
    await sleep(COOL_DOWN_MS + 150);
    const before = provider.calls;
    const results = await Promise.all(fleet.flatMap((m) => [0, 1, 2].map(() => outcome(m.model.invoke("hi")))));
    expect(provider.calls - before).toBe(1);
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    await waitUntil(() => fleet.every((m) => m.state() === "closed"), 10_000, "one good probe closed every store");
    expect(crashes.errors).toEqual([]);
  });
});

describe("FLUSHALL while a probe runs", () => {
  // Was broken (fixed after this attack): FLUSHALL during A's held probe. Nobody else probed (that part holds), but A's good
  // result was written as generation 1 (`HSET … s closed … g 1`, PUBLISH {"s":"closed","g":1}): the
  // counter restarted in the emptied hash, B and C had applied a higher generation and ignored it.
  // Redis says closed, B and C stay "half-open" and refuse every call for the whole probe lease
  // (120 s here, 150 s by default); no re-sync corrects it because no connection dropped.
  it("nobody else probes while it runs; its result still reaches every store", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-flush");
    const fleet = await startFleet(3, keyPrefix, provider);
    const { probe, release } = await startHeldProbe(fleet, provider);
    provider.mode = "good";
    await client.flushall();
    const during = await othersDuringProbe(fleet, provider);
    release();
    expect(await probe).toBe("ok");
    await during.running;
    expect(during.sent).toBe(0);
    await settle(() => fleet.every((m) => m.state() === "closed"), 5_000);
    expect(fleet.map((m) => m.state())).toEqual(["closed", "closed", "closed"]);
    expect(await Promise.all(fleet.map((m) => outcome(m.model.invoke("hi"))))).toEqual(["ok", "ok", "ok"]);
    expect(await client.exists(leaseKey(keyPrefix))).toBe(0);
    expect(crashes.errors).toEqual([]);
  });

  // Was broken (fixed after this attack): same cause as above: A's bad result after FLUSHALL is announced at generation 1 and
  // ignored by B and C, which stay "half-open" (not open with a fresh cool-down) for the lease.
  it("a bad result after FLUSHALL re-opens the fleet in Redis too (a newcomer refuses)", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-flushbad");
    const fleet = await startFleet(3, keyPrefix, provider);
    const { probe, release } = await startHeldProbe(fleet, provider);
    await client.flushall();
    release();
    expect(await probe).toBe("failed");
    await waitUntil(async () => (await client.hget(stateKey(keyPrefix), "s")) === "open", 10_000, "Redis holds the open circuit");
    await settle(() => fleet.every((m) => m.state() === "open"), 5_000);
    expect(fleet.map((m) => m.state())).toEqual(["open", "open", "open"]);
    provider.hold = undefined;
    const [newcomer] = await startFleet(1, keyPrefix, provider);
    await waitUntil(() => newcomer!.state() === "open", 5_000, "the newcomer adopted the open circuit");
    expect(crashes.errors).toEqual([]);
  });
});

describe("Redis SIGSTOPped and SIGCONTed 5 times while a probe runs", () => {
  it("the prober keeps its lease through every re-sync, no other call reaches the provider, and its good result closes the fleet", async () => {
    const provider = newProvider("bad");
    const keyPrefix = uniquePrefix("atk2-flapprobe");
    const fleet = await startFleet(3, keyPrefix, provider);
    const { probe, release } = await startHeldProbe(fleet, provider);
    provider.mode = "good";
    const token = await client.get(leaseKey(keyPrefix));
    const sent = provider.calls;
    const results: string[] = [];
    for (let i = 0; i < 5; i++) {
      redis.freeze();
      for (let k = 0; k < 4; k++) {
        results.push(...(await Promise.all(fleet.slice(1).map((m) => outcome(m.model.invoke("hi"))))));
        await sleep(80);
      }
      redis.thaw();
      await waitUntil(() => fleet.every((m) => m.store.status === "up"), 10_000, `every store up after freeze ${i + 1}`);
      results.push(...(await Promise.all(fleet.slice(1).map((m) => outcome(m.model.invoke("hi"))))));
    }
    expect(await client.get(leaseKey(keyPrefix))).toBe(token);
    expect({ others: provider.calls - sent, refused: results.every((r) => r === "open") }).toEqual({ others: 0, refused: true });
    release();
    expect(await probe).toBe("ok");
    await waitUntil(() => fleet.every((m) => m.state() === "closed"), 10_000, "the good probe closed every store");
    for (const m of fleet) expect(m.events.join(",")).toMatch(/^(unavailable,recovered,?)*$/);
    expect(crashes.errors).toEqual([]);
  });
});
