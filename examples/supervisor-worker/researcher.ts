/**
 * The researcher as a node of its own: the same model call as the template's model worker
 * (system prompt, task, the team's transcript), then it publishes its report with the "publish"
 * effect tool, passing the node's config so the tool knows it runs inside the guard.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { SupervisorWorkerStateType, SupervisorWorkerUpdate } from "langgraph-firebreak/nodes";

/** What the supervisor reads about the researcher (also its system prompt). */
export const RESEARCHER_DESCRIPTION = "Finds and computes the facts the task needs.";

const text = (content: unknown): string =>
  typeof content === "string" ? content : Array.isArray(content) ? content.map((p) => (typeof p === "string" ? p : String(p?.text ?? ""))).join("") : String(content ?? "");

/** Other agents' words as the model sees them: named human turns (as the template's workers do). */
function transcript(messages: BaseMessage[]): BaseMessage[] {
  return messages
    .filter((m) => m.getType() === "ai" || m.getType() === "human")
    .map((m) => (m.getType() === "ai" ? new HumanMessage({ content: `[${m.name ?? "agent"}] ${text(m.content)}` }) : m));
}

/** The researcher node: answers with its model, then publishes the answer (deferred under the guard). */
export function researcherNode(model: BaseChatModel, publish: StructuredToolInterface) {
  return async (state: SupervisorWorkerStateType, config: LangGraphRunnableConfig): Promise<SupervisorWorkerUpdate> => {
    const system = `You are the researcher. ${RESEARCHER_DESCRIPTION}`;
    const reply = await model.invoke([new SystemMessage(system), new HumanMessage(`Task: ${state.task}`), ...transcript(state.messages)], config);
    const report = text(reply.content);
    await publish.invoke({ report }, config);
    return { messages: [new AIMessage({ name: "researcher", content: report })] };
  };
}
