import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { claimVerdicts, reduceClaims, type Claim, type ClaimInput } from "../../src/index.js";
import { fixedClock } from "./support/builders.js";

/**
 * Issue 12, item 3: when a claim turns red (or yellow, or loses green), every claim derived
 * from it, transitively, requires verification again, is not green, and is capped (red: 0,
 * yellow: 0.5); a claim later built on any of them inherits that. Checked over random deep and
 * wide lineages against an independent walk of `origin.basedOn`.
 */

/** A lineage: claim i's parents are picked among claims 0…i-1 (`shape` biases towards chains or fans). */
const lineageArb = fc
  .record({
    shape: fc.constantFrom("deep", "wide", "mixed"),
    size: fc.integer({ min: 2, max: 250 }),
    picks: fc.array(fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 0, maxLength: 3 }), { minLength: 250, maxLength: 250 }),
    confidences: fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 250, maxLength: 250 }),
    target: fc.double({ min: 0, max: 0.999, noNaN: true }),
    status: fc.constantFrom("red", "yellow") as fc.Arbitrary<"red" | "yellow">,
    later: fc.double({ min: 0, max: 0.999, noNaN: true }),
  })
  .map((r) => {
    const claims: ClaimInput[] = [];
    for (let i = 0; i < r.size; i++) {
      const parents = new Set<number>();
      if (i > 0) {
        if (r.shape === "deep") parents.add(i - 1);
        else if (r.shape === "wide") parents.add(Math.floor(r.picks[i]![0] ?? 0) % Math.min(i, 3));
        for (const p of r.picks[i]!) parents.add(Math.floor(p * i));
      }
      claims.push({ id: `c${i}`, text: `claim ${i}`, confidence: r.confidences[i]!, origin: { agent: "author", source: "model", basedOn: [...parents].map((p) => `c${p}`) } });
    }
    return { ...r, claims };
  });

/** Every claim reachable from `id` through children (not `id` itself), by an independent walk. */
function descendantIds(claims: readonly Claim[], id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const c of claims) for (const p of c.origin.basedOn) children.set(p, [...(children.get(p) ?? []), c.id]);
  const out = new Set<string>();
  const stack = [id];
  while (stack.length > 0) for (const child of children.get(stack.pop()!) ?? []) if (!out.has(child)) out.add(child), stack.push(child);
  return out;
}

const lends = (c: Claim) => (c.status === "red" ? 0 : c.status === "yellow" ? Math.min(c.confidence, 0.5) : c.confidence);

/** Every claim is at most as confident as what each parent lends it. */
function capsHold(claims: readonly Claim[]): boolean {
  const byId = new Map(claims.map((c) => [c.id, c]));
  return claims.every((c) => c.origin.basedOn.every((p) => c.confidence <= lends(byId.get(p)!) + 1e-12));
}

describe("doubt reaches every descendant (fast-check, deep and wide lineages)", () => {
  it("a red or yellow verdict on any claim of an all-green lineage strips green from, flags and caps every descendant, and only them", () => {
    fc.assert(
      fc.property(lineageArb, ({ claims: inputs, target, status, later }) => {
        const stored = reduceClaims([], inputs, fixedClock);
        // Every claim verified green, each on its own fetched evidence.
        const allGreen = reduceClaims(
          stored,
          claimVerdicts("v", stored.map((c) => ({ id: c.id, status: "green" as const, reason: "checked", evidence: [`e:${c.id}`] })), { fetched: stored.map((c) => `e:${c.id}`) }),
          fixedClock,
          { writer: "v" },
        );
        expect(allGreen.every((c) => c.status === "green" && !c.requiresVerification)).toBe(true);
        const judged = allGreen[Math.floor(target * allGreen.length)]!;
        const after = reduceClaims(allGreen, claimVerdicts("v", [{ id: judged.id, status, reason: "contradicted", evidence: ["e:new"] }]), fixedClock, { writer: "v" });
        const reached = descendantIds(after, judged.id);
        const cap = status === "red" ? 0 : 0.5;
        for (const c of after) {
          if (c.id === judged.id) expect(c).toMatchObject({ status, requiresVerification: true });
          else if (reached.has(c.id)) {
            expect(c.status).toBe("unverified");
            expect(c.requiresVerification).toBe(true);
            expect(c.confidence).toBeLessThanOrEqual(cap);
            expect(c.verifiedBy?.status).toBe("green"); // the lost verdict stays on record
          } else expect(c).toBe(allGreen[after.indexOf(c)]); // untouched, the same object
        }
        expect(capsHold(after)).toBe(true);
        // A claim built later on any claim of the lineage inherits the doubt and the cap.
        const base = after[Math.floor(later * after.length)]!;
        const [built] = reduceClaims(after, { id: "new", text: "built later", confidence: 1, origin: { agent: "late", source: "model", basedOn: [base.id] } }, fixedClock).slice(-1);
        const doubted = base.id === judged.id || reached.has(base.id);
        expect(built!.requiresVerification).toBe(doubted);
        expect(built!.confidence).toBeLessThanOrEqual(doubted ? cap : 1);
      }),
      { numRuns: 150 },
    );
  });

  it("a chain of 5,000 claims: a red verdict on the root reaches the last claim", () => {
    const inputs: ClaimInput[] = Array.from({ length: 5000 }, (_, i) => ({
      id: `c${i}`,
      text: `step ${i}`,
      confidence: 0.9,
      origin: { agent: "author", source: "model", basedOn: i === 0 ? [] : [`c${i - 1}`] },
    }));
    const stored = reduceClaims([], inputs, fixedClock);
    const green = reduceClaims(stored, claimVerdicts("v", stored.map((c) => ({ id: c.id, status: "green" as const, reason: "ok", evidence: [`e:${c.id}`] })), { fetched: stored.map((c) => `e:${c.id}`) }), fixedClock, { writer: "v" });
    const red = reduceClaims(green, claimVerdicts("v", [{ id: "c0", status: "red", reason: "wrong" }]), fixedClock, { writer: "v" });
    expect(red.at(-1)).toMatchObject({ status: "unverified", requiresVerification: true, confidence: 0 });
    expect(red.filter((c) => c.status === "green")).toHaveLength(0);
  });
});

/** Ids of every ancestor of `id` (through `origin.basedOn`, transitively), by an independent walk. */
function ancestorIds(byId: ReadonlyMap<string, Claim>, id: string): Set<string> {
  const out = new Set<string>();
  const stack = [...byId.get(id)!.origin.basedOn];
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (out.has(p)) continue;
    out.add(p);
    stack.push(...byId.get(p)!.origin.basedOn);
  }
  return out;
}

/** One step of a random review history: a verdict on a claim, or a new claim built on one. */
const stepArb = fc.record({
  kind: fc.constantFrom("red", "yellow", "green", "green", "build") as fc.Arbitrary<"red" | "yellow" | "green" | "build">,
  at: fc.double({ min: 0, max: 0.999, noNaN: true }),
  second: fc.double({ min: 0, max: 0.999, noNaN: true }),
  confidence: fc.double({ min: 0.05, max: 1, noNaN: true }),
});

describe("doubt is not lifted while an ancestor is red or yellow (fast-check, random review histories)", () => {
  it("after any sequence of red, yellow and green verdicts and new claims, every claim with a red or yellow ancestor requires verification and is capped", () => {
    fc.assert(
      fc.property(lineageArb, fc.array(stepArb, { minLength: 1, maxLength: 25 }), ({ claims: inputs }, steps) => {
        let state = reduceClaims([], inputs, fixedClock);
        state = reduceClaims(
          state,
          claimVerdicts("v", state.map((c) => ({ id: c.id, status: "green" as const, reason: "checked", evidence: [`e:${c.id}`] })), { fetched: state.map((c) => `e:${c.id}`) }),
          fixedClock,
          { writer: "v" },
        );
        steps.forEach((step, n) => {
          const target = state[Math.floor(step.at * state.length)]!;
          if (step.kind === "build") {
            const other = state[Math.floor(step.second * state.length)]!;
            const basedOn = [...new Set([target.id, other.id])];
            state = reduceClaims(state, { id: `late${n}`, text: `built at step ${n}`, confidence: step.confidence, origin: { agent: "late", source: "model", basedOn } }, fixedClock);
          } else {
            // Fresh evidence every time, so a lift is allowed by the evidence rule: only doubt can hold it back.
            const evidence = [`e:step${n}`];
            state = reduceClaims(state, claimVerdicts("v", [{ id: target.id, status: step.kind, reason: step.kind, evidence }], { fetched: evidence }), fixedClock, { writer: "v" });
          }
          const byId = new Map(state.map((c) => [c.id, c]));
          for (const c of state) {
            const ancestors = [...ancestorIds(byId, c.id)].map((id) => byId.get(id)!);
            const red = ancestors.some((a) => a.status === "red");
            const yellow = ancestors.some((a) => a.status === "yellow");
            if (red || yellow) {
              expect({ id: c.id, requiresVerification: c.requiresVerification }).toEqual({ id: c.id, requiresVerification: true });
              expect(c.confidence).toBeLessThanOrEqual(red ? 0 : 0.5);
            }
          }
          expect(capsHold(state)).toBe(true);
        });
      }),
      { numRuns: 120 },
    );
  });

  it("re-greening B under a red A keeps B flagged and at 0; a claim built on B later inherits it; once A and B are green again on new evidence, new claims on B are not flagged", () => {
    let s = reduceClaims([], [
      { id: "a", text: "A", confidence: 0.9, origin: { agent: "author", source: "model" } },
      { id: "b", text: "B", confidence: 0.9, origin: { agent: "author", source: "model", basedOn: ["a"] } },
    ], fixedClock);
    const judge = (id: string, status: "green" | "red", e: string) =>
      (s = reduceClaims(s, claimVerdicts("v", [{ id, status, reason: status, evidence: [e] }], { fetched: [e] }), fixedClock, { writer: "v" }));
    judge("a", "green", "e1");
    judge("b", "green", "e2");
    judge("a", "red", "e3");
    judge("b", "green", "e4");
    expect(s[1]).toMatchObject({ status: "green", requiresVerification: true, confidence: 0 });
    const onB = reduceClaims(s, { id: "h", text: "H", confidence: 0.8, origin: { agent: "late", source: "model", basedOn: ["b"] } }, fixedClock).at(-1)!;
    expect(onB).toMatchObject({ requiresVerification: true, confidence: 0 });
    judge("a", "green", "e5");
    judge("b", "green", "e6");
    expect(s[1]).toMatchObject({ status: "green", requiresVerification: false });
    const later = reduceClaims(s, { id: "k", text: "K", confidence: 0.8, origin: { agent: "late", source: "model", basedOn: ["b"] } }, fixedClock).at(-1)!;
    expect(later.requiresVerification).toBe(false);
    expect(later.confidence).toBe(0); // the cap is never lifted: B stays at 0
  });
});
