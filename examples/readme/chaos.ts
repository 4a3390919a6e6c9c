import { createChallenger, guardNode } from "langgraph-firebreak/nodes";
import {
  createCascadeGraph,
  createScriptedJudge,
  factsEvidence,
  runCampaign,
  simulateEpidemic,
} from "langgraph-firebreak/chaos";

// SCRIPTED agents: each adopts a teammate's answer with probability β (0.98 for the supervisor's),
// and a scripted judge with a real fact table checks claims. The rule is a parameter, not a model.
const team = () => createCascadeGraph({ workers: 4, adoption: 0.5, hubAdoption: 0.98, correction: 0.05 });
const challenger = createChallenger({
  model: createScriptedJudge({ recall: 0.9 }),
  evidence: factsEvidence({ "The capital of Australia is": "Canberra" }),
});

const report = await runCampaign(team, {
  input: { task: "What is the capital of Australia?" },
  faults: [{ kind: "falsehood", text: "The capital of Australia is", value: "Sydney" }],
  targets: ["hub", "leaf"],
  trials: 20,
  seed: 7, // seeded: the same numbers on every run
  guards: ["unguarded", "guarded"],
  guard: (builder, node) => guardNode(builder, node, { challenger, maxAttempts: 3, onExhausted: "degrade" }),
});
const line = (target: string, guard: string) => {
  const row = report.rows.find((r) => r.target === target && r.guard === guard)!;
  return `${target} ${guard}: infected ${(row.infectionRate * 100).toFixed(0)}%`;
};
console.log(line("hub", "unguarded")); // → hub unguarded: infected 98%  (a falsehood at the hub reaches nearly everyone)
console.log(line("leaf", "unguarded")); // → leaf unguarded: infected 12%
console.log(line("hub", "guarded")); // → hub guarded: infected 9%  (BICR guards on every agent)

// The same topology as a Monte Carlo epidemic: R = β·ρ/δ decides whether a falsehood dies out.
const epidemic = simulateEpidemic(team(), { beta: 0.5, delta: 0.5, steps: 30, trials: 200, seed: 1 });
console.log(epidemic.R > 1 ? "epidemic" : "dies out", epidemic.R.toFixed(2)); // → epidemic 2.00  (ρ = √4 for four workers)
