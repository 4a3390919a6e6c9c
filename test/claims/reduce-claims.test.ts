import { describe, expect, it } from "vitest";
import {
  claimVerdicts,
  InvalidClaimError,
  isFirebreakError,
  reduceClaims,
  type Claim,
  type ClaimsUpdate,
} from "../../src/index.js";
import { claim, fixedClock, reviewed, T0 } from "./support/builders.js";

/** The verifier named by the update's first verdict batch: these tests preview updates as written by that verifier's node. */
function verifierOf(update: ClaimsUpdate): string | undefined {
  const items = Array.isArray(update) ? update : [update];
  return (items.find((i) => (i as { kind?: string } | null)?.kind === "firebreak/verdicts") as { verifier?: string } | undefined)?.verifier;
}

const apply = (current: readonly Claim[], update: ClaimsUpdate, options = fixedClock) => {
  const writer = verifierOf(update);
  return reduceClaims(current, update, options, writer === undefined ? {} : { writer });
};

function rejection(fn: () => unknown): InvalidClaimError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidClaimError);
    return error as InvalidClaimError;
  }
  throw new Error("expected an InvalidClaimError, nothing was thrown");
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe("reduceClaims: validation", () => {
  const base = deepFreeze(apply([], [claim("a", "The sky is blue", { id: "c1" })]));

  it("rejects an out-of-range confidence, naming the item, the field and the expected range", () => {
    const error = rejection(() => apply(base, [claim("b", "ok"), claim("b", "too sure", { confidence: 1.4 })]));
    expect(error.code).toBe("INVALID_CLAIM");
    expect(isFirebreakError(error)).toBe(true);
    expect(error.index).toBe(1);
    expect(error.field).toBe("confidence");
    expect(error.expected).toContain("<=1");
    expect(error.received).toBe("1.4");
    expect(error.message).toMatch(/item 1, field "confidence".*nothing was applied/);
  });

  it("rejects a misspelt field instead of silently dropping it", () => {
    const bad = { ...claim("b", "x"), origin: { agent: "b", source: "model", basedon: ["c1"] } };
    const error = rejection(() => apply(base, bad as never));
    expect(error.field).toBe("origin.basedon");
    expect(error.expected).toContain("no such field");
  });

  it("rejects a missing required field", () => {
    const { text: _text, ...noText } = claim("b", "x");
    const error = rejection(() => apply(base, [noText as never]));
    expect(error.field).toBe("text");
    expect(error.received).toBe("undefined");
  });

  it("rejects alternatives whose probabilities with the confidence exceed 1", () => {
    const error = rejection(() =>
      apply(base, claim("b", "answer is 4", { value: 4, confidence: 0.7, alternatives: [{ value: 5, confidence: 0.4 }] })),
    );
    expect(error.field).toBe("alternatives");
    expect(error.received).toBe("a total of 1.1");
  });

  it("refuses a claim based on an unknown id", () => {
    const error = rejection(() => apply(base, [claim("b", "x", { id: "c2", basedOn: ["c1", "ghost"] })]));
    expect(error.claimId).toBe("c2");
    expect(error.field).toBe("origin.basedOn[1]");
    expect(error.received).toBe('"ghost"');
  });

  it("accepts a claim based on one written earlier in the same update, but not later", () => {
    const ok = apply(base, [claim("b", "first", { id: "b1" }), claim("b", "second", { basedOn: ["b1"] })]);
    expect(ok.map((c) => c.id).slice(0, 2)).toEqual(["c1", "b1"]);
    const error = rejection(() => apply(base, [claim("b", "second", { basedOn: ["b1"] }), claim("b", "first", { id: "b1" })]));
    expect(error.index).toBe(0);
  });

  it("rejects an item that is not a claim object", () => {
    const error = rejection(() => apply(base, ["just prose"] as never));
    expect(error.field).toBe("(item)");
  });

  it("rejects the whole update: earlier valid items are not applied and the input is untouched", () => {
    const before = JSON.stringify(base);
    rejection(() => apply(base, [claim("b", "fine", { id: "ok" }), claim("b", "broken", { confidence: -1 })]));
    expect(JSON.stringify(base)).toBe(before);
    // The rejected id was never registered: it can still be used.
    expect(apply(base, [claim("b", "fine again", { id: "ok" })]).map((c) => c.id)).toEqual(["c1", "ok"]);
  });
});

describe("reduceClaims: what the channel fills in", () => {
  it("fills a missing id and timestamp, deterministically", () => {
    const a = apply([], [claim("a", "X is 5")]);
    const b = apply([], [claim("a", "X is 5")]);
    expect(a[0]!.id).toMatch(/^claim-0-[0-9a-z]+$/);
    expect(b[0]!.id).toBe(a[0]!.id);
    expect(a[0]!.origin.at).toBe(T0);
    expect(a[0]!.status).toBe("unverified");
    expect(a[0]!.alternatives).toEqual([]);
  });

  it("keeps a given id and timestamp", () => {
    const at = "2025-12-31T23:59:59.000Z";
    const [c] = apply([], [{ ...claim("a", "X"), id: "mine", origin: { agent: "a", source: "tool", at, basedOn: [] } }]);
    expect(c!.id).toBe("mine");
    expect(c!.origin.at).toBe(at);
  });

  it("returns the same array when nothing changes", () => {
    const base = apply([], [claim("a", "X", { id: "c1" })]);
    expect(apply(base, [])).toBe(base);
    expect(apply(base, null)).toBe(base);
    expect(apply(base, undefined)).toBe(base);
    expect(apply(base, base)).toBe(base); // a node that writes the stored claims back
    expect(apply(base, JSON.parse(JSON.stringify(base)))).toBe(base); // …or a copy of them
  });

  it("never mutates the stored claims", () => {
    const base = deepFreeze(apply([], [claim("a", "X", { id: "c1" }), claim("a", "Y", { id: "c2", basedOn: ["c1"] })]));
    const next = apply(base, [reviewed("v", [{ id: "c1", status: "red", reason: "no" }]), claim("b", "Z", { basedOn: ["c2"] })]);
    expect(next).not.toBe(base);
    expect(base).toHaveLength(2);
    expect(next[0]!.status).toBe("red");
    expect(base[0]!.status).toBe("unverified");
  });
});

describe("reduceClaims: claims are immutable and only verdicts change a status", () => {
  const base = apply([], [claim("a", "X is 5", { id: "c1" })]);

  it("rejects a new claim that sets its own status", () => {
    const error = rejection(() => apply(base, [{ ...claim("b", "Y"), status: "green" } as never]));
    expect(error.field).toBe("status");
    expect(error.expected).toContain("claimVerdicts");
  });

  it("rejects a new claim that carries a verification", () => {
    const forged = { ...claim("b", "Y"), verifiedBy: { verifier: "b", at: T0, reason: "trust me", evidence: [] } };
    expect(rejection(() => apply(base, [forged as never])).field).toBe("verifiedBy");
  });

  it("rejects a stored claim written back with an upgraded status", () => {
    const error = rejection(() => apply(base, [{ ...base[0]!, status: "green" }]));
    expect(error.claimId).toBe("c1");
    expect(error.field).toBe("status");
    expect(error.expected).toContain('"unverified" (the stored status)');
  });

  it("rejects a stored claim written back with different content", () => {
    const error = rejection(() => apply(base, [{ ...base[0]!, text: "X is 6" }]));
    expect(error.field).toBe("text");
    expect(error.message).toContain('basedOn: ["c1"]');
  });

  it("applies a verdict with the verifier, time, reason and evidence", () => {
    const [judged] = apply(base, reviewed("checker", [{ id: "c1", status: "green", reason: "matches the register", evidence: ["doc:1"] }]));
    expect(judged).toMatchObject({
      status: "green",
      requiresVerification: false,
      verifiedBy: { verifier: "checker", at: T0, reason: "matches the register", evidence: ["doc:1"] },
    });
  });

  it("rejects a verdict by the claim's own author unless self-verification is allowed", () => {
    const verdict = reviewed("a", [{ id: "c1", status: "green", reason: "I am sure" }]);
    const error = rejection(() => apply(base, verdict));
    expect(error.field).toBe("verifier");
    expect(error.expected).toContain('author "a"');
    expect(apply(base, verdict, { ...fixedClock, allowSelfVerification: true })[0]!.status).toBe("green");
  });

  it("rejects a verifier the channel does not list", () => {
    const options = { ...fixedClock, verifiers: ["challenger"] };
    const error = rejection(() => apply(base, reviewed("researcher", [{ id: "c1", status: "green", reason: "ok" }]), options));
    expect(error.field).toBe("verifier");
    expect(error.expected).toContain('"challenger"');
    expect(apply(base, reviewed("challenger", [{ id: "c1", status: "green", reason: "ok" }]), options)[0]!.status).toBe("green");
  });

  it("rejects a verdict on an unknown claim, naming the verdict", () => {
    const error = rejection(() => apply(base, [reviewed("v", [{ id: "c1", status: "green", reason: "ok" }, { id: "zz", status: "red", reason: "no" }])]));
    expect(error.field).toBe("verdicts[1].id");
    expect(error.claimId).toBe("zz");
  });

  it("rejects two verdicts on the same claim in one batch", () => {
    const error = rejection(() =>
      apply(base, reviewed("v", [{ id: "c1", status: "red", reason: "no" }, { id: "c1", status: "green", reason: "yes" }])),
    );
    expect(error.field).toBe("verdicts[1].id");
  });

  it("lifts a red claim only on a verdict citing evidence that exists and no earlier verdict cited", () => {
    const red = apply(base, claimVerdicts("v", [{ id: "c1", status: "red", reason: "contradicted", evidence: ["doc:1"] }], { fetched: ["doc:1"] }));
    // the red verdict's own evidence again
    const reused = rejection(() => apply(red, claimVerdicts("v2", [{ id: "c1", status: "green", reason: "changed my mind", evidence: ["doc:1"] }], { fetched: ["doc:1"] })));
    expect(reused.field).toBe("verdicts[0].evidence");
    expect(reused.expected).toContain("new evidence");
    expect(reused.verifier).toBe("v2");
    // evidence that exists nowhere
    const ghost = rejection(() => apply(red, claimVerdicts("v2", [{ id: "c1", status: "green", reason: "trust me", evidence: ["doc:404"] }])));
    expect(ghost.expected).toContain("not found");
    // no evidence at all, to yellow as to green
    expect(rejection(() => apply(red, claimVerdicts("v2", [{ id: "c1", status: "yellow", reason: "unsure" }]))).field).toBe("verdicts[0].evidence");
    const green = apply(red, claimVerdicts("v2", [{ id: "c1", status: "green", reason: "the 2026 filing", evidence: ["doc:1", "doc:2"] }], { fetched: ["doc:1", "doc:2"] }));
    expect(green[0]!.status).toBe("green");
    expect(green[0]!.history?.map((v) => v.status)).toEqual(["red"]);
  });

  it("holds every multi-step route to green to the same rule (red → red → green, red → yellow → green)", () => {
    const red = apply(base, claimVerdicts("v", [{ id: "c1", status: "red", reason: "contradicted", evidence: ["doc:1"] }], { fetched: ["doc:1"] }));
    const redAgain = apply(red, claimVerdicts("v", [{ id: "c1", status: "red", reason: "still" }]));
    expect(rejection(() => apply(redAgain, claimVerdicts("v2", [{ id: "c1", status: "green", reason: "ok", evidence: ["doc:1"] }], { fetched: ["doc:1"] }))).expected).toContain(
      "new evidence",
    );
    const yellow = apply(red, claimVerdicts("v2", [{ id: "c1", status: "yellow", reason: "a new source", evidence: ["doc:2"] }], { fetched: ["doc:2"] }));
    expect(yellow[0]!.status).toBe("yellow");
    expect(rejection(() => apply(yellow, claimVerdicts("v2", [{ id: "c1", status: "green", reason: "fine" }]))).field).toBe("verdicts[0].evidence");
    expect(rejection(() => apply(yellow, claimVerdicts("v2", [{ id: "c1", status: "green", reason: "fine", evidence: ["doc:2"] }], { fetched: ["doc:2"] }))).expected).toContain(
      "new evidence",
    );
    const green = apply(yellow, claimVerdicts("v3", [{ id: "c1", status: "green", reason: "the register", evidence: ["doc:3"] }], { fetched: ["doc:3"] }));
    expect(green[0]!.status).toBe("green");
  });

  it("accepts the claim's own recorded source (origin.ref) as evidence that exists", () => {
    const c1 = claim("a", "X is 5", { id: "c1", source: "document" });
    const sourced = apply([], { ...c1, origin: { ...c1.origin, ref: "doc:filing" } });
    expect(apply(sourced, claimVerdicts("v", [{ id: "c1", status: "green", reason: "as filed", evidence: ["doc:filing"] }]))[0]!.status).toBe("green");
  });

  it("writes new claims and verdicts on them in one atomic update", () => {
    const next = apply(base, [claim("b", "Y", { id: "c2" }), reviewed("v", [{ id: "c2", status: "yellow", reason: "no source" }])]);
    expect(next[1]).toMatchObject({ id: "c2", status: "yellow" });
    const error = rejection(() => apply(base, [claim("b", "Y", { id: "c2" }), reviewed("b", [{ id: "c2", status: "green", reason: "mine" }])]));
    expect(error.index).toBe(1);
  });
});

describe("reduceClaims: doubt and confidence propagate through the lineage", () => {
  it("marks a claim built on an unverified claim as requiring verification, whatever its author said", () => {
    const s = apply([], [claim("a", "X", { id: "c1" }), claim("b", "Y", { id: "c2", basedOn: ["c1"], requiresVerification: false })]);
    expect(s[0]!.requiresVerification).toBe(false);
    expect(s[1]!.requiresVerification).toBe(true);
  });

  it("keeps the author's flag for a claim built only on green claims", () => {
    const s0 = apply([], [claim("a", "X", { id: "c1" })]);
    const s1 = apply(s0, reviewed("v", [{ id: "c1", status: "green", reason: "ok" }]));
    const s2 = apply(s1, [claim("b", "Y", { id: "c2", basedOn: ["c1"] }), claim("b", "Z", { id: "c3", basedOn: ["c1"], requiresVerification: true })]);
    expect(s2[1]!.requiresVerification).toBe(false);
    expect(s2[2]!.requiresVerification).toBe(true);
  });

  it("spreads doubt through green descendants too when a green claim is later judged red: they lose green and are capped", () => {
    let s = apply([], [claim("a", "X", { id: "c1" })]);
    s = apply(s, reviewed("v", [{ id: "c1", status: "green", reason: "ok" }]));
    s = apply(s, [claim("b", "Y", { id: "c2", basedOn: ["c1"] }), claim("b", "W", { id: "c3", basedOn: ["c1"] })]);
    s = apply(s, reviewed("v", [{ id: "c3", status: "green", reason: "ok" }]));
    s = apply(s, claim("c", "Z", { id: "c4", basedOn: ["c3"] }));
    expect(s[1]!.requiresVerification).toBe(false);
    s = apply(s, reviewed("v", [{ id: "c1", status: "red", reason: "retracted", evidence: ["doc:9"] }]));
    expect(s.map((c) => [c.id, c.status, c.requiresVerification, c.confidence])).toEqual([
      ["c1", "red", true, 0.8],
      ["c2", "unverified", true, 0],
      ["c3", "unverified", true, 0],
      ["c4", "unverified", true, 0],
    ]);
    expect(s[2]!.verifiedBy?.status).toBe("green"); // the record of the lost verdict stays
    expect(s[2]!.statedConfidence).toBe(0.8);
    // a claim built later on a doubted one inherits the doubt and the cap
    const later = apply(s, claim("d", "V", { id: "c5", basedOn: ["c3"], confidence: 0.9 }));
    expect(later[4]).toMatchObject({ requiresVerification: true, confidence: 0, statedConfidence: 0.9 });
  });

  it("caps what a yellow claim's descendants may claim at 0.5 (a coin toss)", () => {
    let s = apply([], [claim("a", "X", { id: "c1", confidence: 0.9 }), claim("b", "Y", { id: "c2", basedOn: ["c1"], confidence: 0.9 })]);
    s = apply(s, reviewed("v", [{ id: "c1", status: "yellow", reason: "no source" }]));
    expect(s.map((c) => [c.status, c.confidence])).toEqual([
      ["yellow", 0.9],
      ["unverified", 0.5],
    ]);
  });

  it("clears doubt on a claim judged green, not on its descendants", () => {
    let s = apply([], [claim("a", "X", { id: "c1" }), claim("b", "Y", { id: "c2", basedOn: ["c1"] })]);
    s = apply(s, reviewed("v", [{ id: "c1", status: "green", reason: "ok" }]));
    expect(s[0]!.requiresVerification).toBe(false);
    expect(s[1]!.requiresVerification).toBe(true);
  });

  it("caps a derived claim's confidence at its least confident parent and keeps the stated value", () => {
    const s = apply([], [
      claim("a", "X", { id: "c1", confidence: 0.9 }),
      claim("a", "Y", { id: "c2", confidence: 0.6 }),
      claim("b", "X and Y", { id: "c3", basedOn: ["c1", "c2"], confidence: 0.95 }),
      claim("b", "weakly X", { id: "c4", basedOn: ["c1"], confidence: 0.3 }),
    ]);
    expect(s[2]).toMatchObject({ confidence: 0.6, statedConfidence: 0.95 });
    expect(s[3]!.confidence).toBe(0.3);
    expect(s[3]!.statedConfidence).toBeUndefined();
  });

  it("passes taint to every descendant and meta through untouched", () => {
    const s = apply([], [
      claim("a", "planted", { id: "c1", taint: ["fault-1"], meta: { trial: 3 } }),
      claim("b", "clean", { id: "c2", taint: ["fault-0"] }),
      claim("c", "mix", { id: "c3", basedOn: ["c1", "c2"] }),
      claim("d", "later", { id: "c4", basedOn: ["c3"], meta: { note: "x" } }),
    ]);
    expect(s[2]!.taint).toEqual(["fault-0", "fault-1"]);
    expect(s[3]!.taint).toEqual(["fault-0", "fault-1"]);
    expect(s[0]!.meta).toEqual({ trial: 3 });
    expect(s[2]!.meta).toBeUndefined();
    expect(s[3]!.meta).toEqual({ note: "x" });
  });
});
