import { describe, expect, it } from "vitest";
import { claimVerdicts, reduceClaims } from "../../../src/index.js";
import { applyOnce, flagUnconfirmed, judgedPositions, parseVerdictBatch, recordVerdict } from "../../../src/claims/apply-verdicts.js";
import { resolveClaimsOptions } from "../../../src/claims/claims-options.js";
import { versionOf } from "../../../src/claims/seal.js";
import { Transaction } from "../../../src/claims/transaction.js";

const opts = resolveClaimsOptions({ verifiers: ["v"] });
const stored = reduceClaims([], [{ id: "c1", text: "t", confidence: 0.8, origin: { agent: "a", source: "model" } }]);
const batch = (status: "green" | "red", evidence: string[], fetched?: string[]) =>
  claimVerdicts("v", [{ id: "c1", status, reason: "r", evidence }], fetched === undefined ? {} : { fetched });

describe("parsing a verdict batch", () => {
  it("normalises evidence and fetched ids once (trimmed, blanks dropped)", () => {
    const parsed = parseVerdictBatch(opts, 0, batch("green", [" e1 ", "  "], [" e1", "   "]));
    expect(parsed.verdicts[0]!.evidence).toEqual(["e1"]);
    expect(parsed.fetched).toEqual(["e1"]);
  });
  it("rejects a verifier the channel does not list, and two verdicts on one claim", () => {
    expect(() => parseVerdictBatch(opts, 1, claimVerdicts("w", [{ id: "c1", status: "red", reason: "r" }]))).toThrow(expect.objectContaining({ field: "verifier", index: 1 }));
    const twice = claimVerdicts("v", [{ id: "c1", status: "red", reason: "r" }, { id: "c1", status: "red", reason: "r" }]);
    expect(() => parseVerdictBatch(opts, 0, twice)).toThrow(expect.objectContaining({ field: "verdicts[1].id" }));
  });
});

describe("the steps of applying a batch", () => {
  it("finds the judged claims, or names the unknown one", () => {
    const txn = new Transaction(stored, opts);
    expect(judgedPositions(txn, 0, parseVerdictBatch(opts, 0, batch("red", [])))).toEqual([0]);
    const unknown = parseVerdictBatch(opts, 0, claimVerdicts("v", [{ id: "zz", status: "red", reason: "r" }]));
    expect(() => judgedPositions(txn, 0, unknown)).toThrow(expect.objectContaining({ claimId: "zz", field: "verdicts[0].id" }));
  });

  it("applies a sealed batch once per update, keyed by its MAC", () => {
    const txn = new Transaction(stored, opts);
    const sealed = { ...parseVerdictBatch(opts, 0, batch("red", [])), seal: { k: "k", mac: "m1" } };
    applyOnce(txn, 0, sealed);
    expect(txn.appliedSeals.has("m1")).toBe(true);
    expect(() => applyOnce(txn, 1, sealed)).toThrow(/applies once/);
  });

  it("an unconfirmed batch flags its claims and changes no status", () => {
    const txn = new Transaction(stored, opts);
    flagUnconfirmed(txn, [0]);
    expect(txn.commit()[0]).toMatchObject({ status: "unverified", requiresVerification: true });
  });

  it("records a verdict with its task, checks the author and the evidence rule", () => {
    const txn = new Transaction(stored, opts);
    const parsed = { ...parseVerdictBatch(opts, 0, batch("green", ["e1"], ["e1"])), task: "v:1" };
    recordVerdict(txn, { index: 0, batch: parsed, j: 0, position: 0, version: versionOf(stored[0]!), sealed: false, at: "2026-01-01T00:00:00.000Z", fetched: new Set(["e1"]) });
    expect(txn.commit()[0]).toMatchObject({ status: "green", requiresVerification: false, verifiedBy: { verifier: "v", task: "v:1", evidence: ["e1"] } });
    const own = new Transaction(reduceClaims([], [{ id: "c1", text: "t", confidence: 0.8, origin: { agent: "v", source: "model" } }]), opts);
    expect(() => recordVerdict(own, { index: 0, batch: parsed, j: 0, position: 0, version: [0, null], sealed: false, at: "2026-01-01T00:00:00.000Z", fetched: new Set(["e1"]) })).toThrow(/other than the claim's author/);
    const none = { ...parsed, verdicts: [{ ...parsed.verdicts[0]!, evidence: ["e9"] }] };
    expect(() => recordVerdict(new Transaction(stored, opts), { index: 0, batch: none, j: 0, position: 0, version: [0, null], sealed: false, at: "2026-01-01T00:00:00.000Z", fetched: new Set(["e1"]) })).toThrow(/not found/);
  });
});
