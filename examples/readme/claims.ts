import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { claimsChannel, claimVerdicts, confirmingContexts, InvalidClaimError, toPosterior } from "langgraph-firebreak";

// One line adds the claims channel to your state.
const State = new StateSchema({ claims: claimsChannel({ verifiers: ["challenger"] }) });

const graph = new StateGraph(State)
  // Agent 1 states a figure it has not checked.
  .addNode("researcher", () => ({
    claims: [{ id: "c1", text: "0.85^5 is about 0.52", value: 0.52, confidence: 0.9, origin: { agent: "researcher", source: "model" as const } }],
  }))
  // Agents 2 and 3 build on it, with lineage.
  .addNode("analyst", () => ({
    claims: [{ id: "c2", text: "A 5-agent relay is right about half the time", confidence: 0.95, origin: { agent: "analyst", source: "model" as const, basedOn: ["c1"] } }],
  }))
  .addNode("writer", () => ({
    claims: [{ id: "c3", text: "Relays of five are acceptable", confidence: 0.8, origin: { agent: "writer", source: "model" as const, basedOn: ["c2"] } }],
  }))
  .addEdge(START, "researcher").addEdge("researcher", "analyst").addEdge("analyst", "writer").addEdge("writer", END)
  .compile();

const { claims } = await graph.invoke({});
console.log(confirmingContexts(claims, "c1")); // → 2  (two later agents lean on an unchecked claim)
console.log(claims.map((c) => `${c.id}:${c.requiresVerification}`).join(" ")); // → c1:false c2:true c3:true  (doubt propagates)
console.log(claims[1]!.confidence, claims[1]!.statedConfidence); // → 0.9 0.95  (capped by its parent's confidence)
console.log(JSON.stringify(toPosterior(claims).claims[0])); // the structured posterior the next agent reads

// Only the node the graph declares as verifier can label a claim; verified claims are handed on as input.
const check = (node: string) =>
  new StateGraph(State)
    .addNode(node, () => ({ claims: claimVerdicts("challenger", [{ id: "c1", status: "red", reason: "0.85^5 = 0.4437", evidence: ["calc:1"] }], { fetched: ["calc:1"] }) }))
    .addEdge(START, node).addEdge(node, END)
    .compile();
const checked = await check("challenger").invoke({ claims });
console.log(checked.claims.map((c) => `${c.id}:${c.status}:${c.confidence}`).join(" ")); // → c1:red:0.9 c2:unverified:0 c3:unverified:0  (doubt and the cap reach every descendant)
try {
  await check("sneaky").invoke({ claims }); // the same verdict, written by another node
} catch (error) {
  if (error instanceof InvalidClaimError) console.log(error.node, error.claimId, error.verifier); // → sneaky c1 challenger
}
