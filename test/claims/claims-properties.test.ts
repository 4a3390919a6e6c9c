import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  claimVerdicts,
  ClaimsStateSchema,
  descendants,
  InvalidClaimError,
  lineage,
  reduceClaims,
  type Claim,
  type ClaimsUpdate,
  type ClaimsUpdateItem,
} from "../../src/index.js";
import { fixedClock } from "./support/builders.js";

const AGENTS = ["a", "b", "c", "d"] as const;
const VERIFIERS = ["v1", "v2", "a"] as const;
const EVIDENCE = ["e1", "e2", "e3", "e4"] as const;

/** A claim recipe: parents are picked among the ids that exist when it is applied. */
const claimRecipe = fc.record({
  agent: fc.constantFrom(...AGENTS),
  parents: fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { maxLength: 3 }),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  requiresVerification: fc.boolean(),
  taint: fc.option(fc.constantFrom("t1", "t2"), { nil: undefined }),
});
type ClaimRecipe = typeof claimRecipe extends fc.Arbitrary<infer T> ? T : never;

const verdictRecipe = fc.record({
  verifier: fc.constantFrom(...VERIFIERS),
  targets: fc.array(
    fc.record({
      pick: fc.double({ min: 0, max: 0.999, noNaN: true }),
      status: fc.constantFrom("green", "yellow", "red") as fc.Arbitrary<"green" | "yellow" | "red">,
      evidence: fc.subarray([...EVIDENCE]),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** An operation: add claims, judge claims, or try to forge a status without a verdict. */
const operation = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("add" as const), claims: fc.array(claimRecipe, { minLength: 1, maxLength: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("verdicts" as const), batch: verdictRecipe }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("forge" as const),
      pick: fc.double({ min: 0, max: 0.999, noNaN: true }),
      status: fc.constantFrom("green", "yellow", "red"),
      asNew: fc.boolean(),
    }),
  },
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

let counter = 0;
function buildClaim(r: ClaimRecipe, ids: readonly string[]): ClaimsUpdateItem {
  const basedOn = ids.length === 0 ? [] : [...new Set(r.parents.map((p) => ids[Math.floor(p * ids.length)]!))];
  return {
    id: `p${counter++}`,
    text: `statement ${counter}`,
    origin: { agent: r.agent, source: "model", basedOn },
    confidence: r.confidence,
    requiresVerification: r.requiresVerification,
    ...(r.taint === undefined ? {} : { taint: [r.taint] }),
  };
}

/** Turns an operation into an update against `state`, or `undefined` when it cannot apply. */
function buildUpdate(op: Operation, state: readonly Claim[]): ClaimsUpdate | undefined {
  const ids = state.map((c) => c.id);
  if (op.kind === "add") {
    const items: ClaimsUpdateItem[] = [];
    const known = [...ids];
    for (const r of op.claims) {
      const item = buildClaim(r, known) as { id: string };
      items.push(item as ClaimsUpdateItem);
      known.push(item.id);
    }
    return items;
  }
  if (ids.length === 0) return undefined;
  if (op.kind === "verdicts") {
    return claimVerdicts(
      op.batch.verifier,
      op.batch.targets.map((t) => ({ id: ids[Math.floor(t.pick * ids.length)]!, status: t.status, reason: "judged", evidence: t.evidence })),
    );
  }
  const target = state[Math.floor(op.pick * state.length)]!;
  if (op.asNew) return [{ ...buildClaim({ agent: "a", parents: [], confidence: 0.5, requiresVerification: false, taint: undefined }, ids), status: op.status } as never];
  if (target.status === op.status) return undefined;
  return [{ ...target, status: op.status } as Claim];
}

function parentsOf(state: readonly Claim[], c: Claim): Claim[] {
  return c.origin.basedOn.map((id) => state.find((p) => p.id === id)!);
}

function checkInvariants(state: readonly Claim[]): void {
  const seen = new Map<string, Claim>();
  for (const c of state) {
    expect(seen.has(c.id), `duplicate id ${c.id}`).toBe(false);
    for (const id of c.origin.basedOn) expect(seen.has(id), `dangling basedOn ${id} on ${c.id}`).toBe(true);
    seen.set(c.id, c);
  }
  for (const c of state) {
    const parents = parentsOf(state, c);
    for (const p of parents) {
      expect(c.confidence).toBeLessThanOrEqual(p.confidence);
      for (const t of p.taint ?? []) expect(c.taint ?? []).toContain(t);
    }
    if (c.status !== "green" && parents.some((p) => p.status !== "green")) expect(c.requiresVerification).toBe(true);
    if (c.status === "green") expect(c.requiresVerification).toBe(false);
  }
  // Transitively: a non-green claim reached from a non-green ancestor through non-green claims.
  for (const root of state) {
    if (root.status === "green") continue;
    const stack = [root];
    const visited = new Set<string>([root.id]);
    while (stack.length > 0) {
      const here = stack.pop()!;
      for (const child of state) {
        if (visited.has(child.id) || child.status === "green" || !child.origin.basedOn.includes(here.id)) continue;
        expect(child.requiresVerification, `${child.id} descends from non-green ${root.id}`).toBe(true);
        visited.add(child.id);
        stack.push(child);
      }
    }
  }
}

describe("claims reducer properties", () => {
  it("random sequences of updates keep the lineage, doubt and status invariants", () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 14 }), (ops) => {
        let state: Claim[] = [];
        for (const op of ops) {
          const update = buildUpdate(op, state);
          if (update === undefined) continue;
          const before = state;
          const snapshot = JSON.stringify(before);
          let next: Claim[];
          try {
            next = reduceClaims(state, update, fixedClock);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidClaimError);
            expect(JSON.stringify(before)).toBe(snapshot);
            continue;
          }
          expect(op.kind, "a forged status was accepted").not.toBe("forge");
          expect(JSON.stringify(before)).toBe(snapshot);
          // Statuses change only through a verdict naming the claim and that status, and a
          // red claim leaves red only with new evidence.
          for (let i = 0; i < before.length; i++) {
            const was = before[i]!;
            const now = next[i]!;
            expect(now.id).toBe(was.id);
            if (now.status === was.status && now.verifiedBy === was.verifiedBy) continue;
            expect(op.kind).toBe("verdicts");
            const batch = update as ReturnType<typeof claimVerdicts>;
            expect(batch.verdicts.some((v) => v.id === now.id && v.status === now.status)).toBe(true);
            expect(now.verifiedBy?.verifier).toBe(batch.verifier);
            expect(now.origin.agent).not.toBe(batch.verifier);
            if (was.status === "red" && now.status !== "red") {
              expect(now.verifiedBy!.evidence.some((e) => !was.verifiedBy!.evidence.includes(e))).toBe(true);
            }
          }
          state = next;
          checkInvariants(state);
        }
        // The state is plain JSON, and lineage queries agree on a restored copy.
        const restored = ClaimsStateSchema.parse(JSON.parse(JSON.stringify(state)));
        expect(restored).toEqual(state);
        for (const c of state.slice(-3)) {
          expect(lineage(restored, c.id).map((x) => x.id)).toEqual(lineage(state, c.id).map((x) => x.id));
          expect(descendants(restored, c.id).map((x) => x.id)).toEqual(descendants(state, c.id).map((x) => x.id));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("an update with one invalid item is always rejected whole, naming that item, and changes nothing", () => {
    const corruptions: ((state: readonly Claim[]) => unknown)[] = [
      () => ({ ...buildClaim(plain, []), confidence: 1.5 }),
      () => ({ ...buildClaim(plain, []), confidence: Number.NaN }),
      () => ({ ...buildClaim(plain, []), text: "" }),
      () => ({ ...buildClaim(plain, []), origin: { agent: "a", source: "model", basedOn: ["ghost"] } }),
      () => ({ ...buildClaim(plain, []), origin: { agent: "a", source: "rumour", basedOn: [] } }),
      () => ({ ...buildClaim(plain, []), origin: undefined }),
      () => ({ ...buildClaim(plain, []), status: "green" }),
      () => ({ ...buildClaim(plain, []), verifiedBy: { verifier: "v", at: "2026-01-01T00:00:00Z", reason: "x", evidence: [] } }),
      () => ({ ...buildClaim(plain, []), sauce: true }),
      () => ({ ...buildClaim(plain, []), confidence: 0.6, alternatives: [{ value: 1, confidence: 0.5 }] }),
      () => "a sentence instead of a claim",
      () => 42,
      () => claimVerdicts("v1", [{ id: "ghost", status: "green", reason: "x" }]),
      () => ({ ...claimVerdicts("v1", [{ id: "ghost", status: "green", reason: "x" }]), verdicts: [] }),
      (state) => claimVerdicts(state[0]!.origin.agent, [{ id: state[0]!.id, status: "green", reason: "mine" }]),
      (state) => ({ ...claimVerdicts("v1", [{ id: state[0]!.id, status: "green", reason: "x" }]), verdicts: [{ id: state[0]!.id, status: "purple", reason: "x" }] }),
      (state) => ({ ...state[0]!, text: `${state[0]!.text} (edited)` }),
      (state) => ({ ...state[0]!, status: state[0]!.status === "green" ? "red" : "green" }),
    ];
    fc.assert(
      fc.property(
        fc.array(claimRecipe, { minLength: 1, maxLength: 6 }),
        fc.array(claimRecipe, { maxLength: 4 }),
        fc.nat(corruptions.length - 1),
        fc.nat(),
        (seed, valid, which, at) => {
          let state: Claim[] = [];
          for (const r of seed) state = reduceClaims(state, [buildClaim(r, state.map((c) => c.id))], fixedClock);
          const snapshot = JSON.stringify(state);
          const items: unknown[] = [];
          const known = state.map((c) => c.id);
          for (const r of valid) {
            const item = buildClaim(r, known) as { id: string };
            items.push(item);
            known.push(item.id);
          }
          const position = at % (items.length + 1);
          items.splice(position, 0, corruptions[which]!(state));
          let error: unknown;
          try {
            reduceClaims(state, items as ClaimsUpdate, fixedClock);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(InvalidClaimError);
          expect((error as InvalidClaimError).index).toBe(position);
          expect(JSON.stringify(state)).toBe(snapshot);
          // None of the valid items slipped in: they can all still be added.
          const retry = reduceClaims(state, items.filter((_, i) => i !== position) as ClaimsUpdate, fixedClock);
          expect(retry).toHaveLength(state.length + items.length - 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

const plain: ClaimRecipe = { agent: "a", parents: [], confidence: 0.5, requiresVerification: false, taint: undefined };
