import { nonEmpty, refusal, repetition, withSemanticBreaker } from "langgraph-firebreak";
import { ScriptedChatModel } from "langgraph-firebreak/testing";

// Scripted stand-ins: a provider answering HTTP 200 with junk, and a backup.
const degraded = new ScriptedChatModel({ script: ["", "the answer is ".repeat(40), "I'm sorry, I can't help."], whenExhausted: "loop" });
const backup = new ScriptedChatModel({ script: ["0.85^5 ≈ 0.44"] });

const model = withSemanticBreaker(degraded, {
  checks: [nonEmpty(), repetition(), refusal()],
  name: "primary",
  fallbacks: [{ model: backup, name: "backup" }],
  trip: 3, // three bad answers in a row open the circuit
});
for (let i = 0; i < 4; i++) console.log((await model.invoke("What is 0.85^5?")).content); // → 0.85^5 ≈ 0.44
console.log(degraded.callCount, model.breaker.status().map((p) => `${p.provider}:${p.state}`).join(" ")); // → 3 primary:open backup:closed
