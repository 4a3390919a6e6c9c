/**
 * The review policy's red flags (issue 18): "repeats a red claim" compares normalised text and
 * can now match, because the guard hands it the red ledger as red claims; "built on a red
 * claim" matches a ledger id too. (Graph-level: test/guard/red-ledger.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { selectForReview, type KnownClaim, type PolicyContext } from "../../nodes/index.js";

const LEDGER: KnownClaim[] = [{ id: "c-red", text: "The Eiffel Tower stands in Rome", status: "red" }];
const low = (known: readonly KnownClaim[]): PolicyContext => ({ policy: "low", hub: false, confidenceFloor: 0.8, known });
const ids = (claims: Array<{ id: string }>) => claims.map((c) => c.id);

describe("the low policy's red flags", () => {
  it.each([
    ["the same text", "The Eiffel Tower stands in Rome"],
    ["another case", "THE EIFFEL TOWER STANDS IN ROME"],
    ["other spacing", "  The Eiffel   Tower stands\tin Rome "],
    ["a final full stop", "The Eiffel Tower stands in Rome."],
    ["a zero-width joiner", "The Eiffel\u200d Tower stands in Rome"],
    ["full-width letters (NFKC)", "The Eiffel Tower stands in Ｒｏｍｅ"],
  ])("selects a claim repeating a red claim with %s", (_label, text) => {
    expect(ids(selectForReview([{ id: "x", text, confidence: 0.99 }], low(LEDGER)))).toEqual(["x"]);
  });

  it("does not select a different statement, nor anything when nothing is red", () => {
    expect(ids(selectForReview([{ id: "x", text: "The Eiffel Tower stands in Paris", confidence: 0.99 }], low(LEDGER)))).toEqual([]);
    expect(ids(selectForReview([{ id: "x", text: "The Eiffel Tower stands in Rome", confidence: 0.99 }], low([])))).toEqual([]);
    const green: KnownClaim[] = [{ ...LEDGER[0]!, status: "green" }];
    expect(ids(selectForReview([{ id: "x", text: "The Eiffel Tower stands in Rome", confidence: 0.99 }], low(green)))).toEqual([]);
  });

  it("selects a claim built on a red claim that never reached the channel (a ledger id)", () => {
    expect(ids(selectForReview([{ id: "x", text: "So visitors go to Italy", confidence: 0.99, basedOn: ["c-red"] }], low(LEDGER)))).toEqual(["x"]);
  });

  it("under balanced at a non-hub, a confident repeat of a red claim is selected too", () => {
    const ctx: PolicyContext = { policy: "balanced", hub: false, confidenceFloor: 0.8, known: LEDGER };
    const claims = [
      { id: "repeat", text: "the eiffel tower stands in rome.", confidence: 0.99 },
      { id: "plain", text: "Tickets cost money", confidence: 0.99 },
    ];
    expect(ids(selectForReview(claims, ctx))).toEqual(["repeat"]);
  });
});
