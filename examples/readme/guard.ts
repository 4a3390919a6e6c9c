import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { claimsChannel, intentChannel } from "langgraph-firebreak";
import { createChallenger, guardNode, guardRecordsChannel, readGuardFeedback } from "langgraph-firebreak/nodes";
import { scriptedJudge } from "langgraph-firebreak/testing";

const State = new StateSchema({ intent: intentChannel(), claims: claimsChannel(), guardRecords: guardRecordsChannel() });

// A producer that slips on its first attempt and corrects itself once it reads the guard's feedback.
const researcher = (_state: unknown, config: object) => {
  const feedback = readGuardFeedback(config);
  const text = feedback ? "0.85^5 = 0.4437" : "0.85^5 = 0.52";
  return { claims: [{ text, confidence: 0.9, origin: { agent: "researcher", source: "model" as const } }] };
};

// The challenger sees only the intent and the claims under review, never the discussion.
// Its judgement is scripted here (a stand-in for a model); its rule is a real computation.
const judge = scriptedJudge((claim) => (claim.text.includes(String(0.85 ** 5).slice(0, 6)) ? "green" : "red"));

const builder = new StateGraph(State).addNode("researcher", researcher).addEdge(START, "researcher").addEdge("researcher", END);

// Buffer → Isolate → Challenge → Recover, in place of the researcher.
guardNode(builder, "researcher", { challenger: createChallenger({ model: judge }), maxAttempts: 3, onExhausted: "fail" });

const out = await builder.compile().invoke({ intent: "How often is a relay of five agents at 85% right?" });
console.log(out.claims.map((c) => `${c.text} [${c.status}]`).join("; ")); // → 0.85^5 = 0.4437 [green]  (the falsehood never reached shared state)
console.log(out.guardRecords.map((r) => `${r.guard}: ${r.attempts.length} attempts, ${r.blocked} blocked, ${r.outcome}`).join()); // → researcher: 2 attempts, 1 blocked, passed
