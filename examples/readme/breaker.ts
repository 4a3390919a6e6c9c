import { isFirebreakError, nonEmpty, refusal, repetition, withSemanticBreaker } from "langgraph-firebreak";
import { ScriptedChatModel } from "langgraph-firebreak/testing";

// A degraded provider answering HTTP 200 with junk, and a healthy backup (both scripted here;
// in production they are e.g. ChatOpenAI and ChatAnthropic).
const degraded = new ScriptedChatModel({ script: ["", "the answer is ".repeat(40), "I'm sorry, I can't help with that."], whenExhausted: "loop" });
const backup = new ScriptedChatModel({ script: ["0.85^5 ≈ 0.44"] });

const model = withSemanticBreaker(degraded, {
  checks: [nonEmpty(), repetition(), refusal()],
  name: "primary",
  fallbacks: [{ model: backup, name: "backup" }],
  trip: 3, // three bad answers in a row open the primary's circuit
  halfOpenAfter: 30_000, // then one trial call after 30 s
});
model.onBreak((event) => console.log(`breaker opened: ${event.provider}`)); // → breaker opened: primary

for (let i = 0; i < 4; i++) console.log((await model.invoke("What is 0.85^5?")).content); // → 0.85^5 ≈ 0.44
console.log(degraded.callCount); // → 3  (once open, the primary is not called at all)
console.log(model.breaker.status().map((p) => `${p.provider}:${p.state}`).join(" ")); // → primary:open backup:closed

// Without a fallback, an open circuit fails fast with an error that names each provider's state.
const alone = withSemanticBreaker(new ScriptedChatModel({ script: [""] }), { checks: [nonEmpty()], trip: 1 });
await alone.invoke("x").catch(() => {});
await alone.invoke("x").catch((error) => console.log(isFirebreakError(error) && error.code)); // → BROKEN_CIRCUIT
