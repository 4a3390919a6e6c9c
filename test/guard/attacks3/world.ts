/**
 * Helpers for the third round of guard attacks (yellow passes tagged high-risk, the red ledger,
 * yellow on shaky parents). Every judge here is SCRIPTED: a stand-in for a model's judgement.
 */
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { claimsChannel } from "../../../src/claims/index.js";
import { createBicrGuard, createChallenger, guardRecordsChannel, type BicrGuardOptions, type GuardRecord } from "../../../nodes/index.js";
import { scriptedJudge, type ScriptedChatModel } from "../../../src/testing/index.js";
import { source } from "../support/ledger-world.js";

export { source };

/** A parent state with messages, a free-text field, claims and guard records. */
export const MsgState = Annotation.Root({
  ...MessagesAnnotation.spec,
  task: Annotation<string>(),
  draft: Annotation<string>(),
  claims: claimsChannel({ verifiers: ["challenger", "human"] }),
  guardRecords: guardRecordsChannel(),
});

/** A unique thread id. */
export const tid = (label: string) => `atk3-${label}-${process.pid}-${Math.random().toString(36).slice(2, 9)}`;

/** A claim input of `agent`. */
export function claim(agent: string, text: string, extra: { id?: string; value?: string | number | boolean | null; basedOn?: string[]; meta?: Record<string, unknown> } = {}) {
  const { basedOn, ...rest } = extra;
  return { text, ...rest, origin: { agent, source: "model" as const, basedOn: basedOn ?? [] }, confidence: 0.9 };
}

/**
 * SCRIPTED judge (stand-in for a model): red the first time it sees an item matching `bad`,
 * yellow every time after (a usually-right judge that is lucky once), green otherwise.
 */
export function luckyJudge(bad: (text: string) => boolean): { judge: ScriptedChatModel; judged: string[] } {
  const judged: string[] = [];
  let seen = 0;
  const judge = scriptedJudge(
    (c) => {
      judged.push(c.text);
      if (!bad(c.text)) return "green";
      seen += 1;
      return seen === 1 ? { verdict: "red", reasons: ["scripted: contradicted by the evidence"] } : "yellow";
    },
    { label: "scripted judge: red once, then lucky yellow" },
  );
  return { judge, judged };
}

/** SCRIPTED judge (stand-in for a model): yellow for texts containing "maybe", red for "WRONG", green otherwise. */
export function moodJudge(): { judge: ScriptedChatModel; judged: string[] } {
  const judged: string[] = [];
  const judge = scriptedJudge(
    (c) => {
      judged.push(c.text);
      if (c.text.includes("WRONG")) return "red";
      return c.text.toLowerCase().includes("maybe") ? "yellow" : "green";
    },
    { label: "scripted judge: maybe → yellow, WRONG → red" },
  );
  return { judge, judged };
}

type Producer = (s: any, c: LangGraphRunnableConfig) => unknown;

/** A guard on MsgState. */
export function msgGuard(producer: Producer, judge: ScriptedChatModel, options: Partial<BicrGuardOptions> = {}) {
  return createBicrGuard({ producer, challenger: createChallenger({ model: judge }), state: MsgState, name: "source", ...options });
}

/** START → (seed) → guarded nodes in sequence → END, on MsgState. */
export function chain(nodes: Array<[string, Producer, Partial<BicrGuardOptions>?]>, judge: ScriptedChatModel, seed?: Producer) {
  const b = new StateGraph(MsgState) as any;
  let prev = START as string;
  if (seed !== undefined) {
    b.addNode("seed", seed).addEdge(START, "seed");
    prev = "seed";
  }
  for (const [name, producer, options] of nodes) {
    b.addNode(name, msgGuard(producer, judge, { name, ...(options ?? {}) })).addEdge(prev, name);
    prev = name;
  }
  b.addEdge(prev, END);
  return b as StateGraph<typeof MsgState.spec>;
}

/** An AI message of `name`. */
export const say = (name: string, text: string) => new AIMessage({ name, content: text });

/** Verdicts of every attempt of a record, `*` marking a ledger repeat and `^` a shaky parent. */
export function verdicts(record: GuardRecord): string[][] {
  return record.attempts.map((a) => a.claims.map((c) => `${c.verdict}${c.repeats ? "*" : ""}${c.shakyParent ? "^" : ""}`));
}

export const INPUT = { task: "Where does the Eiffel Tower stand?" };
export const ROME = "The Eiffel Tower stands in Rome";
export const mentionsRome = (t: string) => /rome|rоme|ｒｏｍｅ/i.test(t);
