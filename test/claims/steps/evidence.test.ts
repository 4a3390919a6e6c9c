import { describe, expect, it } from "vitest";
import { reduceClaims, type Claim } from "../../../src/index.js";
import { checkEvidence, liftsClaim, normalizeEvidence } from "../../../src/claims/evidence.js";

const claim = (status: Claim["status"], cited: string[] = [], ref?: string): Claim => ({
  ...reduceClaims([], [{ id: "c1", text: "t", confidence: 0.8, origin: { agent: "a", source: "model", ...(ref ? { ref } : {}) } }])[0]!,
  status,
  ...(cited.length ? { verifiedBy: { verifier: "v", at: "2026-01-01T00:00:00.000Z", reason: "r", evidence: cited, status: "red" as const } } : {}),
});

describe("evidence ids", () => {
  it("are trimmed, and a blank id is dropped (it is no evidence)", () => {
    expect(normalizeEvidence([" e1 ", "   ", "e2", ""])).toEqual(["e1", "e2"]);
    expect(normalizeEvidence(undefined)).toEqual([]);
  });
});

describe("a verdict lifts a claim", () => {
  it("to green from anything else, and red → yellow; lowering or keeping green does not", () => {
    expect(liftsClaim(claim("unverified"), "green")).toBe(true);
    expect(liftsClaim(claim("red"), "yellow")).toBe(true);
    expect(liftsClaim(claim("green"), "green")).toBe(false);
    expect(liftsClaim(claim("green"), "red")).toBe(false);
    expect(liftsClaim(claim("yellow"), "yellow")).toBe(false);
  });
});

describe("the evidence rule", () => {
  const fetched = new Set(["e1", "e2"]);
  it("accepts fetched evidence, or the claim's own origin.ref", () => {
    expect(() => checkEvidence(0, 0, "v", claim("unverified"), { status: "green", evidence: ["e1"] }, fetched)).not.toThrow();
    expect(() => checkEvidence(0, 0, "v", claim("unverified", [], "doc:1"), { status: "green", evidence: ["doc:1"] }, new Set())).not.toThrow();
  });
  it("rejects no evidence, evidence that exists nowhere, and evidence an earlier verdict already cited", () => {
    expect(() => checkEvidence(0, 0, "v", claim("red"), { status: "green", evidence: [] }, fetched)).toThrow(/evidence that exists/);
    expect(() => checkEvidence(0, 0, "v", claim("red"), { status: "green", evidence: ["e9"] }, fetched)).toThrow(/not found: \["e9"\]/);
    expect(() => checkEvidence(3, 1, "v", claim("red", ["e1"]), { status: "green", evidence: ["e1"] }, fetched)).toThrow(
      expect.objectContaining({ index: 3, field: "verdicts[1].evidence", claimId: "c1", verifier: "v" }),
    );
  });
});
