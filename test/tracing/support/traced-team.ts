import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { emitFirebreakEvent, withFirebreakRun } from "../../../src/internal/events.js";
import { scriptedTraceModel } from "./scripted-model.js";

/** State of the traced team: the task, the draft and the verdict of the guard. */
export const TeamState = Annotation.Root({
  task: Annotation<string>(),
  draft: Annotation<string>(),
  verdict: Annotation<string>(),
});

/**
 * A two-level graph for tracing tests and the tracing bench: `worker` calls a scripted
 * model and reports a breaker trip; `guard` is a nested subgraph whose `challenge` node
 * runs the scripted challenger inside a `firebreak/guard` run and emits a red verdict.
 * It emits what the real guard and breaker will emit; the models are SCRIPTED.
 */
export function buildTracedTeam(models = { worker: scriptedTraceModel("draft answer"), challenger: scriptedTraceModel("claim c2 is contradicted") }) {
  const guard = new StateGraph(TeamState)
    .addNode("buffer", async (_state, config) => {
      await emitFirebreakEvent("guard", { stage: "buffer", attempt: 1 }, config);
      return {};
    })
    .addNode("challenge", async (state, config) => {
      const reply = await withFirebreakRun("guard", { stage: "challenge", attempt: 1 }, config, (child) =>
        models.challenger.invoke(`Check: ${state.draft}`, child),
      );
      await emitFirebreakEvent(
        "verdict",
        { verdict: "red", attempt: 1, claimIds: ["c1", "c2"], origins: { c2: "worker" }, reason: String(reply.content) },
        config,
      );
      return { verdict: "red" };
    })
    .addEdge(START, "buffer")
    .addEdge("buffer", "challenge")
    .addEdge("challenge", END)
    .compile({ name: "bicr-guard" });

  return new StateGraph(TeamState)
    .addNode("worker", async (state, config) => {
      const reply = await models.worker.invoke(state.task, config);
      await emitFirebreakEvent("breaker", { state: "open", from: "closed", failingCheck: "schema", provider: "scripted" }, config);
      return { draft: String(reply.content) };
    })
    .addNode("guard", guard)
    .addEdge(START, "worker")
    .addEdge("worker", "guard")
    .addEdge("guard", END);
}
