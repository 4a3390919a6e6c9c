/**
 * Attacks on "Hostile or odd input" (docs/scaling.md): key prefixes of two applications that
 * overlap, provider names with braces, quotes, control characters and 20 000 characters,
 * garbage in the probe key, junk and out-of-range numbers on the channel. Real Redis
 * (127.0.0.1:6379, unique prefixes, every key deleted after each test).
 */
import { afterEach, describe, expect, it } from "vitest";
import { outcome } from "../../support/outcome.js";
import { uniquePrefix, waitUntil } from "../../support/redis.js";
import { Cleanup, inspectorFor, startFleet, type Provider } from "./support/fleet.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bad = (): Provider => ({ mode: "bad", delayMs: 0, calls: 0 });

describe("key prefixes and provider names", () => {
  // Was BROKEN (fixed): docs/scaling.md says processes share circuits "only under the same prefix"
  // and that braces in a provider name "are fine". App A (prefix "<p>app:", provider "x}:state:{y")
  // and app B (prefix "<p>app:{x}:state:", provider "y") both mapped to the key
  // "<p>app:{x}:state:{y}:state": B tripped its circuit and a fresh store of A started open. Keys
  // now percent-encode "%", "{" and "}" in the provider name (docs/scaling.md, key format).
  it("two applications whose prefixes differ never share a circuit, whatever braces the provider names hold", async () => {
    const base = uniquePrefix("atk-collide");
    const redis = inspectorFor(cleanup, [base]);
    const appB = await startFleet({ n: 1, keyPrefix: `${base}app:{x}:state:`, name: "y", provider: bad(), trip: 2 }, cleanup);
    await outcome(appB[0]!.model.invoke("hi"));
    await outcome(appB[0]!.model.invoke("hi"));
    await waitUntil(() => appB[0]!.state() === "open", 10_000, "app B's circuit opened");
    const appA = await startFleet({ n: 1, keyPrefix: `${base}app:`, name: "x}:state:{y", provider: { mode: "good", delayMs: 0, calls: 0 }, trip: 2 }, cleanup);
    expect(appA[0]!.state()).toBe("closed");
    expect(await outcome(appA[0]!.model.invoke("hi"))).toBe("ok");
    // The documented key format: the braces of the provider name are percent-encoded.
    expect(await redis.hget(`${base}app:{x}:state:{y}:state`, "s")).toBe("open");
    expect(await redis.hget(`${base}app:{x%7D:state:%7By}:state`, "s")).not.toBe("open");
  });

  it("provider names that differ only by an escape-like spelling ('a{b' and 'a%7Bb') are two circuits", async () => {
    const keyPrefix = uniquePrefix("atk-escape");
    const redis = inspectorFor(cleanup, [keyPrefix]);
    const braced = await startFleet({ n: 1, keyPrefix, name: "a{b", provider: bad(), trip: 1 }, cleanup);
    const spelled = await startFleet({ n: 1, keyPrefix, name: "a%7Bb", provider: { mode: "good", delayMs: 0, calls: 0 }, trip: 1 }, cleanup);
    await outcome(braced[0]!.model.invoke("hi"));
    await waitUntil(() => braced[0]!.state() === "open", 10_000, "'a{b' opened");
    await sleep(100); // a trip spreads in ~3 ms: room for a wrong one to arrive
    expect(spelled[0]!.state()).toBe("closed");
    expect(await outcome(spelled[0]!.model.invoke("hi"))).toBe("ok");
    expect(await redis.hget(`${keyPrefix}{a%7Bb}:state`, "s")).toBe("open");
    expect(await redis.hget(`${keyPrefix}{a%257Bb}:state`, "s")).not.toBe("open");
  });

  it("the longest allowed provider name (200 characters) with quotes, backslashes, braces, globs and non-ASCII trips across two stores", async () => {
    const keyPrefix = uniquePrefix("atk-name");
    inspectorFor(cleanup, [keyPrefix]);
    const name = `we"ird \\ {x} *?[a] ✓ 名前 ${"z".repeat(200 - 24)}`;
    const fleet = await startFleet({ n: 2, keyPrefix, name, provider: bad(), trip: 2 }, cleanup);
    await outcome(fleet[0]!.model.invoke("hi"));
    await outcome(fleet[1]!.model.invoke("hi"));
    await waitUntil(() => fleet.every((m) => m.state() === "open"), 10_000, "both stores opened");
  });

  it("a provider name with a newline and a NUL is its own circuit and still trips across two stores", async () => {
    const keyPrefix = uniquePrefix("atk-ctl");
    inspectorFor(cleanup, [keyPrefix]);
    const plain = await startFleet({ n: 1, keyPrefix, name: "p", provider: { mode: "good", delayMs: 0, calls: 0 }, trip: 2 }, cleanup);
    const fleet = await startFleet({ n: 2, keyPrefix, name: "p\n\u0000", provider: bad(), trip: 2 }, cleanup);
    await outcome(fleet[0]!.model.invoke("hi"));
    await outcome(fleet[1]!.model.invoke("hi"));
    await waitUntil(() => fleet.every((m) => m.state() === "open"), 10_000, "both stores opened");
    expect(plain[0]!.state()).toBe("closed");
  });
});

describe("garbage in the probe key", () => {
  it("a probe key holding a hash: the circuit still probes (on local state) after the cool-down, and the key is left alone", async () => {
    const keyPrefix = uniquePrefix("atk-probe-hash");
    const redis = inspectorFor(cleanup, [keyPrefix]);
    await redis.hset(`${keyPrefix}{p}:probe`, "junk", "1");
    const provider = bad();
    const fleet = await startFleet({ n: 1, keyPrefix, name: "p", provider, trip: 1, halfOpenAfter: 200 }, cleanup);
    const events: string[] = [];
    fleet[0]!.store.onUnavailable((e) => events.push(e.reason ?? ""));
    await outcome(fleet[0]!.model.invoke("hi"));
    await waitUntil(() => fleet[0]!.state() === "open", 10_000, "the circuit opened");
    provider.mode = "good";
    await waitUntil(async () => {
      await sleep(250);
      return (await outcome(fleet[0]!.model.invoke("hi"))) === "ok";
    }, 10_000, "a probe went out and closed the circuit");
    expect(await redis.type(`${keyPrefix}{p}:probe`)).toBe("hash");
    // "store-unavailable fires with the key and the fix"
    expect(events.some((r) => r.includes(`${keyPrefix}{p}:probe`) && r.includes("DEL"))).toBe(true);
  });

  // A probe lease that never expires (someone SET the key without PX, or a Redis restored from a
  // snapshot taken mid-probe): the documented lease is what lets another process probe.
  it("a probe key with no expiry does not keep the circuit from probing for ever", async () => {
    const keyPrefix = uniquePrefix("atk-probe-nottl");
    const redis = inspectorFor(cleanup, [keyPrefix]);
    await redis.set(`${keyPrefix}{p}:probe`, "zombie");
    const provider = bad();
    const fleet = await startFleet({ n: 1, keyPrefix, name: "p", provider, trip: 1, halfOpenAfter: 200, store: { probeLeaseMs: 500 } }, cleanup);
    await outcome(fleet[0]!.model.invoke("hi"));
    await waitUntil(() => fleet[0]!.state() === "open", 10_000, "the circuit opened");
    provider.mode = "good";
    await waitUntil(async () => {
      await sleep(250);
      return (await outcome(fleet[0]!.model.invoke("hi"))) === "ok";
    }, 10_000, "a probe went out and closed the circuit");
  });
});

describe("junk on the channel", () => {
  const junk = ["not json", "[1,2]", "null", '{"p":"unknown","s":"open","ms":5000,"g":9}', '{"p":"p","s":"banana","ms":5000,"g":9}', '{"p":"p","s":"open","ms":-5,"g":"x"}', '{"p":"p","s":"open","ms":"NaN","g":9}'];

  it("junk does not change a closed circuit, and a real trip still reaches it afterwards", async () => {
    const keyPrefix = uniquePrefix("atk-junk");
    const redis = inspectorFor(cleanup, [keyPrefix]);
    const fleet = await startFleet({ n: 2, keyPrefix, name: "p", provider: bad(), trip: 1 }, cleanup);
    for (const message of junk) await redis.publish(`${keyPrefix}events`, message);
    expect(fleet.map((m) => m.state())).toEqual(["closed", "closed"]);
    await outcome(fleet[1]!.model.invoke("hi"));
    await waitUntil(() => fleet[0]!.state() === "open", 10_000, "the trip of the other store reached this one");
  });

  it("a generation far beyond any real one ('g':1e300) is ignored: later real trips still reach the store", async () => {
    const keyPrefix = uniquePrefix("atk-gen");
    const redis = inspectorFor(cleanup, [keyPrefix]);
    const fleet = await startFleet({ n: 2, keyPrefix, name: "p", provider: bad(), trip: 1, halfOpenAfter: 60_000 }, cleanup);
    await redis.publish(`${keyPrefix}events`, '{"p":"p","s":"closed","ms":0,"g":1e300}');
    await outcome(fleet[1]!.model.invoke("hi"));
    await waitUntil(() => fleet[1]!.state() === "open", 10_000, "the tripping store opened");
    await waitUntil(() => fleet[0]!.state() === "open", 5_000, "the trip reached the other store");
  });
});
