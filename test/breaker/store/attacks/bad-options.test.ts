/**
 * Attacks on "Options are validated once" (docs/scaling.md): hostile options of
 * createRedisCircuitStore and trip rules a store cannot count, including on a fallback provider.
 * Each must throw `InvalidOptionsError` naming the option, before any connection or call.
 */
import { describe, expect, it } from "vitest";
import { createRedisCircuitStore, isFirebreakError, withSemanticBreaker, type CircuitStore } from "../../../../src/index.js";
import { ScriptedChatModel } from "../../../../src/testing/index.js";
import { caught } from "../../support/bad-options.js";

function expectNamed(thrown: unknown, option: RegExp) {
  expect(isFirebreakError(thrown) && thrown.code, String(thrown)).toBe("INVALID_OPTIONS");
  expect((thrown as { option?: string }).option).toMatch(option);
  expect((thrown as Error).message.length).toBeLessThan(600);
}

const url = "redis://127.0.0.1:6379";
const storeCases: [string, Record<string, unknown>, RegExp][] = [
  ["an empty prefix", { url, keyPrefix: "" }, /^keyPrefix$/],
  ["a prefix with a newline", { url, keyPrefix: "app:\n" }, /^keyPrefix$/],
  ["a prefix with NUL", { url, keyPrefix: "a\u0000b" }, /^keyPrefix$/],
  ["a 201-character prefix", { url, keyPrefix: "p".repeat(201) }, /^keyPrefix$/],
  ["a prefix that is a number", { url, keyPrefix: 7 }, /^keyPrefix$/],
  ["timeoutMs 0", { url, timeoutMs: 0 }, /^timeoutMs$/],
  ["timeoutMs 5001", { url, timeoutMs: 5_001 }, /^timeoutMs$/],
  ["timeoutMs 1.5", { url, timeoutMs: 1.5 }, /^timeoutMs$/],
  ["timeoutMs NaN", { url, timeoutMs: Number.NaN }, /^timeoutMs$/],
  ["probeLeaseMs 2^31", { url, probeLeaseMs: 2 ** 31 }, /^probeLeaseMs$/],
  ["probeLeaseMs 0", { url, probeLeaseMs: 0 }, /^probeLeaseMs$/],
  ["probeLeaseMs Infinity", { url, probeLeaseMs: Number.POSITIVE_INFINITY }, /^probeLeaseMs$/],
  ["reconnectMaxDelayMs 49", { url, reconnectMaxDelayMs: 49 }, /^reconnectMaxDelayMs$/],
  ["an http URL", { url: "http://127.0.0.1:6379" }, /^url$/],
  ["a URL with a space", { url: "redis://127.0.0.1 :6379" }, /^url$/],
  ["both url and client", { url, client: { duplicate: () => ({}) } }, /^client$/],
  ["a client without duplicate()", { client: { connect: () => {} } }, /^client$/],
  ["neither url nor client", {}, /^url$/],
  ["an unknown key", { url, keyprefix: "typo:" }, /keyprefix/],
];

describe("createRedisCircuitStore rejects hostile options, naming the option", () => {
  it.each(storeCases)("%s", (_label, options, option) => {
    expectNamed(caught(() => createRedisCircuitStore(options as never)), option);
  });
});

/** A stand-in shared store that records every provider that joined it. */
function recordingStore(): CircuitStore & { linked: string[] } {
  const linked: string[] = [];
  return {
    scope: "shared",
    linked,
    link(spec) {
      linked.push(JSON.stringify(spec));
      return { record: () => {}, claimProbe: async () => ({ granted: true }), probeDone: () => {}, dispose: () => {} } as never;
    },
  } as CircuitStore & { linked: string[] };
}

describe("trip rules a shared store cannot count are rejected at construction", () => {
  const model = () => new ScriptedChatModel({ script: ["ok"] });
  it.each([
    ["failure-rate-over-time", { kind: "failure-rate-over-time", threshold: 0.5, durationMs: 1_000 }],
    ["custom", { kind: "custom", create: () => ({}) }],
  ])("%s on the primary provider", (_label, trip) => {
    const store = recordingStore();
    expectNamed(caught(() => withSemanticBreaker(model(), { name: "p", trip: trip as never, store })), /trip\.kind$/);
    expect(store.linked).toEqual([]);
  });

  it("failure-rate-over-time on a fallback provider", () => {
    const store = recordingStore();
    const thrown = caught(() =>
      withSemanticBreaker(model(), {
        name: "p",
        trip: 3,
        store,
        fallbacks: [{ model: model(), name: "backup", trip: { kind: "failure-rate-over-time", threshold: 0.5, durationMs: 1_000 } }],
      }),
    );
    expectNamed(thrown, /trip\.kind$/);
    expect(store.linked).toEqual([]);
  });
});
