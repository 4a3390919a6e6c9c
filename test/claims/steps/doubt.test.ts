import { describe, expect, it } from "vitest";
import { reduceClaims, type Claim } from "../../../src/index.js";
import { resolveClaimsOptions } from "../../../src/claims/claims-options.js";
import { doubtClaim, effectiveConfidence, restsOnDoubt, spreadDoubt, YELLOW_CAP } from "../../../src/claims/doubt.js";
import { Transaction } from "../../../src/claims/transaction.js";

const opts = resolveClaimsOptions({});
const origin = (basedOn: string[] = []) => ({ agent: "a", source: "model" as const, basedOn });
// a → b → c, and d alone.
const base = reduceClaims([], [
  { id: "a", text: "a", confidence: 0.9, origin: origin() },
  { id: "b", text: "b", confidence: 0.8, origin: origin(["a"]) },
  { id: "c", text: "c", confidence: 0.7, origin: origin(["b"]) },
  { id: "d", text: "d", confidence: 0.6, origin: origin() },
]);
const withStatus = (claims: Claim[], id: string, status: Claim["status"]) => claims.map((c) => (c.id === id ? { ...c, status } : c));

describe("what a claim lends its descendants", () => {
  it("is 0 when red, at most YELLOW_CAP when yellow, else its confidence", () => {
    expect(effectiveConfidence({ ...base[0]!, status: "red" })).toBe(0);
    expect(effectiveConfidence({ ...base[0]!, status: "yellow" })).toBe(YELLOW_CAP);
    expect(effectiveConfidence({ ...base[0]!, status: "green" })).toBe(0.9);
  });
});

describe("spreading doubt", () => {
  it("reaches every descendant, however deep, and caps it; an unrelated claim is untouched", () => {
    const txn = new Transaction(withStatus(base, "a", "red"), opts);
    spreadDoubt(txn, 0);
    const next = txn.commit();
    expect(next.map((c) => [c.id, c.requiresVerification, c.confidence])).toEqual([
      ["a", false, 0.9],
      ["b", true, 0],
      ["c", true, 0],
      ["d", false, 0.6],
    ]);
  });

  it("doubting a green claim makes it unverified and flags what rests on it", () => {
    const txn = new Transaction(withStatus(withStatus(base, "b", "green"), "c", "green"), opts);
    doubtClaim(txn, 1, 0.5);
    const next = txn.commit();
    expect(next[1]).toMatchObject({ status: "unverified", requiresVerification: true, confidence: 0.5, statedConfidence: 0.8 });
    expect(next[2]).toMatchObject({ status: "unverified", requiresVerification: true, confidence: 0.5 });
  });

  it("a claim rests on doubt only while a flagged ancestor at or below the cap is red or yellow", () => {
    const red = new Transaction(withStatus(base, "a", "red"), opts);
    spreadDoubt(red, 0);
    const after = red.commit();
    expect(restsOnDoubt(new Transaction(after, opts), after[2]!)).toBe(true);
    expect(restsOnDoubt(new Transaction(base, opts), base[2]!)).toBe(false);
  });
});
