import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { describe, expect, it } from "vitest";
import { z } from "zod/v4";
import {
  createBicrGuard,
  createChallenger,
  createSupervisorWorkerGraph,
  guardNode,
  guardNodeInPlace,
  guardOf,
  SupervisorWorkerState,
  type SupervisorWorkerStateType,
  type WorkerSpec,
} from "../../nodes/index.js";
import { claimsChannel } from "../../src/claims/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { judgeAgainst } from "./support/judges.js";

// Scripted models stand in for model judgement throughout.

const calculator = tool(async ({ expression }: { expression: string }) => (expression === "0.85^5" ? "0.4437053125" : "unknown"), {
  name: "calculator",
  description: "Evaluates an arithmetic expression.",
  schema: z.object({ expression: z.string() }),
});

/** A react agent whose model first asks the calculator, then misreads it — unless the guard's feedback is in its prompt. */
function researchAgent() {
  const model = new ScriptedChatModel({
    label: "scripted react researcher",
    script: ({ messages }) => {
      const last = messages[messages.length - 1]!;
      if (last.getType() !== "tool") return { toolCalls: [{ name: "calculator", args: { expression: "0.85^5" } }] };
      const corrected = messages.some((m) => String(m.content).includes("[firebreak guard]"));
      return corrected ? "0.85^5 is about 0.44." : "0.85^5 is about 0.52.";
    },
  });
  return { agent: createReactAgent({ llm: model, tools: [calculator] }), model };
}

function team(researcher: WorkerSpec["node"]) {
  return createSupervisorWorkerGraph({
    supervisor: (state: SupervisorWorkerStateType) => (state.messages.some((m) => m.name === "researcher" || m.getType() === "tool") ? "writer" : "researcher"),
    workers: { researcher: { description: "computes", node: researcher } },
    writer: (state: SupervisorWorkerStateType) => ({ answer: `final: ${String(state.messages.filter((m) => m.name !== "supervisor").at(-1)?.content)}` }),
  });
}

describe("guardNodeInPlace", () => {
  it("guards a createReactAgent worker in place: the misread is blocked, the agent retries with feedback, the retry is committed", async () => {
    const { agent, model } = researchAgent();
    const judge = judgeAgainst("0.52");
    const builder = guardNodeInPlace(team(agent), "researcher", { challenger: createChallenger({ model: judge }), maxAttempts: 2 });
    const out = await builder.compile().invoke({ task: "compute 0.85^5", messages: [] });
    expect(judge.callCount).toBe(2);
    expect(model.callCount).toBe(4);
    const contents = out.messages.map((m) => String(m.content));
    expect(contents).toContain("0.85^5 is about 0.44.");
    expect(contents.join("\n")).not.toContain("0.52");
    expect(contents.join("\n")).not.toContain("[firebreak guard]");
    expect(out.answer).toBe("final: 0.85^5 is about 0.44.");
    expect(out.guardRecords[0]).toMatchObject({ guard: "researcher", outcome: "passed", blocked: 1 });
  });

  it("guards a compiled react agent given straight to createBicrGuard as the producer", async () => {
    const { agent } = researchAgent();
    const guard = createBicrGuard({ producer: agent, challenger: createChallenger({ model: judgeAgainst("0.52") }), state: SupervisorWorkerState, name: "researcher" });
    const graph = new StateGraph(SupervisorWorkerState)
      .addNode("researcher", guard, { metadata: { firebreak: guard.firebreak } })
      .addEdge(START, "researcher")
      .addEdge("researcher", END)
      .compile();
    const out = await graph.invoke({ task: "compute 0.85^5", messages: [new HumanMessage("compute 0.85^5")] });
    expect(out.messages.at(-1)!.content).toBe("0.85^5 is about 0.44.");
    // The agent's whole history came back; the parent's messages reducer keeps each message once.
    expect(out.messages.filter((m) => m.getType() === "human")).toHaveLength(1);
  });

  it("keeps the node's name, edges and metadata, and declares the guard for topology analysis", async () => {
    const builder = team(async () => ({ messages: [new AIMessage({ name: "researcher", content: "fine" })] }));
    guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: judgeAgainst("never") }), policy: "balanced", maxAttempts: 4 });
    expect(builder.nodes.researcher.metadata).toEqual({ firebreak: { role: "agent", guard: { producer: "researcher", policy: "balanced", maxAttempts: 4 } } });
    const graph = await builder.compile().getGraphAsync({ xray: true });
    const ids = graph.nodes ? Object.keys(graph.nodes) : [];
    expect(ids).toEqual(expect.arrayContaining(["researcher:produce", "researcher:challenge", "researcher:commit", "supervisor", "writer"]));
  });

  it("reads hub from the node's metadata for the balanced policy", () => {
    const builder = team(async () => ({}));
    builder.nodes.researcher.metadata = { firebreak: { role: "agent", hub: true } };
    guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: judgeAgainst("x") }), policy: "balanced" });
    expect(builder.nodes.researcher.metadata).toMatchObject({ firebreak: { hub: true, guard: { policy: "balanced" } } });
  });

  it("finds the hub from the topology for the balanced policy: the star's centre is reviewed fully, a leaf only where needed", async () => {
    const State = Annotation.Root({ task: Annotation<string>(), claims: claimsChannel(), turn: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }) });
    const sure = (agent: string) => (state: typeof State.State) => ({
      turn: state.turn + 1,
      claims: [{ text: `${agent} says a sure thing #${state.turn}`, origin: { agent, source: "model" as const }, confidence: 0.99 }],
    });
    const star = () => {
      const b = new StateGraph(State).addNode("router", sure("router")).addNode("a", sure("a")).addNode("b", sure("b")).addNode("c", sure("c"));
      b.addEdge(START, "router");
      b.addConditionalEdges("router", (s: typeof State.State) => (s.turn >= 6 ? END : (["a", "b", "c"][s.turn % 3] as string)), ["a", "b", "c", END]);
      for (const w of ["a", "b", "c"] as const) b.addEdge(w, "router");
      return b;
    };
    const reviewedWhenGuarding = async (name: "router" | "a") => {
      const judge = judgeAgainst("never");
      // `turn` is a counter the challenger cannot judge: declared pass-through, it is committed unreviewed.
      const builder = guardNodeInPlace(star(), name, { challenger: createChallenger({ model: judge }), policy: "balanced", passThrough: ["turn"] });
      await builder.compile().invoke({ task: "t" });
      return judge.callCount;
    };
    // Neither node declares hub metadata: the analysis finds the router (the star's centre).
    expect(await reviewedWhenGuarding("router")).toBeGreaterThan(0);
    expect(await reviewedWhenGuarding("a")).toBe(0);
  });

  it("names the missing node, refuses to guard twice, and rejects bad options", () => {
    const challenger = createChallenger({ model: judgeAgainst("x") });
    const builder = team(async () => ({}));
    expect(() => guardNodeInPlace(builder, "researchr", { challenger })).toThrow(/no node "researchr".*supervisor, researcher, writer/);
    guardNodeInPlace(builder, "researcher", { challenger });
    expect(() => guardNodeInPlace(builder, "researcher", { challenger })).toThrow(/already guarded/);
    expect(() => guardNodeInPlace(team(async () => ({})), "researcher", { challenger, maxAttempts: 0 })).toThrow(/guardNodeInPlace: maxAttempts received 0; allowed: an integer from 1 to 100/);
    expect(() => guardNodeInPlace(team(async () => ({})), "researcher", { challenger, blockOn: ["yellow"] })).toThrow(/a red verdict always blocks/);
    expect(() => createBicrGuard({ producer: async () => ({}), challenger, state: {} as never })).toThrow(/`state` must describe the parent graph's state/);
  });

  it("the guarded team still pauses at the human gate before the writer and resumes", async () => {
    const builder = guardNodeInPlace(team(async () => ({ messages: [new AIMessage({ name: "researcher", content: "fine" })] })), "researcher", {
      challenger: createChallenger({ model: judgeAgainst("never") }),
    });
    const graph = builder.compile({ checkpointer: new MemorySaver(), interruptBefore: ["writer"] });
    const config = { configurable: { thread_id: "gate" } };
    await graph.invoke({ task: "t", messages: [] }, config);
    expect((await graph.getState(config)).next).toEqual(["writer"]);
    const done = await graph.invoke(null, config);
    expect(done.answer).toBe("final: fine");
  });

  it("changes the builder it is given and returns that same builder; the deprecated guardNode does the same and names itself in errors", () => {
    const challenger = createChallenger({ model: judgeAgainst("x") });
    const builder = team(async () => ({}));
    const before = (builder as unknown as { nodes: Record<string, { runnable: unknown }> }).nodes["researcher"]!.runnable;
    expect(guardNodeInPlace(builder, "researcher", { challenger })).toBe(builder);
    expect(guardOf(builder, "researcher")).toBeDefined();
    expect(guardOf(builder, "researcher")).not.toBe(before);
    const old = team(async () => ({}));
    expect(guardNode(old, "researcher", { challenger })).toBe(old);
    expect(guardOf(old, "researcher")).toBeDefined();
    expect(() => guardNode(team(async () => ({})), "researcher", { challenger, maxAttempts: 0 })).toThrow(/^guardNode: maxAttempts/);
  });
});
