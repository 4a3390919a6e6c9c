/**
 * A Redis outage under the shared circuit store: a throw-away `redis-server` on a spare port
 * (never the shared one) is killed mid-test and restarted on the same port. Real `ChatOpenAI`
 * against a loopback OpenAI-compatible server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { createRedisCircuitStore, isCircuitOpenError, withSemanticBreaker, type StoreEvent } from "../../src/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "./support/redis.js";

let server: FakeOpenAI;
let redis: ThrowawayRedis;
const mode = { bad: false };

beforeAll(async () => {
  server = await startFakeOpenAI(() => (mode.bad ? { kind: "content", content: "" } : { kind: "good" }));
  redis = await startThrowawayRedis();
});
afterAll(async () => {
  await server.close();
  await redis.kill();
});

describe("Redis circuit store: outage", () => {
  it("keeps serving on local state within the bound, reports the outage once, and re-syncs a circuit opened while Redis was away", async () => {
    const BOUND_MS = 50;
    const keyPrefix = uniquePrefix("outage");
    const store = createRedisCircuitStore({ url: redis.url, keyPrefix, timeoutMs: BOUND_MS, reconnectMaxDelayMs: 100 });
    const events: StoreEvent[] = [];
    store.onUnavailable((e) => events.push(e));
    store.onRecovered((e) => events.push(e));
    const model = withSemanticBreaker(chatOpenAI(server), { name: "llm", trip: 3, halfOpenAfter: 60_000, store });
    try {
      expect(await store.ready()).toBe(true);
      await model.invoke("q");

      await redis.kill();
      await waitUntil(() => events.length > 0, 2_000, "store-unavailable");
      // Reconnection keeps failing in the background (every ≤ 100 ms); calls go on, undelayed.
      const durations: number[] = [];
      const started = performance.now();
      while (performance.now() - started < 600) {
        const t0 = performance.now();
        await model.invoke("q");
        durations.push(performance.now() - t0);
      }
      expect(durations.length).toBeGreaterThan(5);
      expect(events.map((e) => e.type)).toEqual(["store-unavailable"]);
      expect(events[0]!.reason).toBeTruthy();
      // A call never waits on a dead Redis: each took no longer than a loopback request plus the bound.
      const sorted = [...durations].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      expect(Math.max(...durations), `median ${median.toFixed(1)} ms`).toBeLessThan(median + BOUND_MS + 100);

      // Local state decides while Redis is away: 3 bad answers open the circuit here.
      mode.bad = true;
      for (let i = 0; i < 3; i++) await expect(model.invoke("q")).rejects.toMatchObject({ code: "CALL_FAILED" });
      expect(model.breaker.status()[0]!.state).toBe("open");
      const sent = server.requests.length;
      await expect(model.invoke("q")).rejects.toSatisfy(isCircuitOpenError);
      expect(server.requests.length).toBe(sent);

      // Redis comes back empty on the same port: the circuit opened while away reaches it.
      await redis.restart();
      await waitUntil(() => events.length === 2, 5_000, "store-recovered");
      expect(events.map((e) => e.type)).toEqual(["store-unavailable", "store-recovered"]);
      const inspect = new Redis(redis.url);
      try {
        expect(await inspect.hget(`${keyPrefix}{llm}:state`, "s")).toBe("open");
        const left = Number(await inspect.hget(`${keyPrefix}{llm}:state`, "u")) - Number((await inspect.time())[0]) * 1000;
        expect(left).toBeGreaterThan(50_000); // the local cool-down's remainder, on Redis's clock
      } finally {
        inspect.disconnect();
      }
      // A newcomer on the same store refuses at once, without sending.
      const other = createRedisCircuitStore({ url: redis.url, keyPrefix, timeoutMs: BOUND_MS });
      try {
        const newcomer = withSemanticBreaker(chatOpenAI(server), { name: "llm", trip: 3, halfOpenAfter: 60_000, store: other });
        expect(await other.ready()).toBe(true);
        await waitUntil(() => newcomer.breaker.status()[0]!.state === "open", 1_000, "the newcomer adopts the fleet's open state");
        await expect(newcomer.invoke("q")).rejects.toSatisfy(isCircuitOpenError);
        expect(server.requests.length).toBe(sent);
      } finally {
        await other.close();
      }
    } finally {
      mode.bad = false;
      await store.close();
    }
  }, 30_000);

  it("a hung Redis delays the half-open probe's claim by the bound at most, then the process probes on local state", async () => {
    const BOUND_MS = 50;
    const hung = await startThrowawayRedis();
    const store = createRedisCircuitStore({ url: hung.url, keyPrefix: uniquePrefix("hung"), timeoutMs: BOUND_MS });
    const model = withSemanticBreaker(chatOpenAI(server), { name: "llm", trip: 1, halfOpenAfter: 200, store });
    try {
      expect(await store.ready()).toBe(true);
      const t0 = performance.now();
      await model.invoke("q");
      const healthyMs = performance.now() - t0;
      mode.bad = true;
      await expect(model.invoke("q")).rejects.toMatchObject({ code: "CALL_FAILED" });
      await waitUntil(() => model.breaker.status()[0]!.state === "open", 1_000, "open");
      mode.bad = false;
      hung.freeze(); // the socket stays open: only a timeout can tell
      await new Promise((r) => setTimeout(r, 250)); // cool-down over: the next call claims the probe
      const sent = server.requests.length;
      const t1 = performance.now();
      await model.invoke("q"); // the claim times out after BOUND_MS; this process probes by itself
      const probeMs = performance.now() - t1;
      expect(server.requests.length).toBe(sent + 1);
      expect(probeMs).toBeGreaterThanOrEqual(BOUND_MS - 5);
      expect(probeMs, `healthy call ${healthyMs.toFixed(1)} ms`).toBeLessThan(healthyMs + BOUND_MS + 150);
      expect(model.breaker.status()[0]!.state).toBe("closed");
    } finally {
      mode.bad = false;
      hung.thaw();
      await store.close();
      await hung.kill();
    }
  });

  it("reports an unreachable Redis once at start and serves on local state", async () => {
    const dead = await startThrowawayRedis();
    await dead.kill();
    const store = createRedisCircuitStore({ url: dead.url, keyPrefix: uniquePrefix("dead"), timeoutMs: 20, reconnectMaxDelayMs: 50 });
    const events: StoreEvent[] = [];
    store.onUnavailable((e) => events.push(e));
    try {
      const model = withSemanticBreaker(chatOpenAI(server), { name: "llm", trip: 2, store });
      expect(await store.ready(300)).toBe(false);
      for (let i = 0; i < 5; i++) await model.invoke("q");
      await new Promise((r) => setTimeout(r, 300)); // several reconnection attempts fail meanwhile
      expect(events.map((e) => e.type)).toEqual(["store-unavailable"]);
      expect(events[0]!.reason).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await store.close();
    }
  });
});
