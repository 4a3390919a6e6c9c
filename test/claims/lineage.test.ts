import { describe, expect, it } from "vitest";
import {
  claimsChanges,
  claimVerdicts,
  confirmingContexts,
  descendants,
  getClaim,
  InvalidClaimError,
  isDerivedFrom,
  lineage,
  reduceClaims,
} from "../../src/index.js";
import { claim, fixedClock } from "./support/builders.js";

//      r1 (researcher)     r2 (researcher, taint "planted")
//       |        \         /
//    a1 (analyst)  a2 (analyst)
//        \         /
//        w1 (writer)        r3 (researcher, based on r1)
const claims = reduceClaims(
  [],
  [
    claim("researcher", "Fact one", { id: "r1" }),
    claim("researcher", "Fact two", { id: "r2", taint: ["planted"] }),
    claim("analyst", "From one", { id: "a1", basedOn: ["r1"] }),
    claim("analyst", "From one and two", { id: "a2", basedOn: ["r1", "r2"] }),
    claim("writer", "Summary", { id: "w1", basedOn: ["a1", "a2"] }),
    claim("researcher", "Follow-up", { id: "r3", basedOn: ["r1"] }),
  ],
  fixedClock,
);
const ids = (list: readonly { id: string }[]) => list.map((c) => c.id);

describe("lineage queries", () => {
  it("finds a claim by id, on the array or on the state object", () => {
    expect(getClaim(claims, "a2")?.text).toBe("From one and two");
    expect(getClaim({ claims }, "w1")?.origin.agent).toBe("writer");
    expect(getClaim(claims, "nope")).toBeUndefined();
  });

  it("lists every ancestor once, oldest first", () => {
    expect(ids(lineage(claims, "w1"))).toEqual(["r1", "r2", "a1", "a2"]);
    expect(lineage(claims, "r1")).toEqual([]);
  });

  it("lists every descendant once, oldest first", () => {
    expect(ids(descendants(claims, "r1"))).toEqual(["a1", "a2", "w1", "r3"]);
    expect(ids(descendants({ claims }, "r2"))).toEqual(["a2", "w1"]);
  });

  it("tells whether a claim derives from one matching a predicate (e.g. a planted taint)", () => {
    const planted = (c: { taint?: string[] }) => c.taint?.includes("planted") === true;
    expect(isDerivedFrom(claims, "w1", (c) => c.id === "r2")).toBe(true);
    expect(isDerivedFrom(claims, "a1", (c) => c.id === "r2")).toBe(false);
    expect(isDerivedFrom(claims, "r2", planted)).toBe(true); // the claim itself counts
    expect(ids(claims.filter((c) => planted(c)))).toEqual(["r2", "a2", "w1"]); // taint was inherited
  });

  it("counts confirming contexts: later claims by other agents that build on a claim", () => {
    expect(confirmingContexts(claims, "r1")).toBe(3); // a1, a2, w1 — not the researcher's own r3
    expect(confirmingContexts(claims, "a1")).toBe(1);
    expect(confirmingContexts(claims, "w1")).toBe(0);
  });

  it("throws a clear error for an unknown id", () => {
    expect(() => lineage(claims, "ghost")).toThrow(InvalidClaimError);
    expect(() => descendants(claims, "ghost")).toThrow(/descendants: unknown claim.*"ghost"/);
  });

  it("answers the same on a copy restored from JSON (as after a checkpoint)", () => {
    const restored = JSON.parse(JSON.stringify(claims)) as typeof claims;
    expect(ids(lineage(restored, "w1"))).toEqual(ids(lineage(claims, "w1")));
    expect(confirmingContexts(restored, "r1")).toBe(3);
  });

  it("keeps forks of the same base apart (e.g. a previewed update that was discarded)", () => {
    const base = reduceClaims([], claim("a", "root", { id: "c1" }), fixedClock);
    const preview = reduceClaims(base, claim("b", "X", { id: "x", basedOn: ["c1"] }), fixedClock);
    const real = reduceClaims(base, [claim("c", "Y", { id: "y", basedOn: ["c1"] }), claim("b", "X", { id: "x", basedOn: ["c1"] })], fixedClock);
    expect(ids(descendants(preview, "c1"))).toEqual(["x"]);
    expect(ids(descendants(real, "c1"))).toEqual(["y", "x"]);
    expect(getClaim(preview, "y")).toBeUndefined();
    expect(getClaim(real, "x")).toBe(real[2]);
    const judged = reduceClaims(real, claimVerdicts("v", [{ id: "c1", status: "red", reason: "no" }]), fixedClock, { writer: "v" });
    expect(judged.map((c) => c.requiresVerification)).toEqual([true, true, true]);
    expect(reduceClaims(preview, claim("d", "Z", { basedOn: ["x"] }), fixedClock)).toHaveLength(3);
  });

  it("reports what an update added and which stored claims it changed", () => {
    const next = reduceClaims(
      claims,
      [claim("critic", "Doubt", { basedOn: ["w1"] }), claimVerdicts("critic", [{ id: "r2", status: "red", reason: "planted" }])],
      fixedClock,
      { writer: "critic" },
    );
    const { added, changed } = claimsChanges(claims, next);
    expect(added.map((c) => c.text)).toEqual(["Doubt"]);
    expect(changed[0]!).toMatchObject({ before: { id: "r2", status: "unverified" }, after: { id: "r2", status: "red" } });
    // the red verdict's doubt reached r2's descendants: capped at 0, still to be verified
    expect(changed.slice(1).map((c) => c.after.id)).toEqual(ids(descendants(claims, "r2")));
    expect(changed.slice(1).every((c) => c.after.confidence === 0 && c.after.requiresVerification)).toBe(true);
    expect(claimsChanges(claims, JSON.parse(JSON.stringify(claims)))).toEqual({ added: [], changed: [] });
  });
});
