/**
 * Resumes from a checkpoint (issue 12): a verifier's verdict saved as a pending write while a
 * sibling node in the same superstep waits on `interrupt()`, then re-applied by LangGraph on
 * resume without running the verifier again — in the same deployment (same key), after a
 * restart without `FIREBREAK_CLAIMS_KEY` (another key), and a forged write saved the same way.
 * Shared by `laundering.test.ts` (memory) and `laundering.int.test.ts` (PostgreSQL, embedded).
 */
import { Command, END, START, StateGraph, interrupt, type BaseCheckpointSaver } from "@langchain/langgraph";
import { claimVerdicts, withWriteContract, type Claim } from "../../src/index.js";
import { C1, type StateStyle } from "./laundering-table.js";

const KEY_ENV = "FIREBREAK_CLAIMS_KEY";
export const KEY_A = "a".repeat(40);
export const KEY_B = "b".repeat(40);

/** Runs `fn` with the claims key set to `key` (undefined: unset, a random key per process). */
export async function withKey<T>(key: string | undefined, fn: () => Promise<T>): Promise<T> {
  const before = process.env[KEY_ENV];
  if (key === undefined) delete process.env[KEY_ENV];
  else process.env[KEY_ENV] = key;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[KEY_ENV];
    else process.env[KEY_ENV] = before;
  }
}

/**
 * researcher → (verifier ∥ waiter): the verifier's write is saved while the waiter interrupts.
 * Returns the claims after the resume (run with `resumeKey`) and how often the verifier ran.
 */
export async function verdictAcrossResume(
  style: StateStyle,
  checkpointer: BaseCheckpointSaver,
  keys: { readonly run: string; readonly resume: string },
  writer: "challenger" | "sneaky" = "challenger",
): Promise<{ claims: Claim[]; verifierRuns: number }> {
  let verifierRuns = 0;
  const verdict = () => {
    verifierRuns++;
    return { claims: claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "checked", evidence: ["e1"] }], { fetched: ["e1"] }) };
  };
  const verifier = style.name === "Annotation.Root" && writer === "challenger" ? withWriteContract(verdict, { allowed: ["claims"], role: "verifier" }) : verdict;
  const b = new StateGraph(style.state() as never) as unknown as StateGraph<any, any, any, string>;
  b.addNode("researcher", (() => ({ claims: [C1] })) as never)
    .addNode(writer, verifier as never)
    .addNode("waiter", (() => {
      interrupt("approve?");
      return {};
    }) as never)
    .addEdge(START, "researcher")
    .addEdge("researcher", writer)
    .addEdge("researcher", "waiter")
    .addEdge(writer, END)
    .addEdge("waiter", END);
  const graph = b.compile({ checkpointer });
  const config = { configurable: { thread_id: `resume-${process.pid}-${Date.now()}-${Math.random()}` } };
  await withKey(keys.run, () => graph.invoke({}, config));
  const out = await withKey(keys.resume, () => graph.invoke(new Command({ resume: "yes" }), config));
  return { claims: out.claims as Claim[], verifierRuns };
}
