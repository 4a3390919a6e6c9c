/** The analysis's tier step (src/topology/tier.ts). */
import { describe, expect, it } from "vitest";
import { assessTier, tierFindings, tierOf, type TierInputs } from "../../../src/topology/tier.js";
import { createTopology } from "../../../src/topology/topology.js";

function inputs(overrides: Partial<TierInputs> = {}): TierInputs {
  return {
    topology: createTopology({ edges: [["a", "b"]] }),
    rho: 0,
    relayOk: true,
    relayDepth: 2,
    relayLimit: 3,
    unguardedComponents: [],
    cyclicComponents: 0,
    ...overrides,
  };
}

describe("tier step", () => {
  it("derives the tier from ρ and the declared facts, one reason per criterion", () => {
    expect(tierOf(0)).toEqual({ tier: 0, reasons: ["acyclic, short, no declared side effects: tier 0"] });
    expect(tierOf(0, { expectedDurationSeconds: 60 }).tier).toBe(1);
    expect(tierOf(0, { externalSideEffects: true }).tier).toBe(1);
    expect(tierOf(1).tier).toBe(2);
    const high = tierOf(1, { costPerRunUsd: 2, regulated: true });
    expect(high.tier).toBe(3);
    expect(high.reasons).toHaveLength(3);
  });

  it("lists the controls of every tier up to its own", () => {
    const ids = (t: ReturnType<typeof assessTier>) => t.controls.map((c) => c.id);
    expect(ids(assessTier(inputs()))).toEqual(["tracing", "specification-audit", "relay-depth", "consistency-baseline"]);
    const three = assessTier(inputs({ rho: 1 }), { regulated: true });
    expect(three.controls.map((c) => c.tier)).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
  });

  it("takes declared facts over what the graph shows", () => {
    const tracing = (facts: { tracing?: boolean }) => assessTier(inputs(), facts).controls.find((c) => c.id === "tracing");
    expect(tracing({ tracing: true })).toMatchObject({ status: "present", evidence: "declared in facts" });
    expect(tracing({ tracing: false })).toMatchObject({ status: "missing" });
  });

  it("marks unguarded cycles missing at tier 2, and warns CONTROL_MISSING for each missing control but relay depth", () => {
    const tier = assessTier(
      inputs({ rho: 1, cyclicComponents: 1, unguardedComponents: [["a", "b"]], relayOk: false, relayDepth: "unbounded" }),
      { tracing: true, checkpointer: true, breaker: true },
    );
    const missing = tier.controls.filter((c) => c.status === "missing").map((c) => c.id);
    expect(missing).toEqual(["relay-depth", "guards-at-cycles", "fresh-context-verifier"]);
    expect(tier.controls.find((c) => c.id === "guards-at-cycles")?.evidence).toBe("cycles with no guard: {a, b}");
    expect(tierFindings(tier).map((f) => f.message.match(/"(.+?)"/)?.[1])).toEqual([
      "Guards (BICR) at the high-ρ boundaries",
      "Fresh-context verifier on multi-round discussions",
    ]);
  });
});
