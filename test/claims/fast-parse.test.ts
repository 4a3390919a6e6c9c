/**
 * The hand-written parsers the channel tries before zod (src/claims/fast-parse.ts) never accept
 * what the schema rejects, and return exactly what the schema returns; ordinary claims and
 * verdict batches take the fast path.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CLAIM_SOURCES, ClaimInputSchema, ClaimVerdictsSchema, VERDICT_STATUSES } from "../../src/index.js";
import { fastClaimInput, fastVerdicts } from "../../src/claims/fast-parse.js";

const odd = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom("", "  ", "\n", "x"),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, 0.5, -1, 2, 1.5),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.constant(""), fc.integer()), { maxLength: 3 }),
  fc.constant({}),
);
/** Mostly a valid value, sometimes an odd one: so both paths are exercised. */
const mostly = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: odd, weight: 1 });
const probability = mostly(fc.double({ min: 0, max: 1, noNaN: true }));
const origin = fc.oneof(
  { arbitrary: odd, weight: 1 },
  { arbitrary: fc.record(
    {
      agent: mostly(fc.constantFrom("a", "researcher")),
      source: mostly(fc.constantFrom(...CLAIM_SOURCES)),
      ref: mostly(fc.constantFrom("doc:1")),
      basedOn: mostly(fc.array(fc.constantFrom("c1", "c2", ""), { maxLength: 3 })),
      at: mostly(fc.constant("2026-03-01T09:00:00.000Z")),
    },
    { requiredKeys: ["agent", "source"] },
  ), weight: 12 },
);
const alternative = fc.oneof(
  { arbitrary: fc.record({ value: mostly(fc.oneof(fc.string({ maxLength: 3 }), fc.integer())), confidence: probability }), weight: 12 },
  { arbitrary: fc.record({ value: fc.integer(), confidence: probability, extra: odd }), weight: 1 },
);
const claimLike = fc.record(
  {
    id: mostly(fc.constantFrom("c1", "")),
    text: mostly(fc.constantFrom("A statement", " ", "")),
    value: mostly(fc.oneof(fc.string({ maxLength: 3 }), fc.double(), fc.boolean(), fc.constant(null))),
    origin,
    confidence: probability,
    statedConfidence: probability,
    alternatives: mostly(fc.array(alternative, { maxLength: 2 })),
    requiresVerification: mostly(fc.boolean()),
    status: mostly(fc.constantFrom("unverified", "green")),
    taint: mostly(fc.array(fc.constantFrom("t", ""), { maxLength: 2 })),
    meta: mostly(fc.constant({ a: 1 })),
  },
  { requiredKeys: ["text", "origin", "confidence"] },
);
/** Claims as nodes write them every superstep (no `meta`, no `origin.at`): the fast path's inputs, so the property is never vacuous. */
const ordinaryClaim = fc.record(
  {
    id: fc.constantFrom("c1", "c2"),
    text: fc.constantFrom("A statement", "0.85^5 = 0.4437"),
    value: fc.oneof(fc.string({ maxLength: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
    origin: fc.record({ agent: fc.constantFrom("a", "researcher"), source: fc.constantFrom(...CLAIM_SOURCES), basedOn: fc.array(fc.constantFrom("c1", "c2"), { maxLength: 2 }) }, { requiredKeys: ["agent", "source"] }),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    alternatives: fc.array(fc.record({ value: fc.integer(), confidence: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 2 }),
  },
  { requiredKeys: ["text", "origin", "confidence"] },
);
const verdict = fc.record(
  {
    id: mostly(fc.constantFrom("c1", "")),
    status: mostly(fc.constantFrom(...VERDICT_STATUSES)),
    reason: mostly(fc.constantFrom("because", "")),
    evidence: mostly(fc.array(fc.constantFrom("e1", ""), { maxLength: 2 })),
  },
  { requiredKeys: ["id", "status", "reason"] },
);
const batchLike = fc.record(
  {
    kind: mostly(fc.constant("firebreak/verdicts")),
    verifier: mostly(fc.constantFrom("challenger", "")),
    at: mostly(fc.constantFrom("2026-03-01T09:00:00.000Z", "2026-13-01T09:00:00.000Z", "2026-03-01T09:00:00Z", "2026-02-30T09:00:00.000Z")),
    fetched: mostly(fc.array(fc.constantFrom("e1", ""), { maxLength: 2 })),
    verdicts: mostly(fc.array(verdict, { maxLength: 2 })),
    versions: mostly(fc.array(mostly(fc.nat(3)), { maxLength: 2 })),
    seal: mostly(fc.record({ k: mostly(fc.constant("k")), mac: mostly(fc.constant("m")) })),
  },
  { requiredKeys: ["kind", "verifier", "verdicts"] },
);

describe("fast parsers agree with the schemas", () => {
  it("a claim the fast parser accepts is one the schema accepts, parsed the same", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(claimLike, ordinaryClaim), (raw) => {
        const fast = fastClaimInput(raw as Record<string, unknown>);
        if (fast === undefined) return;
        accepted++;
        const parsed = ClaimInputSchema.safeParse(raw);
        expect(parsed.success).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(0); // the property was not vacuous
  });

  it("a verdict batch the fast parser accepts is one the schema accepts, parsed the same", () => {
    let accepted = 0;
    fc.assert(
      fc.property(batchLike, (raw) => {
        const fast = fastVerdicts(raw as Record<string, unknown>);
        if (fast === undefined) return;
        accepted++;
        const parsed = ClaimVerdictsSchema.safeParse(raw);
        expect(parsed.success).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(0); // the property was not vacuous
  });

  it("ordinary claims and sealed batches take the fast path", () => {
    const claim = { id: "c1", text: "A statement", value: 3, confidence: 0.8, origin: { agent: "a", source: "model", basedOn: ["c0"] }, alternatives: [{ value: 2, confidence: 0.1 }] };
    expect(fastClaimInput(claim)).toEqual(ClaimInputSchema.parse(claim));
    const batch = { kind: "firebreak/verdicts", verifier: "v", at: "2026-03-01T09:00:00.000Z", fetched: ["e1"], verdicts: [{ id: "c1", status: "green", reason: "ok", evidence: ["e1"] }], versions: [0], seal: { k: "k", mac: "m" } };
    expect(fastVerdicts(batch)).toEqual(ClaimVerdictsSchema.parse(batch));
  });
});
