/**
 * A small parent graph for guard tests: `intake → researcher (guarded) → reader`. The state
 * has every kind of channel a guard must leave untouched on a block: the messages reducer,
 * the claims channel, a concatenating log, a last-value field, and the guard records.
 */
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { claimsChannel, type ClaimInput } from "../../../src/claims/index.js";
import { createBicrGuard, createChallenger, guardRecordsChannel, type BicrGuardOptions } from "../../../nodes/index.js";
import type { ScriptedChatModel } from "../../../src/testing/index.js";

export const ParentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  task: Annotation<string>(),
  claims: claimsChannel({ verifiers: ["challenger", "human"] }),
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  draft: Annotation<string>(),
  guardRecords: guardRecordsChannel(),
});
export type ParentValues = typeof ParentState.State;

/** What the producer says on each attempt: its message, its claims, its draft. */
export interface Turn {
  text: string;
  claims?: Array<Partial<ClaimInput> & { text: string }>;
}

/** A producer that plays `turns` in order (repeating the last) and records what it saw. */
export function scriptedProducer(turns: Turn[]) {
  const seen: Array<{ state: ParentValues; config: LangGraphRunnableConfig }> = [];
  const producer = async (state: ParentValues, config: LangGraphRunnableConfig) => {
    seen.push({ state, config });
    const turn = turns[Math.min(seen.length - 1, turns.length - 1)]!;
    return {
      messages: [new AIMessage({ name: "researcher", content: turn.text })],
      log: [`researcher attempt ${seen.length}`],
      draft: turn.text,
      ...(turn.claims
        ? {
            claims: turn.claims.map((c) => ({
              origin: { agent: "researcher", source: "model" as const, ...(c.origin ?? {}) },
              confidence: 0.9,
              ...c,
            })),
          }
        : {}),
    };
  };
  return { producer, seen };
}

/** The parent graph with the guard in place of the researcher. */
export function guardedGraph(
  producer: (state: ParentValues, config: LangGraphRunnableConfig) => unknown,
  judge: ScriptedChatModel,
  options: Partial<BicrGuardOptions> = {},
) {
  const guard = createBicrGuard({ producer, challenger: createChallenger({ model: judge }), state: ParentState, ...options });
  return new StateGraph(ParentState)
    .addNode("intake", () => ({
      messages: [new HumanMessage("please compute 0.85^5"), new AIMessage({ name: "intake", content: "routing to research" })],
      log: ["intake"],
      draft: "none yet",
      claims: [{ id: "seed", text: "The relay has five stages.", origin: { agent: "intake", source: "human" as const }, confidence: 1 }],
    }))
    .addNode("researcher", guard, { metadata: { firebreak: guard.firebreak } })
    .addNode("reader", (state: ParentValues) => ({ log: [`reader saw: ${state.draft}`] }))
    .addEdge(START, "intake")
    .addEdge("intake", "researcher")
    .addEdge("researcher", "reader")
    .addEdge("reader", END);
}

export const TRUE_TURN: Turn = { text: "0.85^5 is about 0.44.", claims: [{ text: "0.85^5 is about 0.44" }] };
export const FALSE_TURN: Turn = { text: "0.85^5 is about 0.52.", claims: [{ text: "0.85^5 is about 0.52" }] };
