import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { createChallenger, createSupervisorWorkerGraph, guardNodeInPlace } from "../../nodes/index.js";
import { analyzeTopology } from "../../src/topology/index.js";
import { isFirebreakError, isInvalidOutputError } from "../../src/errors.js";
import { ScriptedChatModel } from "../../src/testing/index.js";

// Scripted models stand in for model judgement in these tests.
function team(routes: string[]) {
  let i = 0;
  const supervisor = new ScriptedChatModel({ script: () => ({ structured: { next: routes[i++] ?? "writer", reason: "scripted" } }) });
  const researcher = new ScriptedChatModel({ script: ["fact A"] });
  const analyst = new ScriptedChatModel({ script: ["meaning of A"] });
  const writer = new ScriptedChatModel({ script: ["final answer"] });
  return { supervisor, researcher, analyst, writer };
}

function build(routes: string[], maxRounds?: number) {
  const m = team(routes);
  const builder = createSupervisorWorkerGraph({
    supervisor: m.supervisor,
    workers: {
      researcher: { description: "finds facts", model: m.researcher },
      analyst: { description: "interprets", model: m.analyst },
    },
    writer: m.writer,
    ...(maxRounds === undefined ? {} : { maxRounds }),
  });
  return { builder, ...m };
}

describe("createSupervisorWorkerGraph", () => {
  it("a router that names no worker fails the run with an InvalidOutputError listing the workers", async () => {
    const m = team([]);
    const builder = createSupervisorWorkerGraph({
      supervisor: () => "nobody",
      workers: { researcher: { description: "finds facts", model: m.researcher } },
      writer: m.writer,
    });
    const error = await builder.compile().invoke({ task: "t", messages: [] }).catch((e: unknown) => e);
    expect(isInvalidOutputError(error)).toBe(true);
    expect(error).toMatchObject({ source: "supervisor", received: '"nobody"', expected: "one of researcher, writer" });
    expect(String((error as Error).message)).toMatch(/Supervisor chose "nobody", which is not a worker of this graph/);
  });

  it("routes through the workers the supervisor picks, then the writer answers", async () => {
    const { builder } = build(["researcher", "analyst", "writer"]);
    const graph = builder.compile();
    const out = await graph.invoke({ task: "t", messages: [] });
    expect(out.answer).toBe("final answer");
    expect(out.messages.map((m: BaseMessage) => m.name)).toEqual(["supervisor", "researcher", "supervisor", "analyst", "supervisor", "writer"]);
    expect(out.round).toBe(3);
  });

  it("returns an uncompiled builder so the caller sets the human gate before the writer", async () => {
    const { builder } = build(["researcher", "writer"]);
    const graph = builder.compile({ checkpointer: new MemorySaver(), interruptBefore: ["writer"] });
    const config = { configurable: { thread_id: "gate" } };
    await graph.invoke({ task: "t", messages: [] }, config);
    const paused = await graph.getState(config);
    expect(paused.next).toEqual(["writer"]);
    expect(paused.values.answer).toBeUndefined();
    const done = await graph.invoke(null, config);
    expect(done.answer).toBe("final answer");
  });

  it("hands over to the writer when the round limit is reached", async () => {
    const { builder, researcher } = build(Array(20).fill("researcher"), 3);
    const out = await builder.compile().invoke({ task: "t", messages: [] });
    expect(out.answer).toBe("final answer");
    expect(researcher.callCount).toBe(3);
    expect(out.messages.some((m: BaseMessage) => String(m.content).includes("Round limit (3)"))).toBe(true);
  });

  it("workers see the task and the transcript; the supervisor is asked through structured output", async () => {
    const { builder, researcher, supervisor } = build(["researcher", "writer"]);
    await builder.compile().invoke({ task: "the task", messages: [] });
    const prompt = researcher.prompts[0]!;
    expect(prompt.some((m) => m instanceof HumanMessage && m.content === "Task: the task")).toBe(true);
    expect(String(supervisor.prompts[0]![0]!.content)).toContain("- researcher: finds facts");
  });

  it("accepts a node of your own as a worker and a function as the router", async () => {
    const builder = createSupervisorWorkerGraph({
      supervisor: (state) => (state.round === 0 ? "calc" : "writer"),
      workers: { calc: { description: "computes", node: () => ({ messages: [new AIMessage({ name: "calc", content: "42" })] }) } },
      writer: (state) => ({ answer: `answer: ${String(state.messages.at(-1)?.content)}` }),
    });
    const out = await builder.compile().invoke({ task: "t", messages: [] });
    expect(out.answer).toBe("answer: → writer");
    expect(out.messages.map((m: BaseMessage) => String(m.content))).toContain("42");
  });

  it("rejects a router that names a node the graph does not have, naming the choices", async () => {
    const builder = createSupervisorWorkerGraph({
      supervisor: () => "nobody",
      workers: { calc: { description: "computes", node: () => ({}) } },
      writer: () => ({ answer: "x" }),
    });
    const error = await builder.compile().invoke({ task: "t", messages: [] }).catch((e: unknown) => e);
    expect(isFirebreakError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/"nobody".*calc, writer/);
  });

  it("rejects bad options with a message that says what to do", () => {
    expect(() => createSupervisorWorkerGraph({ supervisor: () => "writer", workers: {}, writer: () => ({}) })).toThrow(/at least one worker/);
    expect(() =>
      createSupervisorWorkerGraph({ supervisor: () => "writer", workers: { writer: { description: "x", node: () => ({}) } }, writer: () => ({}) }),
    ).toThrow(/workers.writer received "writer"; allowed: .*"writer".*\(reserved; rename the worker\)/);
    expect(() =>
      createSupervisorWorkerGraph({ supervisor: () => "writer", workers: { a: { description: "x" } }, writer: () => ({}) }),
    ).toThrow(/workers.a received .*exactly one of `model` or `node`/);
  });

  it("carries a claims channel and guard records in its state, empty until someone writes them", async () => {
    const { builder } = build(["writer"]);
    const out = await builder.compile().invoke({ task: "t", messages: [] });
    expect(out.claims).toEqual([]);
    expect(out.guardRecords).toEqual([]);
    const claims = await createSupervisorWorkerGraph({
      supervisor: (state) => (state.round === 0 ? "calc" : "writer"),
      workers: { calc: { description: "computes", node: () => ({ claims: [{ text: "2+2=4", origin: { agent: "calc", source: "tool" as const }, confidence: 1 }] }) } },
      writer: () => ({ answer: "4" }),
    })
      .compile()
      .invoke({ task: "t", messages: [] });
    expect(claims.claims.map((c) => [c.text, c.status, c.origin.agent])).toEqual([["2+2=4", "unverified", "calc"]]);
  });

  it("tags every node with a firebreak role for the topology analysis", () => {
    const { builder } = build(["writer"]);
    const roles = Object.fromEntries(Object.entries(builder.nodes).map(([name, spec]) => [name, (spec.metadata as any)?.firebreak?.role]));
    expect(roles).toEqual({ supervisor: "agent", researcher: "agent", analyst: "agent", writer: "agent" });
  });

  it("applies a retry policy to every node, and a guarded node keeps it visible to the topology analysis", () => {
    const m = team(["writer"]);
    const builder = createSupervisorWorkerGraph({
      supervisor: m.supervisor,
      workers: { researcher: { description: "finds facts", model: m.researcher } },
      writer: m.writer,
      retryPolicy: { maxAttempts: 3 },
    });
    expect(Object.values(builder.nodes).map((n) => n.retryPolicy?.maxAttempts)).toEqual([3, 3, 3]);
    const retriesBefore = analyzeTopology(builder).tier.controls.find((c) => c.id.includes("retr"));
    guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: new ScriptedChatModel({ script: [""] }) }) });
    expect(builder.nodes["researcher"]!.retryPolicy).toBeUndefined();
    const retriesAfter = analyzeTopology(builder).tier.controls.find((c) => c.id.includes("retr"));
    expect(retriesBefore?.status).toBe("present");
    expect(retriesAfter?.status).toBe("present");
  });
});
