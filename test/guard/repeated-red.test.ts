/**
 * `repeatedRed` (issue 18): an attempt blocked only because it re-asserts claims the red ledger
 * holds goes to `onExhausted` at once under `"exhaust"`; `"retry"` (the default) retries up to
 * `maxAttempts`. Scripted judges stand in for a model's judgement and are labelled so.
 */
import { describe, expect, it } from "vitest";
import { GuardExhaustedError } from "../../nodes/index.js";
import { isInvalidOptionsError } from "../../src/errors.js";
import { caught } from "../breaker/support/bad-options.js";
import { FALSEHOOD, INPUT, claimsOf, luckyJudge, oneHandoff, rounds, ruleJudge, source, truth } from "./support/ledger-world.js";

/** A source that asserts the falsehood on every attempt, whatever it is told. */
const stubborn = () => source(() => ({ claims: claimsOf("source", FALSEHOOD) }));

describe('repeatedRed: "exhaust"', () => {
  it("stops at the first attempt that only re-asserts the red claim: two producer calls, one judge call, then onExhausted", async () => {
    const { producer, turns } = stubborn();
    const { judge, judged } = luckyJudge();
    const error = await oneHandoff(producer, judge, { maxAttempts: 3, repeatedRed: "exhaust" }).compile().invoke(INPUT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardExhaustedError);
    expect(turns).toHaveLength(2);
    expect(judged).toEqual([FALSEHOOD.text]);
    const { attempts } = (error as GuardExhaustedError).record;
    expect(attempts.map((a) => [a.blocked, a.claims[0]!.verdict, a.claims[0]!.repeats?.attempt])).toEqual([
      [true, "red", undefined],
      [true, "red", 1],
    ]);
  });

  it('under "degrade" the falsehood is withheld and a later handoff that repeats it costs one producer call', async () => {
    const { producer, turns } = stubborn();
    const { judge, judged } = luckyJudge();
    const out = await rounds(producer, judge, 3, { maxAttempts: 3, repeatedRed: "exhaust", onExhausted: "degrade" }).compile().invoke(INPUT);
    expect(out.claims.filter((c) => c.text === FALSEHOOD.text)).toEqual([]);
    // Round 1: red, then a repeat (2 calls); rounds 2 and 3: a repeat at once (1 call each).
    expect(turns).toHaveLength(4);
    expect(judged).toEqual([FALSEHOOD.text]);
  });

  it("an attempt blocked for anything besides a repeat is retried as usual", async () => {
    // Attempt 1: the falsehood (red). Later attempts: the falsehood again plus a new false claim the judge calls red.
    const other = { text: "The Eiffel Tower is 900 m tall", value: 900 };
    const { producer, turns } = source((t) => ({ claims: t.call === 1 ? claimsOf("source", FALSEHOOD) : claimsOf("source", FALSEHOOD, other) }));
    const { judge } = ruleJudge((text) => (text === truth(0).text ? "green" : "red"));
    const error = await oneHandoff(producer, judge, { maxAttempts: 3, repeatedRed: "exhaust" }).compile().invoke(INPUT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardExhaustedError);
    expect(turns).toHaveLength(3);
  });

  it('"retry" (the default) retries a repeat-only block up to maxAttempts', async () => {
    for (const options of [{}, { repeatedRed: "retry" as const }]) {
      const { producer, turns } = stubborn();
      const { judge } = luckyJudge();
      await oneHandoff(producer, judge, { maxAttempts: 3, ...options }).compile().invoke(INPUT).catch(() => undefined);
      expect(turns).toHaveLength(3);
    }
  });

  it("hostile values are rejected naming the option", () => {
    for (const bad of ["EXHAUST", "", null, 0, true, {}]) {
      const { judge } = luckyJudge();
      const thrown = caught(() => oneHandoff(stubborn().producer, judge, { repeatedRed: bad as never }));
      expect(isInvalidOptionsError(thrown), String(thrown)).toBe(true);
      expect((thrown as { option?: string }).option).toBe("repeatedRed");
    }
  });
});
