import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { z } from "zod";
import { claimsChannel, effectTool } from "langgraph-firebreak";
import { createChallenger, guardNodeInPlace, guardRecordsChannel, readGuardFeedback } from "langgraph-firebreak/nodes";
import { scriptedJudge } from "langgraph-firebreak/testing";

const reports = new Map<string, string>(); // stands in for a table with a unique idempotency key
const tickets = new Set<string>(); // stands in for a ticket service
const publish = effectTool({
  name: "publish", description: "Publish the report", schema: z.object({ text: z.string() }), mode: "defer",
  run: ({ text }, { idempotencyKey }) => void reports.set(idempotencyKey, text),
});
const ticket = effectTool({
  name: "open_ticket", description: "Open a ticket", schema: z.object({ title: z.string() }), mode: "compensate",
  run: ({ title }, { idempotencyKey }) => void tickets.add(`${idempotencyKey} ${title}`),
  compensate: ({ title }, _result, { idempotencyKey }) => void tickets.delete(`${idempotencyKey} ${title}`),
});

const State = new StateSchema({ claims: claimsChannel(), guardRecords: guardRecordsChannel() });
const researcher = async (_state: unknown, config: object) => {
  const text = readGuardFeedback(config) ? "0.85^5 = 0.4437" : "0.85^5 = 0.52";
  await ticket.invoke({ title: `check ${text}` }, config); // runs now; undone if this attempt is blocked
  await publish.invoke({ text }, config); // runs only once this attempt passes
  return { claims: [{ text, confidence: 0.9, origin: { agent: "researcher", source: "model" as const } }] };
};
const judge = scriptedJudge((claim) => (claim.text.endsWith("0.4437") ? "green" : "red")); // scripted stand-in for a model
const builder = new StateGraph(State).addNode("researcher", researcher).addEdge(START, "researcher").addEdge("researcher", END);
guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: judge }), maxAttempts: 3 });
const out = await builder.compile().invoke({});
console.log([...reports.values()].join()); // → 0.85^5 = 0.4437  (the blocked attempt's report was never published)
console.log(tickets.size); // → 1  (the blocked attempt's ticket was closed before the retry)
console.log(out.guardRecords[0]!.effects!.map((e) => `${e.tool}#${e.attempt} ${e.status}`).join(", "));
// → open_ticket#1 compensated, publish#1 dropped, open_ticket#2 kept, publish#2 executed
