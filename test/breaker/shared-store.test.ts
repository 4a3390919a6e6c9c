/**
 * The Redis circuit store, in one process: several breakers (standing in for processes, each
 * with its own store instance and connections) on the shared Redis at 127.0.0.1:6379, under a
 * unique key prefix per test, deleted afterwards. Models are scripted in-process chat models
 * (zero latency; the fleet test with real ChatOpenAI and child processes is fleet.int.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import {
  createRedisCircuitStore,
  withSemanticBreaker,
  type RedisCircuitStore,
  type StoreEvent,
} from "../../src/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { outcome } from "./support/outcome.js";
import { SHARED_REDIS_URL, deleteUnder, inspector, keysUnder, uniquePrefix, waitUntil } from "./support/redis.js";

let redis: Redis;
const stores: RedisCircuitStore[] = [];
const prefixes: string[] = [];

beforeAll(() => {
  redis = inspector();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const p of prefixes.splice(0)) await deleteUnder(redis, p);
});
afterAll(() => redis.disconnect());

async function store(keyPrefix: string, extra: Record<string, unknown> = {}): Promise<RedisCircuitStore> {
  if (!prefixes.includes(keyPrefix)) prefixes.push(keyPrefix);
  const s = createRedisCircuitStore({ url: SHARED_REDIS_URL, keyPrefix, ...extra });
  stores.push(s);
  expect(await s.ready(5_000)).toBe(true);
  return s;
}

/** A scripted model whose answers follow a mutable mode: "good" answers, "bad" answers empty (fails nonEmpty). */
function provider() {
  const state = { mode: "good" as "good" | "bad" };
  const model = new ScriptedChatModel({ script: () => (state.mode === "good" ? "Paris is the capital of France." : "") });
  return { model, state };
}


describe("Redis circuit store (in-process fleet)", () => {
  it("two breakers on one store count bad answers together: trip 4 opens both after two bad answers each", async () => {
    const prefix = uniquePrefix("count");
    const [s1, s2] = [await store(prefix), await store(prefix)];
    const p = provider();
    const a = withSemanticBreaker(p.model, { name: "llm", trip: 4, halfOpenAfter: 60_000, store: s1 });
    const b = withSemanticBreaker(p.model, { name: "llm", trip: 4, halfOpenAfter: 60_000, store: s2 });
    p.state.mode = "bad";
    for (const m of [a, b, a]) {
      expect(await outcome(m.invoke("q"))).toBe("failed");
      await new Promise((r) => setTimeout(r, 20)); // let the batched outcome reach Redis
    }
    expect([a.breaker.status()[0]!.state, b.breaker.status()[0]!.state]).toEqual(["closed", "closed"]);
    expect(await outcome(b.invoke("q"))).toBe("failed"); // the 4th bad answer of the fleet
    await waitUntil(() => a.breaker.status()[0]!.state === "open" && b.breaker.status()[0]!.state === "open", 1_000, "both open");
    const calls = p.model.callCount;
    expect(await outcome(a.invoke("q"))).toBe("open");
    expect(await outcome(b.invoke("q"))).toBe("open");
    expect(p.model.callCount).toBe(calls);
    expect(await redis.hget(`${prefix}{llm}:state`, "s")).toBe("open");
  });

  it("counts a failure-rate rule over the fleet's last calls: trips above the share once the window holds minimumCalls", async () => {
    const prefix = uniquePrefix("rate");
    const [s1, s2] = [await store(prefix), await store(prefix)];
    const p = provider();
    const trip = { kind: "failure-rate" as const, threshold: 0.5, window: 4, minimumCalls: 4 };
    const a = withSemanticBreaker(p.model, { name: "llm", trip, halfOpenAfter: 60_000, store: s1 });
    const b = withSemanticBreaker(p.model, { name: "llm", trip, halfOpenAfter: 60_000, store: s2 });
    const step = async (m: typeof a, mode: "good" | "bad") => {
      p.state.mode = mode;
      const r = await outcome(m.invoke("q"));
      await new Promise((r) => setTimeout(r, 40)); // successes are batched for up to 20 ms
      return r;
    };
    // good, bad, good, bad: 2 of the last 4 failed — not more than half: stays closed.
    expect([await step(a, "good"), await step(b, "bad"), await step(a, "good"), await step(b, "bad")]).toEqual(["ok", "failed", "ok", "failed"]);
    expect(await redis.lrange(`${prefix}{llm}:window`, 0, -1)).toEqual(["f", "s", "f", "s"]);
    expect([a.breaker.status()[0]!.state, b.breaker.status()[0]!.state]).toEqual(["closed", "closed"]);
    // One more bad answer: the window is bad, good, bad, bad (3 of 4) — the fleet opens.
    expect(await step(a, "bad")).toBe("failed");
    await waitUntil(() => a.breaker.status()[0]!.state === "open" && b.breaker.status()[0]!.state === "open", 1_000, "both open");
  });

  it("one half-open probe across the fleet: the winner probes, the other refuses meanwhile, a good probe closes both", async () => {
    const prefix = uniquePrefix("probe");
    const [s1, s2] = [await store(prefix), await store(prefix)];
    let release: () => void = () => {};
    const gate = { hold: false };
    const sent: string[] = [];
    class Slow extends ScriptedChatModel {
      override async _generate(...args: Parameters<ScriptedChatModel["_generate"]>) {
        sent.push("call");
        if (gate.hold) await new Promise<void>((r) => (release = r));
        return super._generate(...args);
      }
    }
    const mode = { bad: true };
    const model = new Slow({ script: () => (mode.bad ? "" : "Paris is the capital of France.") });
    const opts = { name: "llm", trip: 1, halfOpenAfter: 300 };
    const a = withSemanticBreaker(model, { ...opts, store: s1 });
    const b = withSemanticBreaker(model, { ...opts, store: s2 });
    expect(await outcome(a.invoke("q"))).toBe("failed");
    await waitUntil(() => b.breaker.status()[0]!.state === "open", 1_000, "b sees the trip");
    await new Promise((r) => setTimeout(r, 350)); // cool-down over
    mode.bad = false;
    gate.hold = true;
    sent.length = 0;
    const first = a.invoke("q");
    await waitUntil(() => sent.length === 1, 1_000, "the probe reached the provider");
    // While a's probe is in flight, b refuses without sending.
    await waitUntil(() => b.breaker.status()[0]!.state === "half-open", 1_000, "b sees the probe");
    expect(await outcome(b.invoke("q"))).toBe("open");
    expect(sent).toHaveLength(1);
    gate.hold = false;
    release();
    expect(await outcome(first)).toBe("ok");
    await waitUntil(() => b.breaker.status()[0]!.state === "closed", 1_000, "b closes");
    expect(await outcome(b.invoke("q"))).toBe("ok");
  });

  it("keeps two provider names on one store apart: one tripping leaves the other closed and serving", async () => {
    const prefix = uniquePrefix("two-keys");
    const s = await store(prefix);
    const p = provider();
    const q = provider();
    const alpha = withSemanticBreaker(p.model, { name: "alpha", trip: 1, halfOpenAfter: 60_000, store: s });
    const beta = withSemanticBreaker(q.model, { name: "beta", trip: 1, halfOpenAfter: 60_000, store: s });
    p.state.mode = "bad";
    expect(await outcome(alpha.invoke("q"))).toBe("failed");
    await waitUntil(async () => (await redis.hget(`${prefix}{alpha}:state`, "s")) === "open", 1_000, "alpha open in Redis");
    expect(await outcome(beta.invoke("q"))).toBe("ok");
    await new Promise((r) => setTimeout(r, 30));
    expect(beta.breaker.status()[0]!.state).toBe("closed");
    expect(await redis.hget(`${prefix}{beta}:state`, "s")).not.toBe("open");
    expect(await outcome(alpha.invoke("q"))).toBe("open");
  });

  it("accepts a key prefix with odd characters (spaces, glob and brace characters, non-ASCII) and writes only under it", async () => {
    const prefix = `${uniquePrefix("odd")}te st*?[x]{y}ü:`;
    const [s1, s2] = [await store(prefix), await store(prefix)];
    const p = provider();
    const a = withSemanticBreaker(p.model, { name: "llm}{", trip: 1, halfOpenAfter: 60_000, store: s1 });
    const b = withSemanticBreaker(p.model, { name: "llm}{", trip: 1, halfOpenAfter: 60_000, store: s2 });
    p.state.mode = "bad";
    expect(await outcome(a.invoke("q"))).toBe("failed");
    await waitUntil(() => b.breaker.status()[0]!.state === "open", 1_000, "b sees the trip");
    const keys = await keysUnder(redis, prefix);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(prefix))).toBe(true);
  });

  it("a state key someone overwrote with a string: store-unavailable names the key and the fix, the open circuit probes on local state (never reads junk as closed), a closed one counts locally", async () => {
    const prefix = uniquePrefix("garbage");
    const s = await store(prefix);
    const events: StoreEvent[] = [];
    s.onUnavailable((e) => events.push(e));
    const p = provider();
    const q = provider();
    const open = withSemanticBreaker(p.model, { name: "opened", trip: 1, halfOpenAfter: 200, store: s });
    const closed = withSemanticBreaker(q.model, { name: "closed", trip: 2, halfOpenAfter: 60_000, store: s });
    p.state.mode = "bad";
    expect(await outcome(open.invoke("q"))).toBe("failed");
    await waitUntil(async () => (await redis.hget(`${prefix}{opened}:state`, "s")) === "open", 1_000, "opened is open");
    await redis.set(`${prefix}{opened}:state`, "banana");
    await redis.set(`${prefix}{closed}:state`, "banana");
    await new Promise((r) => setTimeout(r, 250)); // opened's cool-down is over: the next call claims the probe
    p.state.mode = "good";
    // The claim meets the garbage: the circuit decides locally (probes on its own), never reads "closed" from junk.
    expect(await outcome(open.invoke("q"))).toBe("ok");
    await waitUntil(() => events.length >= 1, 1_000, "store-unavailable");
    expect(events[0]!.type).toBe("store-unavailable");
    expect(events[0]!.reason).toContain(`${prefix}{opened}:state holds a string, not a hash`);
    expect(events[0]!.reason).toContain("DEL");
    // The other circuit's first record meets its garbage key; from then on it counts locally: trip 2 still trips.
    q.state.mode = "bad";
    expect(await outcome(closed.invoke("q"))).toBe("failed");
    await waitUntil(() => events.length >= 2, 1_000, "second store-unavailable (other key)");
    expect(await outcome(closed.invoke("q"))).toBe("failed");
    expect(await outcome(closed.invoke("q"))).toBe("failed"); // counted locally while its key is unreadable
    expect(await outcome(closed.invoke("q"))).toBe("open");
    expect(await redis.get(`${prefix}{closed}:state`)).toBe("banana"); // the store never overwrote someone's data
  });

  it("a hash with unreadable fields is reported, not read as closed: the open circuit keeps refusing", async () => {
    const prefix = uniquePrefix("fields");
    const [s1, s2] = [await store(prefix), await store(prefix)];
    const p = provider();
    const a = withSemanticBreaker(p.model, { name: "llm", trip: 1, halfOpenAfter: 60_000, store: s1 });
    p.state.mode = "bad";
    expect(await outcome(a.invoke("q"))).toBe("failed");
    await waitUntil(async () => (await redis.hget(`${prefix}{llm}:state`, "s")) === "open", 1_000, "open in Redis");
    await redis.hset(`${prefix}{llm}:state`, "s", "weird", "u", "soon");
    const events: StoreEvent[] = [];
    s2.onUnavailable((e) => events.push(e));
    // A newcomer syncs against the unreadable hash: reported, and it keeps its own (closed) local state.
    const b = withSemanticBreaker(p.model, { name: "llm", trip: 1, halfOpenAfter: 60_000, store: s2 });
    await waitUntil(() => events.length === 1, 1_000, "store-unavailable for the unreadable hash");
    expect(events[0]!.reason).toMatch(/has unreadable fields \(s=weird, u=soon/);
    expect(a.breaker.status()[0]!.state).toBe("open");
    expect(await outcome(a.invoke("q"))).toBe("open");
    expect(b.breaker.status()[0]!.state).toBe("closed");
  });

  it("ignores junk published on the store's channel", async () => {
    const prefix = uniquePrefix("junk");
    const s = await store(prefix);
    const p = provider();
    const a = withSemanticBreaker(p.model, { name: "llm", trip: 1, halfOpenAfter: 60_000, store: s });
    for (const junk of ["not json", "{}", JSON.stringify({ p: "llm", s: "open", ms: "x", g: 1e9 }), JSON.stringify({ p: "llm", s: "open", ms: -5, g: 99 }), JSON.stringify([1, 2])]) {
      await redis.publish(`${prefix}events`, junk);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(a.breaker.status()[0]!.state).toBe("closed");
    expect(await outcome(a.invoke("q"))).toBe("ok");
  });
});
