import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { analyzeTopology } from "langgraph-firebreak";
import { createChallenger, guardNodeInPlace } from "langgraph-firebreak/nodes";
import { scriptedJudge } from "langgraph-firebreak/testing";

const step = () => ({});
const team = new StateGraph(Annotation.Root({ next: Annotation<string>() }))
  .addNode("supervisor", step).addNode("a", step).addNode("b", step).addNode("c", step)
  .addEdge(START, "supervisor").addConditionalEdges("supervisor", (s) => s.next, ["a", "b", "c", END])
  .addEdge("a", "supervisor").addEdge("b", "supervisor").addEdge("c", "supervisor");

const report = analyzeTopology(team);
console.log(report.rho.toFixed(4), report.verdict, report.relay.depth); // → 1.7321 epidemic unbounded  (√3)
console.log(report.guards!.recommended.map((g) => g.node).join()); // → supervisor

const challenger = createChallenger({ model: scriptedJudge(() => "green") });
for (const g of report.guards!.recommended) guardNodeInPlace(team, g.node!, { challenger });
const after = analyzeTopology(team);
console.log(after.ok, after.relay.depth, after.R.toFixed(2)); // → true 2 0.57
