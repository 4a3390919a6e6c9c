import { MemorySaver } from "@langchain/langgraph";
import { createSupervisorWorkerGraph } from "langgraph-firebreak/nodes";
import { ScriptedChatModel } from "langgraph-firebreak/testing";

// Scripted models stand in for real ones (any LangChain chat model works, e.g. ChatOpenAI).
const supervisor = new ScriptedChatModel({
  script: [{ structured: { next: "researcher", reason: "facts first" } }, { structured: { next: "writer", reason: "done" } }],
});
const researcher = new ScriptedChatModel({ script: ["0.85^5 = 0.4437"] });
const writer = new ScriptedChatModel({ script: ["About 44%."] });

const graph = createSupervisorWorkerGraph({
  supervisor,
  workers: { researcher: { description: "Finds and computes facts.", model: researcher } },
  writer,
  maxRounds: 6, // the supervisor must hand over to the writer by then
}).compile({ checkpointer: new MemorySaver(), interruptBefore: ["writer"] });

const config = { configurable: { thread_id: "t1" } };
await graph.invoke({ task: "How often is a 5-agent relay at 85% right?", messages: [] }, config);
console.log((await graph.getState(config)).next); // → [ 'writer' ]
console.log((await graph.invoke(null, config)).answer); // → About 44%.
