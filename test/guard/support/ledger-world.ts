/**
 * Test world for the red ledger and the lineage rule (issue 18): a parent state with a claims
 * channel and guard records, a source that re-plants one falsehood, and **scripted** judges
 * that stand in for a model's judgement — one that calls the falsehood red the first time and
 * yellow every time after (the lucky yellow a retry used to re-roll for).
 */
import { Annotation, END, START, StateGraph, type BaseCheckpointSaver, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { claimsChannel } from "../../../src/claims/index.js";
import { createBicrGuard, createChallenger, guardRecordsChannel, readGuardFeedback, type BicrGuardOptions, type GuardFeedback } from "../../../nodes/index.js";
import { scriptedJudge, type ScriptedChatModel } from "../../../src/testing/index.js";

export const LedgerState = Annotation.Root({
  task: Annotation<string>(),
  round: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  claims: claimsChannel({ verifiers: ["challenger", "human"] }),
  guardRecords: guardRecordsChannel(),
});
export type LedgerValues = typeof LedgerState.State;

/** What a source asserts: one claim's text and value. */
export interface Assertion {
  readonly text: string;
  readonly value?: string | number | boolean | null;
  readonly basedOn?: readonly string[];
}

/** The planted falsehood. */
export const FALSEHOOD: Assertion = { text: "The Eiffel Tower stands in Rome", value: "Rome" };
/** A true claim, different in each round so that it is never a repeat. */
export const truth = (round: number): Assertion => ({ text: `Round ${round}: the Eiffel Tower stands in Paris`, value: "Paris" });

/** The claims update asserting `assertions`. */
export function claimsOf(agent: string, ...assertions: Assertion[]) {
  return assertions.map((a) => ({
    text: a.text,
    ...(a.value === undefined ? {} : { value: a.value }),
    origin: { agent, source: "model" as const, basedOn: [...(a.basedOn ?? [])] },
    confidence: 0.9,
  }));
}

/** What a scripted source is told about its attempt. */
export interface SourceTurn {
  readonly call: number;
  readonly feedback: GuardFeedback | undefined;
  readonly state: LedgerValues;
  readonly config: LangGraphRunnableConfig;
}

/** A source producer that asks `plan` what to return on each call, and keeps what it was given. */
export function source(plan: (turn: SourceTurn) => unknown) {
  const turns: SourceTurn[] = [];
  const producer = (state: LedgerValues, config: LangGraphRunnableConfig) => {
    const turn = { call: turns.length + 1, feedback: readGuardFeedback(config), state, config };
    turns.push(turn);
    return plan(turn);
  };
  return { producer, turns };
}

/**
 * A scripted judge: red for the falsehood the first time it judges it, yellow every time after
 * (a judge that is usually right, then lucky once), green for everything else. `judged` lists
 * every claim text it was shown.
 */
export function luckyJudge(falsehood = FALSEHOOD.text): { judge: ScriptedChatModel; judged: string[] } {
  const judged: string[] = [];
  let seen = 0;
  const judge = scriptedJudge(
    (claim) => {
      judged.push(claim.text);
      if (claim.text !== falsehood) return "green";
      seen += 1;
      return seen === 1 ? { verdict: "red", reasons: ["scripted: contradicted, the tower stands in Paris"] } : "yellow";
    },
    { label: "scripted judge: red, then lucky yellow" },
  );
  return { judge, judged };
}

/** A scripted judge that answers `rule` for every claim and lists the texts it was shown. */
export function ruleJudge(rule: (text: string, value: unknown) => "green" | "yellow" | "red"): { judge: ScriptedChatModel; judged: string[] } {
  const judged: string[] = [];
  const judge = scriptedJudge(
    (claim) => {
      judged.push(claim.text);
      return rule(claim.text, claim.value);
    },
    { label: "scripted judge (rule)" },
  );
  return { judge, judged };
}

/** The guard around `producer` on the ledger state. */
export function ledgerGuard(producer: (s: LedgerValues, c: LangGraphRunnableConfig) => unknown, judge: ScriptedChatModel, options: Partial<BicrGuardOptions> = {}) {
  return createBicrGuard({ producer, challenger: createChallenger({ model: judge }), state: LedgerState, name: "source", ...options });
}

/** One guarded handoff: START → source (guarded) → END. */
export function oneHandoff(producer: (s: LedgerValues, c: LangGraphRunnableConfig) => unknown, judge: ScriptedChatModel, options: Partial<BicrGuardOptions> = {}) {
  const guard = ledgerGuard(producer, judge, options);
  return new StateGraph(LedgerState).addNode("source", guard).addEdge(START, "source").addEdge("source", END);
}

/**
 * Rounds of handoffs in one thread: source (guarded) → pause → source … for `rounds` rounds.
 * Compile it with `interruptBefore: ["pause"]` to stop between rounds.
 */
export function rounds(producer: (s: LedgerValues, c: LangGraphRunnableConfig) => unknown, judge: ScriptedChatModel, count: number, options: Partial<BicrGuardOptions> = {}) {
  const guard = ledgerGuard(producer, judge, options);
  return new StateGraph(LedgerState)
    .addNode("source", guard)
    .addNode("pause", (s: LedgerValues) => ({ round: s.round + 1 }))
    .addEdge(START, "source")
    .addEdge("source", "pause")
    .addConditionalEdges("pause", (s: LedgerValues) => (s.round < count ? "source" : END), ["source", END]);
}

/** Compiles `builder` on `checkpointer`, stopping before `pause`. */
export function withPauses(builder: ReturnType<typeof rounds>, checkpointer: BaseCheckpointSaver) {
  return builder.compile({ checkpointer, interruptBefore: ["pause"] });
}

export const INPUT = { task: "Where does the Eiffel Tower stand?" };
