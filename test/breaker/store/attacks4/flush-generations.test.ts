/**
 * Attacks on "Generations are at least Redis's clock in µs ... a state written after the keys were
 * lost is newer than anything a process saw before" (docs/scaling.md, "When Redis loses the
 * circuit's keys"): a trip recorded by one store after FLUSHALL must reach every store (also after
 * many transitions raised the generations); eight stores trip at once and probe at once (cool-down
 * 20 ms, so their transitions land within the same milliseconds), round after round with FLUSHALL
 * between some rounds: each round every store must follow the newest state, and one probe at a time.
 * A throw-away redis-server of this file. Scripted models stand in only for a provider's answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { allReady, newProvider, sleep, startMember, watchCrashes, type Member, type Provider } from "../attacks2/support/members.js";
import { gate } from "../attacks3/common.js";

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

async function fleet(keyPrefix: string, provider: Provider, halfOpenAfter: number, n: number): Promise<Member[]> {
  const members = Array.from({ length: n }, () =>
    startMember({ url: redis.url, keyPrefix, provider, trip: 1, halfOpenAfter, store: { probeLeaseMs: 10_000 } }, cleanup));
  await allReady(members);
  return members;
}

const all = (members: Member[], state: string) => () => members.every((m) => m.state() === state);

describe("a trip after FLUSHALL reaches every store", () => {
  it("4 stores, 30 trip/probe cycles first, FLUSHALL, then one store's bad answer opens all four", async () => {
    const provider = newProvider("good");
    const members = await fleet(uniquePrefix("atk4-flush-trip"), provider, 20, 4);
    for (let i = 0; i < 30; i++) {
      provider.mode = "bad";
      await outcome(members[i % 4]!.model.invoke("hi"));
      await waitUntil(all(members, "open"), 5_000, `round ${i}: every store opened`);
      await sleep(25);
      provider.mode = "good";
      await outcome(members[(i + 1) % 4]!.model.invoke("hi"));
      await waitUntil(all(members, "closed"), 5_000, `round ${i}: every store closed`);
    }
    await client.flushall();
    await sleep(50);
    provider.mode = "bad";
    await outcome(members[3]!.model.invoke("hi"));
    const opened = await waitUntil(all(members, "open"), 5_000, "every store opened after FLUSHALL").then(() => true, () => false);
    expect(crashes.errors).toEqual([]);
    expect({ opened, states: members.map((m) => m.state()) }).toEqual({ opened: true, states: ["open", "open", "open", "open"] });
  }, 40_000);
});

/** All stores call at once (2 each) with bad answers; every store must open. */
async function tripTogether(members: Member[], provider: Provider, round: number): Promise<void> {
  provider.mode = "bad";
  await Promise.all(members.flatMap((m) => [outcome(m.model.invoke("hi")), outcome(m.model.invoke("hi"))]));
  await waitUntil(all(members, "open"), 5_000, `round ${round}: every store opened`);
}

/** After the cool-down all stores call at once with good (held) answers: one probe, then every store closes. */
async function probeTogether(members: Member[], provider: Provider, round: number): Promise<number> {
  await sleep(30);
  provider.mode = "good";
  const hold = gate();
  provider.hold = hold.promise;
  const calls = members.flatMap((m) => [outcome(m.model.invoke("hi")), outcome(m.model.invoke("hi"))]);
  await sleep(100);
  const inFlight = provider.inFlight;
  provider.hold = undefined;
  hold.open();
  await Promise.all(calls);
  await waitUntil(all(members, "closed"), 5_000, `round ${round}: every store closed`);
  return inFlight;
}

describe("eight stores trip and probe within the same milliseconds", () => {
  it("30 rounds, FLUSHALL before every third and racing the trip of every third: every store follows each transition, one probe at a time", async () => {
    const provider = newProvider("good");
    const members = await fleet(uniquePrefix("atk4-same-ms"), provider, 20, 8);
    const inFlight: number[] = [];
    for (let round = 0; round < 30; round++) {
      if (round % 3 === 2) await client.flushall();
      const racing = round % 3 === 1 ? client.flushall() : undefined;
      await tripTogether(members, provider, round);
      await racing;
      inFlight.push(await probeTogether(members, provider, round));
    }
    expect(crashes.errors).toEqual([]);
    expect(inFlight).toEqual(inFlight.map(() => 1));
  }, 50_000);
});
