import { describe, expect, it } from "vitest";
import { reduceClaims, type Claim } from "../../../src/index.js";
import { resolveClaimsOptions } from "../../../src/claims/claims-options.js";
import { Transaction } from "../../../src/claims/transaction.js";

const opts = resolveClaimsOptions({ now: () => new Date("2026-01-01T00:00:00.000Z") });
const stored = reduceClaims([], [{ id: "a", text: "a", confidence: 0.9, origin: { agent: "x", source: "model" } }], opts);

describe("a pending update", () => {
  it("returns the stored array itself when nothing changed, and never mutates it", () => {
    const before = JSON.stringify(stored);
    const txn = new Transaction(stored, opts);
    expect(txn.commit()).toBe(stored);
    const next = new Transaction(stored, opts);
    next.set(0, { ...stored[0]!, status: "red" } as Claim);
    expect(next.commit()[0]!.status).toBe("red");
    expect(JSON.stringify(stored)).toBe(before);
  });

  it("finds appended claims by id and as children of their parents", () => {
    const txn = new Transaction(stored, opts);
    txn.append({ ...stored[0]!, id: "b", origin: { ...stored[0]!.origin, basedOn: ["a"] } });
    expect(txn.position("b")).toBe(1);
    expect(txn.children("a")).toEqual([1]);
    expect(txn.nextPosition()).toBe(2);
  });

  it("caps a new claim by its parents and rejects an unknown parent naming the field", () => {
    const txn = new Transaction([{ ...stored[0]!, status: "yellow" }], opts);
    expect(txn.lineageOf(0, "n", ["a", "a"], false, undefined)).toMatchObject({ basedOn: ["a"], cap: 0.5, doubt: true });
    expect(() => txn.lineageOf(2, "n", ["zz"], false, undefined)).toThrow(expect.objectContaining({ index: 2, field: "origin.basedOn[0]" }));
  });

  it("gives deterministic fresh ids, unique within the update, and reads the clock once", () => {
    const txn = new Transaction(stored, opts);
    const id = txn.freshId(1, "x", "t");
    expect(txn.freshId(1, "x", "t")).toBe(id);
    expect(txn.now()).toBe("2026-01-01T00:00:00.000Z");
  });
});
