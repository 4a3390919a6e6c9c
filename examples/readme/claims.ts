import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { claimsChannel, claimVerdicts, InvalidClaimError } from "langgraph-firebreak";

const State = new StateSchema({ claims: claimsChannel({ verifiers: ["challenger"] }) });
const graph = (node: string, update: () => object) => new StateGraph(State).addNode(node, update).addEdge(START, node).addEdge(node, END).compile();
const origin = { agent: "researcher", source: "model" as const };

const { claims } = await graph("researcher", () => ({
  claims: [
    { id: "c1", text: "0.85^5 is about 0.52", confidence: 0.9, origin },
    { id: "c2", text: "Relays are right half the time", confidence: 0.95, origin: { ...origin, basedOn: ["c1"] } },
  ],
})).invoke({});
console.log(claims.map((c) => `${c.id}:${c.requiresVerification}:${c.confidence}`).join(" ")); // → c1:false:0.9 c2:true:0.9  (doubt flows down)

const red = () => ({ claims: claimVerdicts("challenger", [{ id: "c1", status: "red", reason: "0.85^5 = 0.4437", evidence: ["calc:1"] }], { fetched: ["calc:1"] }) });
const checked = await graph("challenger", red).invoke({ claims });
console.log(checked.claims.map((c) => `${c.id}:${c.status}:${c.confidence}`).join(" ")); // → c1:red:0.9 c2:unverified:0
await graph("sneaky", red).invoke({ claims }).catch((e) => e instanceof InvalidClaimError && console.log(e.node, e.claimId)); // → sneaky c1
