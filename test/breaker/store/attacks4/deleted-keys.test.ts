/**
 * Attacks on "Keys lost while the circuit is open ... one probe goes out and its result reaches
 * everyone" and "never a wrong closed" (docs/scaling.md, "When Redis loses the circuit's keys"):
 * the state key alone, the window key alone, or all three keys are DELeted at moments of an open
 * circuit's cycle (during the cool-down, while a bad probe is held, right after a bad probe's result),
 * at a few offsets. While the provider only answers badly no store may read "closed"; then the
 * provider turns good (answers held): exactly one probe goes out, and its result closes every store.
 * A throw-away redis-server of this file. Scripted models stand in only for a provider's answers.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import { Cleanup } from "../attacks/support/fleet.js";
import { leaseKey, newProvider, sleep, stateKey, watchCrashes, type Member, type Provider } from "../attacks2/support/members.js";
import { COOL_DOWN_MS, gate, startFleet, startHeldProbe } from "../attacks3/common.js";

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

type Target = "state" | "window" | "all";
type Moment = "open" | "half-open" | "after-result";

function keysOf(target: Target, keyPrefix: string): string[] {
  const windowKey = `${keyPrefix}{p}:window`;
  if (target === "state") return [stateKey(keyPrefix)];
  if (target === "window") return [windowKey];
  return [stateKey(keyPrefix), windowKey, leaseKey(keyPrefix)];
}

/** Samples every store every 5 ms; records any "closed" reading after that store first read something else. */
function watchClosed(members: Member[]): { seen: string[]; stop(): void } {
  const seen: string[] = [];
  const armed = members.map(() => false);
  const timer = setInterval(() => members.forEach((m, i) => {
    const state = m.state();
    if (state !== "closed") armed[i] = true;
    else if (armed[i]) seen.push(`store ${i}`);
  }), 5);
  return { seen, stop: () => clearInterval(timer) };
}

/** Brings the fleet to `moment` and deletes `target` `offsetMs` into it. */
async function deleteAt(members: Member[], provider: Provider, keyPrefix: string, target: Target, moment: Moment, offsetMs: number) {
  if (moment === "open") {
    await outcome(members[0]!.model.invoke("hi"));
    await waitUntil(() => members.every((m) => m.state() === "open"), 10_000, "the fleet opened");
    await sleep(offsetMs);
    await client.del(...keysOf(target, keyPrefix));
    return;
  }
  const { probe, release } = await startHeldProbe(members, provider, 1);
  if (moment === "half-open") {
    await sleep(offsetMs);
    await client.del(...keysOf(target, keyPrefix));
    release();
    await probe;
    return;
  }
  release();
  await probe;
  await waitUntil(() => members.every((m) => m.state() === "open"), 10_000, "the bad probe re-opened the fleet");
  await sleep(offsetMs);
  await client.del(...keysOf(target, keyPrefix));
}

/** Fires one call per store every 30 ms for `ms` without waiting for them. */
async function hammer(members: Member[], ms: number): Promise<Promise<string>[]> {
  const calls: Promise<string>[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    for (const m of members) calls.push(outcome(m.model.invoke("hi")));
    await sleep(30);
  }
  return calls;
}

const cases: [Target, Moment, number][] = [];
for (const target of ["state", "window", "all"] as const) {
  for (const [moment, offset] of [["open", 120], ["half-open", 0], ["half-open", 150], ["after-result", 0], ["after-result", 150]] as const) {
    cases.push([target, moment, offset]);
  }
}

/** One cycle: DEL `target` at `moment`, bad answers for a while, then good (held) answers; what was seen. */
async function cycle(target: Target, moment: Moment, offsetMs: number) {
  const provider = newProvider("bad");
  const keyPrefix = uniquePrefix(`atk4-del-${target}-${moment}`);
  const { members } = await startFleet(redis, cleanup, keyPrefix, provider, { n: 3, leaseMs: 5_000 });
  const closed = watchClosed(members);
  await deleteAt(members, provider, keyPrefix, target, moment, offsetMs);
  await sleep(50);
  const afterDelete = `states ${members.map((m) => m.state())}, Redis ${JSON.stringify(await client.hgetall(stateKey(keyPrefix)))}`;
  const badBefore = provider.calls;
  await Promise.all(await hammer(members, COOL_DOWN_MS * 2 + 200));
  const badCalls = provider.calls - badBefore;
  closed.stop();
  const hold = gate();
  provider.hold = hold.promise;
  provider.mode = "good";
  const before = provider.calls;
  const goodCalls = await hammer(members, COOL_DOWN_MS + 1_000);
  const probes = provider.calls - before;
  hold.open();
  await Promise.all(goodCalls);
  const allClosed = await waitUntil(() => members.every((m) => m.state() === "closed"), 8_000, "every store closed").then(() => true, () => false);
  if (closed.seen.length > 0 || probes !== 1 || !allClosed) console.log(`[attacks4] DEL ${target} at ${moment}+${offsetMs}: 50 ms later ${afterDelete}; closed on bad answers ${closed.seen.length} readings, ${badCalls} bad calls sent in ${COOL_DOWN_MS * 2 + 200} ms, probes ${probes}, all closed ${allClosed}`);
  return { closedOnBadAnswers: closed.seen.length, probes, allClosed };
}

describe("keys DELeted at moments of an open circuit's cycle", () => {
  it.each(cases)("DEL %s at %s + %i ms: never closed on bad answers, then one probe closes every store", async (target, moment, offsetMs) => {
    const r = await cycle(target, moment, offsetMs);
    expect(crashes.errors).toEqual([]);
    expect(r).toEqual({ closedOnBadAnswers: 0, probes: 1, allClosed: true });
  }, 20_000);
});
