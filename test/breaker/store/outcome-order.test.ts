/**
 * The cause of the fleet test's flake (issue #20), pinned on the shared Redis (127.0.0.1:6379,
 * a unique key prefix per test): a process's success is batched (sent up to 20 ms later, and
 * later still when its event loop is starved), so it can reach Redis after failures that other
 * processes saw *after* it. Counted in arrival order, that late success reset the fleet's
 * `consecutive` count and the fleet never opened. Outcomes now carry their age, and Redis counts
 * them in the order they happened: a success resets only the failures that happened before it.
 *
 * Two store instances (two connections each) stand in for two processes; their links are driven
 * directly. Only `setTimeout` is faked, and only while a success waits in its batch, so the test
 * decides when it is sent; the gaps between outcomes are real time (ages are measured on the
 * monotonic clock), 150 ms, far above loopback transit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Redis } from "ioredis";
import {
  createRedisCircuitStore,
  type CircuitLink,
  type FleetState,
  type LinkListener,
  type RedisCircuitStore,
} from "../../../src/index.js";
import { SHARED_REDIS_URL, deleteUnder, inspector, uniquePrefix } from "../support/redis.js";

const realSetTimeout = globalThis.setTimeout;
const GAP_MS = 150;
let redis: Redis;
const stores: RedisCircuitStore[] = [];
const prefixes: string[] = [];

beforeAll(() => {
  redis = inspector();
});
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const p of prefixes.splice(0)) await deleteUnder(redis, p);
});
afterAll(() => redis.disconnect());

/** One "process": its own store (connections) and a link to provider `llm` with `trip` consecutive failures. */
async function member(prefix: string, trip: number): Promise<{ link: CircuitLink; seen: FleetState[] }> {
  const store = createRedisCircuitStore({ url: SHARED_REDIS_URL, keyPrefix: prefix });
  stores.push(store);
  expect(await store.ready(10_000)).toBe(true);
  const seen: FleetState[] = [];
  const listener: LinkListener = { fleet: (s) => void seen.push(s), away() {}, back: () => ({ openForMs: 0 }) };
  const link = store.link!({ provider: "llm", trip: { kind: "consecutive", threshold: trip }, coolDownMs: () => 60_000 }, listener);
  await until(async () => seen.length > 0); // the link's sync answered
  return { link, seen };
}

const sleep = (ms: number) => new Promise((r) => realSetTimeout(r, ms));

/** Polls without timers of its own (setTimeout may be faked), up to 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error("condition not met within 10 s");
    await new Promise((r) => setImmediate(r));
  }
}

const field = (prefix: string, name: string) => redis.hget(`${prefix}{llm}:state`, name);

describe("the Redis store counts outcomes in the order they happened, not the order they arrived", () => {
  it("a success that reaches Redis after later failures of another process does not reset them (trip 4 opens on the 4th)", async () => {
    const prefix = uniquePrefix("order");
    prefixes.push(prefix);
    const a = await member(prefix, 4);
    const b = await member(prefix, 4);

    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    a.link.record(false); // A's success waits in its batch (a faked 20 ms timer): a starved event loop
    await sleep(GAP_MS);
    for (let i = 1; i <= 3; i++) {
      b.link.record(true); // sent at the end of B's turn
      await until(async () => (await field(prefix, "c")) === String(i));
      await sleep(GAP_MS);
    }
    const replies = a.seen.length;
    vi.advanceTimersByTime(20); // A's success goes out now, after B's three failures
    vi.useRealTimers();
    // Once A's batch is counted, the count must still be 3: the success happened before the failures.
    await until(async () => a.seen.length > replies);
    expect(await field(prefix, "c")).toBe("3");
    b.link.record(true);
    await until(async () => (await field(prefix, "s")) === "open");
    await until(async () => b.seen.at(-1)?.state === "open"); // its own reply (or pub/sub)
    await until(async () => a.seen.at(-1)?.state === "open"); // by pub/sub
  });

  it("a success that happened after failures still resets them, even when it arrives late", async () => {
    const prefix = uniquePrefix("order");
    prefixes.push(prefix);
    const a = await member(prefix, 3);
    const b = await member(prefix, 3);

    b.link.record(true);
    b.link.record(true);
    await until(async () => (await field(prefix, "c")) === "2");
    await sleep(GAP_MS);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    a.link.record(false); // after B's two failures, sent late
    await sleep(GAP_MS);
    vi.advanceTimersByTime(20);
    vi.useRealTimers();
    await until(async () => (await field(prefix, "c")) === "0");
    b.link.record(true);
    b.link.record(true);
    await until(async () => (await field(prefix, "c")) === "2");
    expect(await field(prefix, "s")).not.toBe("open");
  });
});
