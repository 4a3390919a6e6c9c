import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { describe, expect, it } from "vitest";
import { BICR_EVENT, type BicrEventPayload } from "../../nodes/index.js";
import { FALSE_TURN, guardedGraph, scriptedProducer, TRUE_TURN } from "./support/parent-graph.js";
import { judgeAgainst } from "./support/judges.js";

// Scripted models stand in for model judgement throughout.

const INPUT = { task: "compute 0.85^5", messages: [] };

class Recorder extends BaseCallbackHandler {
  name = "recorder";
  events: Array<{ name: string; data: BicrEventPayload }> = [];
  chains = new Map<string, { parentRunId?: string; metadata?: Record<string, unknown> }>();
  models: Array<{ parentRunId?: string }> = [];
  override handleCustomEvent(name: string, data: BicrEventPayload) {
    this.events.push({ name, data });
  }
  override handleChainStart(_c: unknown, _i: unknown, runId: string, _t?: string, _tags?: string[], metadata?: Record<string, unknown>, _runName?: string, parentRunId?: string) {
    this.chains.set(runId, { ...(parentRunId === undefined ? {} : { parentRunId }), ...(metadata === undefined ? {} : { metadata }) });
  }
  override handleChatModelStart(_l: unknown, _m: unknown, _runId: string, parentRunId?: string) {
    this.models.push({ ...(parentRunId === undefined ? {} : { parentRunId }) });
  }
}

describe("firebreak/bicr events", () => {
  it("streams every stage of a blocked-then-passed handoff, in order, on streamMode custom", async () => {
    const { producer } = scriptedProducer([FALSE_TURN, TRUE_TURN]);
    const graph = guardedGraph(producer, judgeAgainst("0.52")).compile();
    const chunks: Array<{ name: string; data: BicrEventPayload }> = [];
    for await (const chunk of await graph.stream(INPUT, { streamMode: "custom" })) chunks.push(chunk as never);
    expect(chunks.every((c) => c.name === BICR_EVENT)).toBe(true);
    expect(chunks.map((c) => `${c.data.stage}#${c.data.attempt}`)).toEqual([
      "buffer#1",
      "challenge#1",
      "isolate#1",
      "recover#1",
      "buffer#2",
      "challenge#2",
      "isolate#2",
      "commit#2",
    ]);
    const challenge = chunks[1]!.data as BicrEventPayload & { verdicts: Array<{ verdict: string }>; blocked: boolean };
    expect(challenge).toMatchObject({ guard: "researcher", maxAttempts: 3, blocked: true });
    // The claim, the message, the log entry and the draft: every effect is judged.
    expect(challenge.verdicts.map((v) => v.verdict)).toEqual(["red", "red", "green", "red"]);
    expect(chunks[2]!.data).toMatchObject({ decision: "recover" });
    expect(chunks[7]!.data).toMatchObject({ outcome: "passed", blocked: 1, record: { kind: "firebreak/guard-record" } });
  });

  it("reaches callbacks as custom events and as child runs whose metadata carries stage, attempt and verdicts", async () => {
    const { producer } = scriptedProducer([FALSE_TURN, TRUE_TURN]);
    const graph = guardedGraph(producer, judgeAgainst("0.52")).compile();
    const recorder = new Recorder();
    // Named as a tracer, the handler keeps seeing the guard's internals (child runs, model calls).
    const graph2 = guardedGraph(producer, judgeAgainst("0.52"), { tracers: ["recorder"] }).compile();
    void graph;
    await graph2.invoke(INPUT, { callbacks: [recorder] });
    expect(recorder.events.filter((e) => e.name === BICR_EVENT).map((e) => e.data.stage)).toEqual([
      "buffer", "challenge", "isolate", "recover", "buffer", "challenge", "isolate", "commit",
    ]);
    const runs = [...recorder.chains.entries()].filter(([, r]) => r.metadata?.["firebreak.event"] === "bicr");
    const verdictRun = runs.find(([, r]) => r.metadata?.["firebreak.stage"] === "challenge" && r.metadata?.["firebreak.verdicts"] !== undefined);
    expect(verdictRun![1].metadata).toMatchObject({ "firebreak.event": "bicr", "firebreak.guard": "researcher", "firebreak.attempt": 1 });
    expect(String(verdictRun![1].metadata!["firebreak.verdicts"])).toContain('"verdict":"red"');
    // The challenger's model calls nest under a firebreak/bicr challenge run.
    const challengeRuns = new Set(runs.filter(([, r]) => r.metadata?.["firebreak.stage"] === "challenge").map(([id]) => id));
    const ancestors = (id: string | undefined): string[] => (id === undefined ? [] : [id, ...ancestors(recorder.chains.get(id)?.parentRunId)]);
    const judged = recorder.models.filter((m) => ancestors(m.parentRunId).some((id) => challengeRuns.has(id)));
    expect(judged).toHaveLength(2);
  });
});
