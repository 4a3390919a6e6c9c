/**
 * Graphs that `npm run studio` (LangGraph Studio through `@langchain/langgraph-cli dev`)
 * exposes; `langgraph.json` maps each graph id to an export of this module.
 *
 * To add a graph: export it here (compiled, or a builder — the dev server compiles
 * builders), then add `"<id>": "./examples/studio/graphs.ts:<export>"` to `langgraph.json`.
 * Never pass a checkpointer: the dev server installs its own and overwrites any other.
 *
 * With `PHOENIX_COLLECTOR_ENDPOINT` set (e.g. `http://localhost:6006`), every run Studio
 * starts is also traced to Phoenix; unset, this loads nothing and costs nothing.
 */
import { Annotation, END, START, StateGraph, interrupt } from "@langchain/langgraph";
import { nonEmpty, withSemanticBreaker } from "langgraph-firebreak";
import { ScriptedChatModel } from "langgraph-firebreak/testing";
import { setupTracing, topologyMetadata } from "langgraph-firebreak/tracing";
import { buildExampleGraph } from "../supervisor-worker/graph.js";
import { scriptedModels } from "../supervisor-worker/models.js";

// OpenInference instruments LangChain process-wide, so the server's runs need no callbacks.
await setupTracing({ langfuse: false, projectName: "langgraph-firebreak-studio" });

/** State of the gated relay: the task, a draft, the human's decision and what got out. */
export const GatedRelayState = Annotation.Root({
  task: Annotation<string>(),
  draft: Annotation<string>(),
  approved: Annotation<boolean>(),
  published: Annotation<string>(),
});

/** What the human gate asks, and what it expects back as the resume value. */
export interface GateQuestion {
  question: string;
  draft: string;
}

/** The resume value the human gate accepts: `{ approved: true }` or `{ approved: false }`. */
export interface GateDecision {
  approved: boolean;
}

/**
 * A three-step relay with a human gate before anything leaves the graph: it writes a
 * SCRIPTED draft (no model, offline) in `write_draft`, `human_gate` pauses with `interrupt()` until a person
 * approves or rejects it, `publish` releases the draft only when approved.
 */
export const gatedRelay = new StateGraph(GatedRelayState)
  .addNode("write_draft", (state) => ({
    draft: `[scripted] Five stages at 85% each are right together 0.85^5 ≈ 44% of the time (task: ${state.task}).`,
  }))
  .addNode("human_gate", (state) => {
    const decision = interrupt<GateQuestion, GateDecision>({ question: "Publish this draft?", draft: state.draft });
    return { approved: decision?.approved === true };
  })
  .addNode("publish", (state) => ({ published: state.approved ? state.draft : "(withheld by the reviewer)" }))
  .addEdge(START, "write_draft")
  .addEdge("write_draft", "human_gate")
  .addEdge("human_gate", "publish")
  .addEdge("publish", END)
  .compile({ name: "gated_relay" });

const guardedTeam = buildExampleGraph(scriptedModels()).compile({ interruptBefore: ["writer"], name: "supervisor_worker" });

/**
 * The guarded supervisor–worker example (`npm start`) with its SCRIPTED models, so it runs
 * offline: the researcher's first answer is false, the BICR guard's challenger (scripted
 * judgement, real calculator) marks it red, the guard blocks it and the researcher retries
 * with feedback; the run pauses before the writer (`interruptBefore` set here, honoured by
 * the dev server with its own checkpointer). Resume from the human gate with a run whose
 * input is `null`. Every run carries the graph's `firebreak.topology.*` metadata (ρ = √2,
 * tier 2), which the tracing puts on the graph's span.
 */
export const supervisorWorker = guardedTeam.withConfig({ metadata: { ...topologyMetadata(guardedTeam) } });

/**
 * The semantic circuit breaker inside the server: a SCRIPTED degraded provider (HTTP 200-style
 * empty answers) behind `withSemanticBreaker`, failing over to a scripted backup. Two bad answers
 * open the primary's circuit; the breaker lives in the server process, so its state carries from
 * one run to the next, as it would in a deployment.
 */
const breakerModel = withSemanticBreaker(new ScriptedChatModel({ script: [""], whenExhausted: "loop" }), {
  name: "primary",
  checks: [nonEmpty()],
  fallbacks: [{ model: new ScriptedChatModel({ script: ["0.85^5 ≈ 0.4437"], whenExhausted: "loop" }), name: "backup" }],
  trip: 2,
});

/** State of the breaker graph: the question, the answer, and the circuits after the call. */
export const BreakerState = Annotation.Root({ question: Annotation<string>(), answer: Annotation<string>(), circuits: Annotation<string>() });

/** One node asking the breaker-wrapped model; `circuits` shows each provider's state after the call. */
export const breakerFailover = new StateGraph(BreakerState)
  .addNode("ask", async (state, config) => {
    const reply = await breakerModel.invoke(state.question, config);
    return { answer: String(reply.content), circuits: breakerModel.breaker.status().map((p) => `${p.provider}:${p.state}`).join(" ") };
  })
  .addEdge(START, "ask")
  .addEdge("ask", END)
  .compile({ name: "breaker_failover" });
