import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { createCheckpointer, durableConfig, rollbackTo } from "langgraph-firebreak/checkpointers";

const State = Annotation.Root({ draft: Annotation<string>() });
const builder = new StateGraph(State)
  .addNode("research", () => ({ draft: "0.85^5 = 0.44" }))
  .addNode("writer", (s: typeof State.State) => ({ draft: `Final: ${s.draft}` }))
  .addEdge(START, "research").addEdge("research", "writer").addEdge("writer", END);

const checkpointer = await createCheckpointer(); // DATABASE_URL, else an embedded PGlite in .firebreak/
const graph = builder.compile({ checkpointer: checkpointer.saver, interruptBefore: ["writer"] });
const config = durableConfig(`draft-${Date.now()}`);

await graph.invoke({ draft: "" }, config);
console.log((await graph.getState(config)).next); // → [ 'writer' ]  (the human gate)
await graph.updateState(config, { draft: "0.85^5 ≈ 0.4437" }); // a human edits
console.log((await graph.invoke(null, config)).draft); // → Final: 0.85^5 ≈ 0.4437
await rollbackTo(graph, config, { beforeNode: "writer" }); // fork back to the gate
await checkpointer.close();
