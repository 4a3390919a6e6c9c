import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { analyzeTopology, compileWithFirebreak, isTopologyError } from "langgraph-firebreak";

const State = Annotation.Root({ text: Annotation<string>(), next: Annotation<string>() });
const agent = { metadata: { firebreak: { role: "agent" as const } } };
const step = () => ({});

// A supervisor with three workers, each reporting back: supervisor ⇄ worker cycles.
const team = new StateGraph(State)
  .addNode("supervisor", step, agent)
  .addNode("a", step, agent)
  .addNode("b", step, agent)
  .addNode("c", step, agent)
  .addEdge(START, "supervisor")
  .addConditionalEdges("supervisor", (s) => s.next, ["a", "b", "c", END])
  .addEdge("a", "supervisor")
  .addEdge("b", "supervisor")
  .addEdge("c", "supervisor");

const report = analyzeTopology(team, { beta: 0.5, delta: 0.5 });
console.log(report.rho.toFixed(4)); // → 1.7321  (√3: a star of 3 workers, both ways)
console.log(report.verdict, report.R.toFixed(2)); // → epidemic 1.73  (β·ρ/δ > 1: one falsehood can spread)
console.log(report.seeds[0]?.node); // → supervisor  (the most dangerous place to be wrong)
console.log(report.relay.depth, report.relay.path.join(" → ")); // → unbounded supervisor → a  (an agent cycle with no verifier)

// The same rules at compile time: a pipeline of five unverified agents fails the build.
const pipeline = new StateGraph(State)
  .addNode("s1", step, agent).addNode("s2", step, agent).addNode("s3", step, agent)
  .addNode("s4", step, agent).addNode("s5", step, agent)
  .addEdge(START, "s1").addEdge("s1", "s2").addEdge("s2", "s3").addEdge("s3", "s4").addEdge("s4", "s5").addEdge("s5", END);
try {
  compileWithFirebreak(pipeline, { maxRelayDepth: 3 });
} catch (error) {
  if (isTopologyError(error)) console.log(error.findings.map((f) => f.code).join(",")); // → RELAY_DEPTH_EXCEEDED
  if (isTopologyError(error)) console.log(error.message.split("\n")[0]);
}
