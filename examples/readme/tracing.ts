import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { claimsChannel, intentChannel } from "langgraph-firebreak";
import { createChallenger, guardNodeInPlace, guardRecordsChannel } from "langgraph-firebreak/nodes";
import { scriptedJudge } from "langgraph-firebreak/testing";
import { setupTracing } from "langgraph-firebreak/tracing";

const tracing = await setupTracing({ inMemory: true }); // or { otlp: { endpoint } } for Phoenix, { langfuse: true }
const State = new StateSchema({ intent: intentChannel(), claims: claimsChannel(), guardRecords: guardRecordsChannel() });
const claim = { text: "0.85^5 = 0.4437", confidence: 0.9, origin: { agent: "researcher", source: "model" as const } };
const builder = new StateGraph(State).addNode("researcher", () => ({ claims: [claim] })).addEdge(START, "researcher").addEdge("researcher", END);
guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: scriptedJudge(() => "green") }) });

await builder.compile().invoke({ intent: "What is 0.85^5?" }, { callbacks: tracing.callbacks });
await tracing.flush();
const stages = tracing.spans().filter((s) => s.name === "firebreak/bicr").map((s) => s.attributes["firebreak.stage"]);
console.log(stages.join(" ")); // → buffer challenge challenge isolate commit  (each guard stage is a span)
await tracing.shutdown(); // never throws, even when a collector is down
