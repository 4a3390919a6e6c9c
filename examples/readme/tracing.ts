import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { claimsChannel } from "langgraph-firebreak";
import { createChallenger, guardNodeInPlace } from "langgraph-firebreak/nodes";
import { scriptedJudge } from "langgraph-firebreak/testing";
import { setupTracing } from "langgraph-firebreak/tracing";

const tracing = await setupTracing({ inMemory: true }); // or { otlp: { endpoint } } for Phoenix, { langfuse: true }
const claim = { text: "0.85^5 = 0.4437", confidence: 0.9, origin: { agent: "a", source: "model" as const } };
const builder = new StateGraph(new StateSchema({ claims: claimsChannel() })).addNode("a", () => ({ claims: [claim] })).addEdge(START, "a").addEdge("a", END);
guardNodeInPlace(builder, "a", { challenger: createChallenger({ model: scriptedJudge(() => "green") }) }); // scripted stand-in

await builder.compile().invoke({}, { callbacks: tracing.callbacks });
await tracing.flush();
console.log(tracing.spans().filter((s) => s.name === "firebreak/bicr").map((s) => s.attributes["firebreak.stage"]).join(" ")); // → buffer challenge challenge isolate commit
await tracing.shutdown(); // never throws
