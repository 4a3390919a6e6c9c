/**
 * The red ledger (issue 18, item 2): a statement judged red in a thread is not judged again —
 * its re-assertion is blocked at once, counts toward maxAttempts and ends via onExhausted.
 * Scripted judges stand in for a model's judgement throughout and are labelled so.
 */
import { Command, END, MemorySaver, Overwrite, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { GuardExhaustedError, createChallenger, guardNodeInPlace } from "../../nodes/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { caught, expectRejected, type BadOptionsCase } from "../breaker/support/bad-options.js";
import {
  FALSEHOOD,
  INPUT,
  LedgerState,
  claimsOf,
  ledgerGuard,
  luckyJudge,
  oneHandoff,
  rounds,
  ruleJudge,
  source,
  truth,
  withPauses,
  type Assertion,
} from "./support/ledger-world.js";

/** A source that asserts the falsehood on every attempt, whatever it is told. */
const stubborn = () => source(() => ({ claims: claimsOf("source", FALSEHOOD) }));

describe("a producer that re-asserts a falsehood on every attempt", () => {
  it("is blocked by the ledger without asking the judge again, and ends via onExhausted (fail)", async () => {
    const { producer, turns } = stubborn();
    const { judge, judged } = luckyJudge();
    const error = (await oneHandoff(producer, judge, { maxAttempts: 3 }).compile().invoke(INPUT).catch((e: unknown) => e)) as GuardExhaustedError;
    expect(error).toBeInstanceOf(GuardExhaustedError);
    expect(turns).toHaveLength(3);
    // Judged once (red); the lucky yellow the judge would have given on attempt 2 never comes.
    expect(judged).toEqual([FALSEHOOD.text]);
    expect(judge.callCount).toBe(1);
    const [first, ...repeats] = error.record.attempts;
    const redId = first!.claims[0]!.id;
    expect(first!.claims[0]).toMatchObject({ verdict: "red", value: "Rome" });
    for (const attempt of repeats) {
      expect(attempt.blocked).toBe(true);
      expect(attempt.claims[0]).toMatchObject({ verdict: "red", repeats: { claimId: redId, attempt: 1 } });
      expect(attempt.claims[0]!.reasons[0]).toContain(`repeats red claim ${redId} judged in attempt 1`);
    }
    expect(error.record).toMatchObject({ outcome: "failed", blocked: 3 });
    // The producer is told why: the repeat, and what the judge said the first time.
    const told = turns[2]!.feedback!.failed[0]!;
    expect(told.verdict).toBe("red");
    expect(told.reasons.join(" ")).toContain(`repeats red claim ${redId} judged in attempt 1`);
    expect(told.reasons.join(" ")).toContain("the tower stands in Paris");
  });

  it('is withheld under onExhausted "degrade": nothing of the falsehood reaches the channel', async () => {
    const { producer } = stubborn();
    const { judge, judged } = luckyJudge();
    const out = await oneHandoff(producer, judge, { maxAttempts: 3, onExhausted: "degrade" }).compile().invoke(INPUT);
    expect(judged).toEqual([FALSEHOOD.text]);
    expect(out.claims).toEqual([]);
    expect(out.guardRecords[0]).toMatchObject({ outcome: "degraded", blocked: 3, committedClaimIds: [] });
    expect(out.guardRecords[0]!.withheld.map((w) => w.reason)).toEqual(["red"]);
  });

  it("slips through as a lucky yellow with redLedger: false (what the ledger prevents)", async () => {
    const { producer } = stubborn();
    const { judge, judged } = luckyJudge();
    const out = await oneHandoff(producer, judge, { maxAttempts: 3, redLedger: false }).compile().invoke(INPUT);
    expect(judged).toEqual([FALSEHOOD.text, FALSEHOOD.text]);
    expect(out.claims.map((c) => [c.text, c.status])).toEqual([[FALSEHOOD.text, "yellow"]]);
    expect(out.guardRecords[0]).toMatchObject({ outcome: "passed", blocked: 1 });
  });

  it("a corrected retry still passes: the ledger blocks repeats, not the producer", async () => {
    const { producer } = source(({ feedback }) => ({ claims: claimsOf("source", feedback ? truth(1) : FALSEHOOD) }));
    const { judge } = luckyJudge();
    const out = await oneHandoff(producer, judge).compile().invoke(INPUT);
    expect(out.claims.map((c) => [c.text, c.status])).toEqual([[truth(1).text, "green"]]);
  });
});

/** Attempt 1 asserts `first`, attempt 2 asserts `second`; a judge that calls everything red. Returns the texts judged and the record. */
async function repeatOf(first: Assertion, second: Assertion) {
  const { producer } = source(({ call }) => ({ claims: claimsOf("source", call === 1 ? first : second) }));
  const { judge, judged } = ruleJudge(() => "red");
  const out = await oneHandoff(producer, judge, { maxAttempts: 2, onExhausted: "degrade" }).compile().invoke(INPUT);
  return { judged, record: out.guardRecords[0]! };
}

describe("the ledger compares statements normalised", () => {
  const base = { text: "The tower is 330 m tall.", value: 330 };
  const same: Array<[string, Assertion]> = [
    ["case", { text: "THE TOWER IS 330 M TALL.", value: 330 }],
    ["spacing", { text: "  The tower   is 330 m\ttall. ", value: 330 }],
    ["a final full stop", { text: "The tower is 330 m tall", value: 330 }],
    ["a zero-width space", { text: "The tower is 330\u200b m tall.", value: 330 }],
    ["the value as a string", { text: "The tower is 330 m tall.", value: "330" }],
    ["the value as 330.0", { text: "The tower is 330 m tall.", value: 330.0 }],
  ];
  it.each(same)("a repeat differing only in %s is blocked without a second judgement", async (_label, variant) => {
    const { judged, record } = await repeatOf(base, variant);
    expect(judged).toEqual([base.text]);
    expect(record.attempts[1]!.claims[0]!.repeats).toEqual({ claimId: record.attempts[0]!.claims[0]!.id, attempt: 1 });
  });

  it("a string value is normalised like text", async () => {
    const { judged } = await repeatOf(FALSEHOOD, { text: FALSEHOOD.text, value: "  ROME " });
    expect(judged).toEqual([FALSEHOOD.text]);
  });

  const different: Array<[string, Assertion]> = [
    ["another value", { text: "The tower is 330 m tall.", value: 331 }],
    ["no value", { text: "The tower is 330 m tall." }],
    ["another statement", { text: "The tower is 300 m tall.", value: 330 }],
  ];
  it.each(different)("a statement with %s is judged again", async (_label, variant) => {
    const { judged, record } = await repeatOf(base, variant);
    expect(judged).toEqual([base.text, variant.text]);
    expect(record.attempts[1]!.claims[0]!.repeats).toBeUndefined();
  });
});

describe("what enters the ledger", () => {
  it("a fail-closed red label is not a judgement: the same statement is judged on the next attempt", async () => {
    const judge = new ScriptedChatModel({
      label: "scripted judge: no verdict, then green",
      script: ({ call }) => (call === 0 ? "Sure, looks fine!" : { structured: { verdicts: [{ claim_id: lastId, verdict: "green", reasons: ["scripted: checked"] }] } }),
    });
    let lastId = "";
    const { producer } = source(() => ({ claims: [{ ...claimsOf("source", truth(1))[0]!, id: (lastId = `c${Math.random().toString(36).slice(2)}`) }] }));
    const guard = ledgerGuard(producer, judge, { invalidReply: "label", challenger: createChallenger({ model: judge, onInvalidReply: "red" }) });
    const out = await new StateGraph(LedgerState).addNode("source", guard).addEdge(START, "source").addEdge("source", END).compile().invoke(INPUT);
    expect(judge.callCount).toBe(2);
    const [labelled, judged] = out.guardRecords[0]!.attempts;
    expect(labelled!.claims[0]).toMatchObject({ verdict: "red", failClosed: true });
    expect(judged!.claims[0]).toMatchObject({ verdict: "green" });
    expect(judged!.claims[0]!.repeats).toBeUndefined();
  });
});

describe("the ledger across the handoffs of one thread", () => {
  /** Round 1 learns the falsehood is red (then passes a truth); later rounds assert what `later(round, attempt)` says. */
  function thread(later: (round: number, attempt: number) => Assertion) {
    return source(({ state, feedback }) => {
      const round = state.round + 1;
      if (round === 1) return { claims: claimsOf("source", feedback ? truth(1) : FALSEHOOD) };
      return { claims: claimsOf("source", later(round, feedback ? feedback.attempt + 1 : 1)) };
    });
  }

  it("a later handoff re-asserting the red claim is blocked at once, naming the earlier handoff", async () => {
    const { producer } = thread((round, attempt) => (attempt === 1 ? FALSEHOOD : truth(round)));
    const { judge, judged } = luckyJudge();
    const out = await rounds(producer, judge, 2).compile().invoke(INPUT);
    expect(judged).toEqual([FALSEHOOD.text, truth(1).text, truth(2).text]);
    const redId = out.guardRecords[0]!.attempts[0]!.claims[0]!.id;
    const repeat = out.guardRecords[1]!.attempts[0]!.claims[0]!;
    expect(repeat.repeats).toEqual({ claimId: redId, attempt: 1, guard: "source" });
    expect(repeat.reasons[0]).toContain(`repeats red claim ${redId} judged in attempt 1 of an earlier handoff on "source"`);
    expect(out.claims.map((c) => c.text)).toEqual([truth(1).text, truth(2).text]);
  });

  it("feeds the review policy: under low, the red text with another value is reviewed as a red flag; with redLedger: false it is not", async () => {
    const other = { text: FALSEHOOD.text, value: "Milan" };
    const plain = { text: "Tickets cost money", value: true };
    for (const redLedger of [true, false]) {
      const { judge, judged } = luckyJudge();
      const first = ledgerGuard(source(({ feedback }) => ({ claims: claimsOf("first", feedback ? truth(1) : FALSEHOOD) })).producer, judge, { name: "first" });
      const second = ledgerGuard(source(() => ({ claims: claimsOf("second", other, plain) })).producer, judge, { name: "second", policy: "low", redLedger });
      const graph = new StateGraph(LedgerState).addNode("first", first).addNode("second", second).addEdge(START, "first").addEdge("first", "second").addEdge("second", END);
      const out = await graph.compile().invoke(INPUT);
      const secondRecord = out.guardRecords[1]!;
      if (redLedger) {
        expect(judged.slice(2)).toEqual([FALSEHOOD.text]);
        expect(secondRecord.attempts[0]!.claims.map((c) => c.verdict)).toEqual(["yellow", "unreviewed"]);
      } else {
        expect(judged.slice(2)).toEqual([]);
        expect(secondRecord.attempts[0]!.claims.map((c) => c.verdict)).toEqual(["unreviewed", "unreviewed"]);
      }
    }
  });

  it("a statement a human approved at an escalation is no longer refused in later handoffs", async () => {
    const { producer } = source(() => ({ claims: claimsOf("source", FALSEHOOD) }));
    const { judge, judged } = ruleJudge(() => "red");
    const graph = withPauses(rounds(producer, judge, 2, { maxAttempts: 1, onExhausted: "interrupt" }), new MemorySaver());
    const config = { configurable: { thread_id: "ledger-approved" } };
    await graph.invoke(INPUT, config);
    await graph.invoke(new Command({ resume: { action: "approve", reason: "checked: a replica in Rome" } }), config);
    await graph.invoke(null, config); // past the pause; round 2 asserts it again
    expect(judged).toEqual([FALSEHOOD.text, FALSEHOOD.text]);
  });
});

describe("a producer cannot clear the ledger", () => {
  it("writing the guard records (plain or Overwrite) or the guard's own channels blocks that attempt, and the repeat after it is still refused", async () => {
    const { producer, turns } = source(({ call, state }) => {
      if (call === 1) return { claims: claimsOf("source", FALSEHOOD) };
      // Its own copy of the state: emptying it in place reaches nothing.
      state.guardRecords.splice(0);
      if (call === 2) return { guardRecords: new Overwrite([]), claims: claimsOf("source", FALSEHOOD) };
      if (call === 3) return { guardRecords: [], bicr_attempts: [], claims: claimsOf("source", FALSEHOOD) };
      return { claims: claimsOf("source", FALSEHOOD) };
    });
    const { judge, judged } = luckyJudge();
    const error = (await oneHandoff(producer, judge, { maxAttempts: 4 }).compile().invoke(INPUT).catch((e: unknown) => e)) as GuardExhaustedError;
    expect(error).toBeInstanceOf(GuardExhaustedError);
    expect(turns).toHaveLength(4);
    expect(judged).toEqual([FALSEHOOD.text]);
    const attempts = error.record.attempts;
    expect(attempts[1]!.invalidUpdate).toMatch(/writes guard records/);
    expect(attempts[2]!.invalidUpdate).toMatch(/writes guard records|bicr_attempts/);
    expect(attempts[3]!.claims[0]!.repeats).toMatchObject({ attempt: 1 });
  });

  it("across handoffs: the records the ledger reads stay whole whatever the producer returns", async () => {
    const { producer } = source(({ state, feedback }) => {
      if (state.round === 0) return { claims: claimsOf("source", feedback ? truth(1) : FALSEHOOD) };
      state.guardRecords.splice(0);
      if (!feedback) return { guardRecords: new Overwrite([]), claims: claimsOf("source", FALSEHOOD) };
      return { claims: claimsOf("source", feedback.attempt === 1 ? FALSEHOOD : truth(2)) };
    });
    const { judge, judged } = luckyJudge();
    const out = await rounds(producer, judge, 2).compile().invoke(INPUT);
    expect(judged).toEqual([FALSEHOOD.text, truth(1).text, truth(2).text]);
    expect(out.guardRecords).toHaveLength(2);
    expect(out.guardRecords[1]!.attempts.map((a) => [a.invalidUpdate !== undefined, a.claims[0]?.repeats?.attempt])).toEqual([
      [true, undefined],
      [false, 1],
      [false, undefined],
    ]);
  });
});

describe("redLedger option", () => {
  const { judge } = ruleJudge(() => "green");
  const { producer } = stubborn();
  const calls = () => judge.callCount;
  const guard = (options: Record<string, unknown>) => () => ledgerGuard(producer, judge, options as never);
  const builder = () => new StateGraph(LedgerState).addNode("p", producer as never).addEdge(START, "p").addEdge("p", END);
  const onNode = (options: Record<string, unknown>) => () => guardNodeInPlace(builder(), "p", { challenger: judge, ...options } as never);
  const cases: BadOptionsCase[] = [
    ["redLedger as a string", guard({ redLedger: "yes" }), "redLedger", "true or false"],
    ["redLedger as 1", guard({ redLedger: 1 }), "redLedger", "true or false"],
    ["redLedger null", guard({ redLedger: null }), "redLedger", "true or false"],
    ["redLedger as an object", guard({ redLedger: { enabled: true } }), "redLedger", "true or false"],
    ["redLedger on guardNodeInPlace", onNode({ redLedger: "off" }), "redLedger", "true or false"],
  ];
  it.each(cases)("rejects %s with InvalidOptionsError", (...c) => expectRejected(c, calls));

  it("accepts true and false", () => {
    expect(caught(guard({ redLedger: true }))).toBeUndefined();
    expect(caught(guard({ redLedger: false }))).toBeUndefined();
  });
});
