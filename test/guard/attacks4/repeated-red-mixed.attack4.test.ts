/**
 * Attacks on `repeatedRed: "exhaust"` (docs/guard.md, the red ledger): an attempt blocked **only**
 * by re-assertions of red-ledger claims goes to `onExhausted` at once; an attempt blocked for
 * anything else besides is retried as usual. Here the repeat is mixed with every other way an
 * attempt can be blocked. Scripted judges stand in for a model's judgement and are labelled so.
 */
import { describe, expect, it } from "vitest";
import { AIMessage } from "@langchain/core/messages";
import { createChallenger, type GuardExhaustedError, isGuardExhaustedError } from "../../../nodes/index.js";
import { scriptedJudge } from "../../../src/testing/index.js";
import { FALSEHOOD, INPUT, claimsOf, oneHandoff, ruleJudge, source, truth } from "../support/ledger-world.js";

const FRESH = { text: "Round 9: the Eiffel Tower is 330 m tall", value: 330 };
const isFalse = (t: string) => t === FALSEHOOD.text;

/** Runs one handoff (maxAttempts 3, exhaust) and returns the error it threw, the producer turns and the judged texts. */
async function exhausted(plan: Parameters<typeof source>[0], rule = (t: string) => (isFalse(t) ? "red" : "green") as "red" | "green" | "yellow", extra = {}) {
  const { producer, turns } = source(plan);
  const { judge, judged } = ruleJudge(rule);
  const error = await oneHandoff(producer, judge, { maxAttempts: 3, repeatedRed: "exhaust", ...extra }).compile().invoke(INPUT).catch((e: unknown) => e);
  return { error: error as GuardExhaustedError, turns, judged };
}

describe('repeatedRed: "exhaust" — a repeat mixed with another block is retried', () => {
  it("repeat + a yellow claim on a non-green parent (shaky lineage): attempt 2 is retried, attempt 3 runs", async () => {
    const { error, turns } = await exhausted(
      (t) => ({
        claims: t.call === 1
          ? [{ id: "f1", ...claimsOf("source", FALSEHOOD)[0]! }]
          : [{ id: `f${t.call}`, ...claimsOf("source", FALSEHOOD)[0]! }, { id: `y${t.call}`, ...claimsOf("source", { ...FRESH, basedOn: [`f${t.call}`] })[0]! }],
      }),
      (t) => (isFalse(t) ? "red" : "yellow"),
    );
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(turns).toHaveLength(3);
    const second = error.record.attempts[1]!;
    expect(second.claims.find((c) => c.text === FALSEHOOD.text)?.repeats?.attempt).toBe(1);
    expect(second.claims.find((c) => c.text === FRESH.text)?.shakyParent).toBeDefined();
  });

  it("repeat + an update the guard rejects before review (an unknown key): retried, three producer calls", async () => {
    const { error, turns } = await exhausted((t) => (t.call === 1 ? { claims: claimsOf("source", FALSEHOOD) } : { claims: claimsOf("source", FALSEHOOD), notAChannel: 1 }));
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(turns).toHaveLength(3);
    expect(error.record.attempts[1]!.blocked).toBe(true);
  });

  it("repeat + a fresh claim the judge gives no valid verdict for (incomplete review): retried, three producer calls", async () => {
    const { producer, turns } = source((t) => ({ claims: claimsOf("source", FALSEHOOD, ...(t.call === 1 ? [] : [FRESH])) }));
    // Scripted judge: red for the falsehood, an out-of-range answer (no valid verdict) for the fresh claim.
    const judge = scriptedJudge((c) => (isFalse(c.text) ? "red" : ("purple" as never)), { label: "scripted judge: invalid verdict for the fresh claim" });
    const error = await oneHandoff(producer, judge, { maxAttempts: 3, repeatedRed: "exhaust" }).compile().invoke(INPUT).catch((e: unknown) => e);
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(turns).toHaveLength(3);
    expect((error as GuardExhaustedError).record.attempts[1]!.valid).toBe(false);
  });

  it("repeat + a challenger that times out on the fresh claim: retried, three producer calls", async () => {
    const { producer, turns } = source((t) => ({ claims: claimsOf("source", FALSEHOOD, ...(t.call === 1 ? [] : [FRESH])) }));
    let calls = 0;
    // Scripted judge: answers the first review; every later review never answers (the guard's timeout decides).
    const judge = scriptedJudge((c) => (isFalse(c.text) ? "red" : "green"), { label: "scripted judge, hangs after its first review" });
    const hanging = createChallenger({ model: judge });
    const review = hanging.review.bind(hanging);
    (hanging as { review: typeof review }).review = (...args) => (++calls === 1 ? review(...args) : new Promise(() => {}));
    const error = await oneHandoff(producer, judge, { maxAttempts: 3, repeatedRed: "exhaust", challenger: hanging, challengeTimeoutMs: 200 })
      .compile().invoke(INPUT).catch((e: unknown) => e);
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(turns).toHaveLength(3);
    expect((error as GuardExhaustedError).record.attempts[1]!.incompleteReview).toBeDefined();
  });

});

describe('repeatedRed: "exhaust" — controls and message prose', () => {
  it("repeat + a fresh red claim: retried (the fresh red is a judgement, not a repeat)", async () => {
    const other = { text: "The Louvre stands in Berlin", value: "Berlin" };
    const { error, turns } = await exhausted((t) => ({ claims: claimsOf("source", FALSEHOOD, ...(t.call === 1 ? [] : [{ ...other, text: `${other.text} ${t.call}` }])) }), (t) => (isFalse(t) || t.startsWith(other.text) ? "red" : "green"));
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(turns).toHaveLength(3);
  });

  it("control: the same handoffs without the extra block stop after two producer calls", async () => {
    const { error, turns, judged } = await exhausted(() => ({ claims: claimsOf("source", FALSEHOOD, truth(1)) }));
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(turns).toHaveLength(2);
    expect(judged.filter(isFalse)).toHaveLength(1);
  });

  it("a repeat found only through AI-message prose (no claims written) exhausts at once", async () => {
    const { producer, turns } = source(() => ({ messages: [new AIMessage(FALSEHOOD.text)] }));
    const { judge, judged } = ruleJudge((t) => (t.includes("Rome") ? "red" : "green"));
    const { Annotation, StateGraph, START, END, MessagesAnnotation } = await import("@langchain/langgraph");
    const { LedgerState } = await import("../support/ledger-world.js");
    const { createBicrGuard } = await import("../../../nodes/index.js");
    const S = Annotation.Root({ ...LedgerState.spec, ...MessagesAnnotation.spec });
    const guard = createBicrGuard({ producer, challenger: createChallenger({ model: judge }), state: S, name: "source", maxAttempts: 3, repeatedRed: "exhaust" });
    const error = await new StateGraph(S).addNode("source", guard).addEdge(START, "source").addEdge("source", END).compile().invoke(INPUT).catch((e: unknown) => e);
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(turns).toHaveLength(2);
    expect(judged).toHaveLength(1);
    expect((error as GuardExhaustedError).record.attempts[1]!.claims.some((c) => c.repeats?.attempt === 1)).toBe(true);
  });
});
