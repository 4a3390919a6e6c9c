import { createChallenger, guardNodeInPlace } from "langgraph-firebreak/nodes";
import { createCascadeGraph, createScriptedJudge, factsEvidence, runCampaign } from "langgraph-firebreak/chaos";

const facts = factsEvidence({ "The capital of Australia is": "Canberra" });
const challenger = createChallenger({ model: createScriptedJudge({ recall: 0.9 }), evidence: facts });
const report = await runCampaign(() => createCascadeGraph({ hubAdoption: 0.98 }), {
  input: { task: "What is the capital of Australia?" },
  faults: [{ kind: "falsehood", text: "The capital of Australia is", value: "Sydney" }],
  targets: ["hub"], trials: 20, seed: 7, guards: ["unguarded", "guarded"],
  guard: (builder, node) => guardNodeInPlace(builder, node, { challenger, onExhausted: "degrade" }),
});
for (const r of report.rows) console.log(`${r.guard}: ${(r.infectionRate * 100).toFixed(0)}% infected`); // scripted adopters and judge
// → unguarded: 98% infected
// → guarded: 0% infected
