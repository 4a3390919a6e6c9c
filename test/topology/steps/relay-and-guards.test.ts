/** The analysis's relay and guard steps (src/topology/guard-recommendation.ts, src/topology/relay.ts). */
import { describe, expect, it } from "vitest";
import { resolveSettings } from "../../../src/topology/analysis-settings.js";
import { solveCascade } from "../../../src/topology/cascade.js";
import { measureRelay, recommendGuards } from "../../../src/topology/guard-recommendation.js";
import { relayFindings } from "../../../src/topology/relay.js";
import { indexed } from "../support/indexed.js";

const chain = { edges: [["__start__", "a"], ["a", "b"], ["b", "c"], ["c", "d"], ["d", "__end__"]] } as const;

describe("relay step", () => {
  it("measures the longest unverified chain against the limit", () => {
    const { g } = indexed(chain);
    expect(measureRelay(g, undefined)).toMatchObject({ limit: 3, depth: 4, ok: false, path: ["a", "b", "c", "d"] });
    expect(measureRelay(g, 4)).toMatchObject({ limit: 4, ok: true });
  });

  it("calls a loop between two agents unbounded, and RELAY_UNBOUNDED an error", () => {
    const relay = measureRelay(indexed({ edges: [["a", "b"], ["b", "a"]] }).g, 3);
    expect(relay).toMatchObject({ depth: "unbounded", ok: false, unboundedCycles: [["a", "b"]] });
    expect(relayFindings(relay).map((f) => `${f.code}:${f.severity}`)).toEqual(["RELAY_UNBOUNDED:error"]);
  });

  it("reports RELAY_DEPTH_EXCEEDED with the chain as its path, and nothing within the limit", () => {
    const { g } = indexed(chain);
    expect(relayFindings(measureRelay(g, 3))).toMatchObject([{ code: "RELAY_DEPTH_EXCEEDED", path: ["a", "b", "c", "d"] }]);
    expect(relayFindings(measureRelay(g, 4))).toEqual([]);
  });
});

describe("guard step", () => {
  it("is skipped with guards: false", () => {
    const { g } = indexed(chain);
    const s = resolveSettings({});
    expect(recommendGuards(g, solveCascade(g, s), s, false, measureRelay(g, 3))).toEqual({ guards: null, findings: [] });
  });

  it("cuts an over-long chain with a guard, and the relay finding's fix then names it", () => {
    const { g } = indexed(chain);
    const s = resolveSettings({});
    const relay = measureRelay(g, 3);
    const { guards, findings } = recommendGuards(g, solveCascade(g, s), s, undefined, relay);
    expect(guards?.recommended.some((r) => r.reason === "relay")).toBe(true);
    expect(findings.map((f) => f.code)).toContain("GUARDS_RECOMMENDED");
    expect(relayFindings(relay, guards)[0]!.fix).toMatch(/^Guard \w+ \(see GUARDS_RECOMMENDED/);
  });
});
