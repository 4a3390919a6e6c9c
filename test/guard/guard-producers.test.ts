import { AIMessage } from "@langchain/core/messages";
import { Command, END, interrupt, MemorySaver, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { createBicrGuard, createChallenger, readGuardFeedback } from "../../nodes/index.js";
import { FALSE_TURN, guardedGraph, ParentState, scriptedProducer, TRUE_TURN, type ParentValues } from "./support/parent-graph.js";
import { judgeAgainst } from "./support/judges.js";

// Scripted models stand in for model judgement throughout.

const INPUT = { task: "compute 0.85^5", messages: [] };

describe("what a guarded producer may do", () => {
  it("an interrupt() inside the producer reaches the parent untouched and resumes into the guard", async () => {
    const producer = async () => {
      const answer = interrupt<string, string>("which figure should I report?");
      return { draft: answer, claims: [{ text: `0.85^5 is about ${answer}`, origin: { agent: "researcher", source: "human" as const }, confidence: 1 }] };
    };
    const graph = guardedGraph(producer, judgeAgainst("0.52")).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "producer-interrupt" } };
    await graph.invoke(INPUT, config);
    const paused = await graph.getState(config);
    expect(paused.tasks[0]!.interrupts[0]!.value).toBe("which figure should I report?");
    const out = await graph.invoke(new Command({ resume: "0.44" }), config);
    expect(out.draft).toBe("0.44");
    expect(out.claims.at(-1)).toMatchObject({ text: "0.85^5 is about 0.44", status: "green" });
  });

  it("a producer's Command goto is honoured after the commit", async () => {
    const guard = createBicrGuard({
      producer: () => new Command({ update: { draft: "0.85^5 is about 0.44" }, goto: "second" }),
      challenger: createChallenger({ model: judgeAgainst("0.52") }),
      state: ParentState,
    });
    const graph = new StateGraph(ParentState)
      .addNode("researcher", guard, { ends: ["first", "second"] })
      .addNode("first", () => ({ log: ["first"] }))
      .addNode("second", () => ({ log: ["second"] }))
      .addEdge(START, "researcher")
      .addEdge("first", END)
      .addEdge("second", END)
      .compile();
    const out = await graph.invoke(INPUT);
    expect(out.log).toEqual(["second"]);
    expect(out.guardRecords[0]).toMatchObject({ outcome: "passed" });
  });

  it('feedback "config" leaves the producer\'s messages alone and hands the package over in the config', async () => {
    const { producer, seen } = scriptedProducer([FALSE_TURN, TRUE_TURN]);
    await guardedGraph(producer, judgeAgainst("0.52"), { feedback: "config" }).compile().invoke(INPUT);
    expect(seen[1]!.state.messages).toEqual(seen[0]!.state.messages);
    expect(readGuardFeedback(seen[1]!.config)?.failed[0]?.text).toBe("0.85^5 is about 0.52");
  });

  it("a feedback function decides what the retried producer sees", async () => {
    const { producer, seen } = scriptedProducer([FALSE_TURN, TRUE_TURN]);
    await guardedGraph(producer, judgeAgainst("0.52"), { feedback: (state, fb) => ({ ...state, draft: `avoid: ${fb.failed[0]!.text}` }) }).compile().invoke(INPUT);
    expect(seen[1]!.state.draft).toBe("avoid: 0.85^5 is about 0.52");
  });

  it("records the taints of the claims it blocked, inherited ones included, for fault injection", async () => {
    let attempt = 0;
    const producer = async (_state: ParentValues, _config: LangGraphRunnableConfig) => {
      attempt++;
      if (attempt > 1) return { messages: [new AIMessage("0.85^5 is about 0.44.")], claims: [{ text: "0.85^5 is about 0.44", origin: { agent: "researcher", source: "model" as const }, confidence: 0.9 }] };
      return {
        claims: [
          { id: "planted", text: "0.85^5 is about 0.52", origin: { agent: "researcher", source: "model" as const }, confidence: 0.9, taint: ["fault-7"] },
          { id: "derived", text: "so half the runs succeed, as 0.52 shows", origin: { agent: "researcher", source: "model" as const, basedOn: ["planted"] }, confidence: 0.9 },
        ],
      };
    };
    const out = await guardedGraph(producer, judgeAgainst("0.52")).compile().invoke(INPUT);
    const record = out.guardRecords[0]!;
    expect(record.blockedTaints).toEqual(["fault-7"]);
    expect(record.attempts[0]!.claims.map((c) => [c.id, c.verdict, c.taint])).toEqual([
      ["planted", "red", ["fault-7"]],
      ["derived", "red", ["fault-7"]],
    ]);
    expect(out.claims.some((c) => c.taint?.includes("fault-7"))).toBe(false);
  });
});
