/**
 * Bad options of `createRedisCircuitStore`, and of `withSemanticBreaker` with a store: each
 * throws `INVALID_OPTIONS` at construction, naming the option and what is allowed, before any
 * connection is opened or request sent.
 */
import { describe, expect, it } from "vitest";
import { createRedisCircuitStore, localCircuitStore, withSemanticBreaker, type CircuitStore } from "../../src/index.js";
import { expectRejected, type BadOptionsCase } from "./support/bad-options.js";
import { ScriptedChatModel } from "../../src/testing/index.js";

const model = new ScriptedChatModel({ script: ["Paris is the capital of France."] });
const url = "redis://127.0.0.1:6379";
/** A shared store that never connects (its link is never used: construction fails first). */
const fakeShared: CircuitStore = { scope: "shared", link: () => { throw new Error("must not link"); } };

const cases: BadOptionsCase[] = [
  ["no url nor client", () => createRedisCircuitStore({}), "url", /url .* or client/],
  ["both url and client", () => createRedisCircuitStore({ url, client: { duplicate: () => ({}) } }), "client", "either url or client, not both"],
  ["http url", () => createRedisCircuitStore({ url: "http://127.0.0.1:6379" }), "url", /redis:\/\/ or rediss:\/\//],
  ["url with spaces", () => createRedisCircuitStore({ url: "redis://a b" }), "url", /Redis URL/],
  ["client without duplicate()", () => createRedisCircuitStore({ client: {} as never }), "client", /ioredis client/],
  ["empty prefix", () => createRedisCircuitStore({ url, keyPrefix: "" }), "keyPrefix", /non-empty/],
  ["prefix with a newline", () => createRedisCircuitStore({ url, keyPrefix: "app\nx:" }), "keyPrefix", /control characters/],
  ["prefix too long", () => createRedisCircuitStore({ url, keyPrefix: "p".repeat(201) }), "keyPrefix", /at most 200/],
  ["timeoutMs 0", () => createRedisCircuitStore({ url, timeoutMs: 0 }), "timeoutMs", "an integer from 1 to 5000"],
  ["timeoutMs NaN", () => createRedisCircuitStore({ url, timeoutMs: Number.NaN }), "timeoutMs", "an integer from 1 to 5000"],
  ["timeoutMs a minute", () => createRedisCircuitStore({ url, timeoutMs: 60_000 }), "timeoutMs", "an integer from 1 to 5000"],
  ["probeLeaseMs beyond Node's timers", () => createRedisCircuitStore({ url, probeLeaseMs: 2 ** 31 }), "probeLeaseMs", /2\^31−1/],
  ["unknown key", () => createRedisCircuitStore({ url, prefix: "x" } as never), "prefix", /keyPrefix/],
  ["store not a store", () => withSemanticBreaker(model, { store: {} as never }), "store", /createRedisCircuitStore/],
  [
    "a time-window rule with a shared store",
    () => withSemanticBreaker(model, { store: fakeShared, trip: { kind: "failure-rate-over-time", threshold: 0.5, durationMs: 1_000 } }),
    "trip.kind",
    /"consecutive" or "failure-rate" with a shared store/,
  ],
  [
    "a custom rule on a fallback with a shared store",
    () => withSemanticBreaker(model, { store: fakeShared, fallbacks: [{ model, name: "b", trip: { kind: "custom", create: () => ({ state: 0, success() {}, failure: () => false }) } }] }),
    "fallbacks[0].trip.kind",
    /shared store/,
  ],
];

describe("createRedisCircuitStore options", () => {
  it.each(cases)("rejects %s", (...c) => expectRejected(c, () => model.callCount));

  it("the local store is the default and takes any trip rule", async () => {
    const m = withSemanticBreaker(model, { store: localCircuitStore, trip: { kind: "failure-rate-over-time", threshold: 0.5, durationMs: 1_000 } });
    await expect(m.invoke("q")).resolves.toBeDefined();
  });
});
