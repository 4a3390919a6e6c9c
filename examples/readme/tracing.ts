import { MemorySaver } from "@langchain/langgraph";
import { setupTracing } from "langgraph-firebreak/tracing";
import { buildExampleGraph } from "../supervisor-worker/graph.js";
import { scriptedModels } from "../supervisor-worker/models.js";

// Phoenix: setupTracing({ otlp: { endpoint: "http://localhost:6006/v1/traces" } }) (or PHOENIX_COLLECTOR_ENDPOINT)
// Langfuse: setupTracing({ langfuse: true }) with LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY / LANGFUSE_BASE_URL
// Here: the in-memory exporter, to print what either would receive.
const tracing = await setupTracing({ inMemory: true, sessionId: "demo" });

const graph = buildExampleGraph(scriptedModels()).compile({ checkpointer: new MemorySaver(), interruptBefore: ["writer"] });
await graph.invoke(
  { task: "How often is a 5-agent relay at 85% right?", messages: [] },
  { configurable: { thread_id: "traced" }, callbacks: tracing.callbacks },
);
await tracing.flush();

// Every guard stage is a firebreak/bicr span under the researcher node, with firebreak.* attributes.
const stages = tracing.spans().filter((s) => s.name === "firebreak/bicr" && s.attributes["firebreak.guard"] === "researcher");
console.log(stages.map((s) => s.attributes["firebreak.stage"]).join(" ")); // → buffer challenge challenge isolate recover buffer challenge challenge isolate commit
const recover = stages.find((s) => s.attributes["firebreak.stage"] === "recover")!;
console.log(recover.attributes["firebreak.discarded"], recover.attributes["firebreak.attempt"]); // → true 1  (the red attempt was thrown away)
await tracing.shutdown(); // never throws, even when the collector is down
