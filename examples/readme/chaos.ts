import { createChallenger, guardNodeInPlace } from "langgraph-firebreak/nodes";
import { createCascadeGraph, createScriptedJudge, factsEvidence, runCampaign } from "langgraph-firebreak/chaos";

// Scripted agents adopt a teammate's answer with probability β; a scripted judge checks a fact table.
const team = () => createCascadeGraph({ workers: 4, adoption: 0.5, hubAdoption: 0.98, correction: 0.05 });
const facts = factsEvidence({ "The capital of Australia is": "Canberra" });
const challenger = createChallenger({ model: createScriptedJudge({ recall: 0.9 }), evidence: facts });

const report = await runCampaign(team, {
  input: { task: "What is the capital of Australia?" },
  faults: [{ kind: "falsehood", text: "The capital of Australia is", value: "Sydney" }],
  targets: ["hub", "leaf"],
  trials: 20,
  seed: 7,
  guards: ["unguarded", "guarded"],
  guard: (builder, node) => guardNodeInPlace(builder, node, { challenger, onExhausted: "degrade" }),
});
for (const r of report.rows) console.log(`${r.target} ${r.guard}: infected ${(r.infectionRate * 100).toFixed(0)}%`);
// → hub unguarded: infected 98%
// → hub guarded: infected 9%
// → leaf unguarded: infected 12%
