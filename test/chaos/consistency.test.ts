import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { chaosRng, measureConsistency } from "../../src/chaos/index.js";
import { claimsChannel } from "../../src/claims/index.js";

const State = Annotation.Root({ claims: claimsChannel(), answer: Annotation<string>(), question: Annotation<string>() });
type S = typeof State.State;

/** One agent that answers "Canberra" with probability `p`, else "Sydney" (seeded through the chaos run). */
function oneAgent(p: number) {
  return new StateGraph(State)
    .addNode("agent", (_s: S) => {
      const answer = chaosRng("agent").chance(p) ? "Canberra" : "Sydney";
      return { answer, claims: [{ text: "The capital of Australia is", value: answer, origin: { agent: "agent", source: "model" as const }, confidence: 0.7 }] };
    })
    .addEdge(START, "agent")
    .addEdge("agent", END);
}

describe("measureConsistency", () => {
  it("finds a deterministic graph unanimous", async () => {
    const report = await measureConsistency(oneAgent(1).compile(), { question: "q" }, { runs: 5 });
    expect(report).toEqual({
      runs: 5,
      errors: 0,
      answers: [{ answer: "Canberra", count: 5 }],
      answerAgreement: 1,
      claimAgreement: 1,
      unanimous: true,
    });
  });

  it("measures how often a wavering graph agrees with itself, reproducibly per seed", async () => {
    const graph = oneAgent(0.7).compile();
    const report = await measureConsistency(graph, { question: "q" }, { runs: 40, seed: 4 });
    expect(report.unanimous).toBe(false);
    expect(report.answers.map((a) => a.answer)).toEqual(["Canberra", "Sydney"]);
    expect(report.answerAgreement).toBe(report.answers[0]!.count / 40);
    expect(report.answerAgreement).toBeGreaterThan(0.5);
    expect(report.answerAgreement).toBeLessThan(0.95);
    // Pairs agree when both said the same: p² + (1−p)² of the time, well below 1.
    expect(report.claimAgreement).toBeGreaterThan(0.4);
    expect(report.claimAgreement).toBeLessThan(0.9);
    expect(await measureConsistency(graph, { question: "q" }, { runs: 40, seed: 4 })).toEqual(report);
  });

  it("gives every run of a checkpointed graph its own thread", async () => {
    const report = await measureConsistency(oneAgent(1).compile({ checkpointer: new MemorySaver() }), { question: "q" }, { runs: 3 });
    // On one shared thread the claims would pile up and the claim sets differ.
    expect(report.claimAgreement).toBe(1);
  });

  it("counts runs that throw and never calls a graph with errors unanimous", async () => {
    const failing = new StateGraph(State)
      .addNode("agent", () => {
        if (chaosRng("fail").chance(0.5)) throw new Error("boom");
        return { answer: "Canberra" };
      })
      .addEdge(START, "agent")
      .addEdge("agent", END)
      .compile();
    const report = await measureConsistency(failing, { question: "q" }, { runs: 10, seed: 2 });
    expect(report.errors).toBeGreaterThan(0);
    expect(report.errors).toBeLessThan(10);
    expect(report.answers).toEqual([{ answer: "Canberra", count: 10 - report.errors }]);
    expect(report.answerAgreement).toBe(1);
    expect(report.unanimous).toBe(false);
  });
});
