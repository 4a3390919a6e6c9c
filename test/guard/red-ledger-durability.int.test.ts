/**
 * The red ledger is graph state: it survives an interrupt and a resume from a new saver (a new
 * process, as far as the checkpointer can tell) on MemorySaver and on a real PostgreSQL
 * (`DATABASE_URL`, else postgres://postgres@127.0.0.1:5432/test; a unique schema per test), and
 * it is per thread. Scripted judges stand in for a model's judgement and are labelled so.
 */
import { Command, MemorySaver, interrupt, type BaseCheckpointSaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { GuardExhaustedError } from "../../nodes/index.js";
import { uniqueName } from "../support/backends.js";
import { usePostgresSavers } from "../support/postgres-savers.js";
import { FALSEHOOD, INPUT, claimsOf, luckyJudge, oneHandoff, rounds, ruleJudge, source, truth, withPauses, type LedgerValues } from "./support/ledger-world.js";

const savers = usePostgresSavers("fb_ledger");

/** Storage for one test; `saver()` opens it afresh each time (for PostgreSQL: a new pool, as a new process would). */
interface Storage {
  saver(): Promise<BaseCheckpointSaver>;
}

const BACKENDS: Array<[string, () => Storage]> = [
  [
    "MemorySaver",
    () => {
      const memory = new MemorySaver();
      return { saver: async () => memory };
    },
  ],
  [
    "PostgresSaver",
    () => {
      const schema = uniqueName("fb_ledger");
      return { saver: async () => (await savers.open(schema)).saver };
    },
  ],
];

/** Round 1 learns the falsehood is red, then passes a truth; round 2 asserts the falsehood first, then its own truth. */
const replanter = () =>
  source(({ state, feedback }) => {
    const round = state.round + 1;
    return { claims: claimsOf("source", feedback ? truth(round) : FALSEHOOD) };
  });

/** A scripted judge that would be lucky for the falsehood every time (yellow): only the ledger can stop it. */
const alwaysLucky = () => ruleJudge((text) => (text === FALSEHOOD.text ? "yellow" : "green"));

describe.each(BACKENDS)("the red ledger on %s", (_name, storage) => {
  it("survives the interrupt between two handoffs and a resume from a new saver: the re-assertion is blocked without a judge call", async () => {
    const store = storage();
    const config = { configurable: { thread_id: uniqueName("ledger-rounds") } };
    const first = luckyJudge();
    await withPauses(rounds(replanter().producer, first.judge, 2), await store.saver()).invoke(INPUT, config);
    expect(first.judged).toEqual([FALSEHOOD.text, truth(1).text]);

    const second = alwaysLucky();
    const graph = withPauses(rounds(replanter().producer, second.judge, 2), await store.saver());
    await graph.invoke(null, config);
    expect(second.judged).toEqual([truth(2).text]);
    const values = (await graph.getState(config)).values as LedgerValues;
    const redId = values.guardRecords[0]!.attempts[0]!.claims[0]!.id;
    expect(values.guardRecords[1]!.attempts[0]!.claims[0]).toMatchObject({ verdict: "red", repeats: { claimId: redId, attempt: 1, guard: "source" } });
    expect(values.claims.map((c) => c.text)).toEqual([truth(1).text, truth(2).text]);
  });

  it("survives an interrupt inside a handoff: resumed from a new saver, the producer's repeat is blocked from the checkpointed attempts", async () => {
    const store = storage();
    const config = { configurable: { thread_id: uniqueName("ledger-inside") } };
    const plan = () =>
      source(({ feedback }) => {
        if (feedback) interrupt("may I say it again?");
        return { claims: claimsOf("source", FALSEHOOD) };
      });
    const first = luckyJudge();
    const paused = await oneHandoff(plan().producer, first.judge, { maxAttempts: 2 }).compile({ checkpointer: await store.saver() }).invoke(INPUT, config);
    expect((paused as { __interrupt__?: unknown[] }).__interrupt__).toHaveLength(1);
    expect(first.judged).toEqual([FALSEHOOD.text]);

    const second = alwaysLucky();
    const graph = oneHandoff(plan().producer, second.judge, { maxAttempts: 2 }).compile({ checkpointer: await store.saver() });
    const error = (await graph.invoke(new Command({ resume: "yes" }), config).catch((e: unknown) => e)) as GuardExhaustedError;
    expect(error).toBeInstanceOf(GuardExhaustedError);
    expect(second.judge.callCount).toBe(0);
    expect(error.record.attempts[1]!.claims[0]!.repeats).toMatchObject({ attempt: 1 });
  });

  it("is per thread: another thread's red claim is judged afresh, and the first thread still refuses it after both ran", async () => {
    const store = storage();
    const { judge, judged } = ruleJudge((text) => (text === FALSEHOOD.text ? "red" : "green"));
    const graph = withPauses(rounds(replanter().producer, judge, 2), await store.saver());
    const a = { configurable: { thread_id: uniqueName("ledger-a") } };
    const b = { configurable: { thread_id: uniqueName("ledger-b") } };
    await graph.invoke(INPUT, a);
    await graph.invoke(INPUT, b);
    expect(judged).toEqual([FALSEHOOD.text, truth(1).text, FALSEHOOD.text, truth(1).text]);
    const inB = (await graph.getState(b)).values as LedgerValues;
    expect(inB.guardRecords[0]!.attempts[0]!.claims[0]!.repeats).toBeUndefined();
    await graph.invoke(null, a);
    expect(judged.slice(4)).toEqual([truth(2).text]);
  });
});
