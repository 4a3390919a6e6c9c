import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { claimsChannel } from "langgraph-firebreak";
import { createChallenger, guardNodeInPlace, guardRecordsChannel, readGuardFeedback } from "langgraph-firebreak/nodes";
import { scriptedJudge } from "langgraph-firebreak/testing";

const State = new StateSchema({ claims: claimsChannel(), guardRecords: guardRecordsChannel() });
const researcher = (_state: unknown, config: object) => {
  const text = readGuardFeedback(config) ? "0.85^5 = 0.4437" : "0.85^5 = 0.52";
  return { claims: [{ text, confidence: 0.9, origin: { agent: "researcher", source: "model" as const } }] };
};
const judge = scriptedJudge((claim) => (claim.text.endsWith("0.4437") ? "green" : "red")); // scripted stand-in for a model

const builder = new StateGraph(State).addNode("researcher", researcher).addEdge(START, "researcher").addEdge("researcher", END);
guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: judge }), maxAttempts: 3 });
const out = await builder.compile().invoke({});
console.log(out.claims.map((c) => `${c.text} [${c.status}]`).join()); // → 0.85^5 = 0.4437 [green]  (the falsehood never reached state)
console.log(out.guardRecords.map((r) => `${r.attempts.length} attempts, ${r.blocked} blocked`).join()); // → 2 attempts, 1 blocked
