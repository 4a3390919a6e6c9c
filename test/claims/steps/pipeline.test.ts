import { describe, expect, it } from "vitest";
import { claimVerdicts, reduceClaims } from "../../../src/index.js";
import { resolveClaimsOptions } from "../../../src/claims/claims-options.js";
import { addNewClaim, checkNewClaimShape } from "../../../src/claims/new-claim.js";
import { importClaim, isHandedOn, reconcileClaim } from "../../../src/claims/hand-on.js";
import { itemsOf, stepFor } from "../../../src/claims/reduce-claims.js";
import { Transaction } from "../../../src/claims/transaction.js";

const opts = resolveClaimsOptions({});
const c1 = { id: "c1", text: "t", confidence: 0.8, origin: { agent: "a", source: "model" as const } };
const stored = reduceClaims([], [c1]);

describe("the reducer's pipeline", () => {
  it("takes an update as a list of items", () => {
    expect(itemsOf(null)).toEqual([]);
    expect(itemsOf(undefined)).toEqual([]);
    expect(itemsOf(c1)).toEqual([c1]);
    expect(itemsOf([c1, c1])).toHaveLength(2);
  });

  it("routes each item to its step", () => {
    const txn = new Transaction(stored, opts);
    expect(stepFor(txn, claimVerdicts("v", [{ id: "c1", status: "red", reason: "r" }]))).toBe("verdicts");
    expect(stepFor(txn, stored[0]!)).toBe("stored");
    expect(stepFor(txn, { ...c1, id: "c2", status: "green" })).toBe("handed-on");
    expect(stepFor(txn, { ...c1, id: "c2" })).toBe("new");
  });
});

describe("a new claim", () => {
  it("is checked (an initial status other than unverified is rejected) and appended, capped by its parents", () => {
    expect(() => checkNewClaimShape(4, { ...c1, status: "green" })).toThrow(expect.objectContaining({ index: 4, field: "status" }));
    expect(() => checkNewClaimShape(0, { ...c1, confidence: 0.8, alternatives: [{ value: "x", confidence: 0.5 }] })).toThrow(/at most 1/);
    const txn = new Transaction([{ ...stored[0]!, status: "red" }], opts);
    addNewClaim(txn, 0, { text: "child", confidence: 0.9, origin: { agent: "b", source: "model", basedOn: ["c1"] } }, undefined);
    const added = txn.commit()[1]!;
    expect(added).toMatchObject({ confidence: 0, statedConfidence: 0.9, requiresVerification: true, status: "unverified" });
    expect(added.id).toMatch(/^claim-1-/);
  });
});

describe("claims handed on", () => {
  it("carry a status or a verdict history", () => {
    expect(isHandedOn({ ...c1 })).toBe(false);
    expect(isHandedOn({ ...c1, status: "unverified" })).toBe(false);
    expect(isHandedOn({ ...c1, status: "green" })).toBe(true);
    expect(isHandedOn({ ...c1, history: [] })).toBe(true);
  });

  it("a status without any verdict is rejected; an unchanged stored claim written again changes nothing", () => {
    const txn = new Transaction([], opts);
    expect(() => importClaim(txn, 0, { ...c1, status: "green" }, "c1")).toThrow(expect.objectContaining({ field: "status" }));
    const again = new Transaction(stored, opts);
    reconcileClaim(again, 0, JSON.parse(JSON.stringify(stored[0])), stored[0]!, 0);
    expect(again.commit()).toBe(stored);
  });

  it("a stored claim written again with another text is rejected (claims are immutable)", () => {
    const txn = new Transaction(stored, opts);
    expect(() => reconcileClaim(txn, 0, { ...stored[0]!, text: "changed" }, stored[0]!, 0)).toThrow(expect.objectContaining({ field: "text" }));
  });
});
