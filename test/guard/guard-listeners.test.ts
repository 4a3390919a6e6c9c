import { describe, expect, it } from "vitest";
import { guardOf, type BicrEventPayload } from "../../nodes/index.js";
import { FALSE_TURN, guardedGraph, scriptedProducer, TRUE_TURN } from "./support/parent-graph.js";
import { judgeAgainst } from "./support/judges.js";

// Scripted models stand in for model judgement throughout.
const INPUT = { task: "compute 0.85^5", messages: [] };
const tag = (e: BicrEventPayload) => `${e.stage}#${e.attempt}`;

describe("guard listeners (onStage, onVerdict, onRollback, onEscalation, onCommit)", () => {
  it("tell each decision of a blocked-then-passed handoff, in order, without any callbacks or stream", async () => {
    const { producer } = scriptedProducer([FALSE_TURN, TRUE_TURN]);
    const builder = guardedGraph(producer, judgeAgainst("0.52"));
    const guard = guardOf(builder, "researcher")!;
    const seen: Record<string, string[]> = { stage: [], verdict: [], rollback: [], escalation: [], commit: [] };
    guard.onStage((e) => seen.stage!.push(tag(e)));
    guard.onVerdict((e) => seen.verdict!.push(`${tag(e)}:${String(e["blocked"])}:${String(e["verdict"])}`));
    guard.onRollback((e) => seen.rollback!.push(tag(e)));
    guard.onEscalation((e) => seen.escalation!.push(tag(e)));
    guard.onCommit((e) => seen.commit!.push(`${tag(e)}:${String(e["outcome"])}`));
    await builder.compile().invoke(INPUT);
    expect(seen.stage).toEqual(["buffer#1", "challenge#1", "isolate#1", "recover#1", "buffer#2", "challenge#2", "isolate#2", "commit#2"]);
    expect(seen.verdict).toEqual(["challenge#1:true:red", "challenge#2:false:green"]);
    expect(seen.rollback).toEqual(["recover#1"]);
    expect(seen.escalation).toEqual([]);
    expect(seen.commit).toEqual(["commit#2:passed"]);
  });

  it("tell an escalation when every attempt is blocked, and stop after dispose()", async () => {
    const { producer } = scriptedProducer([FALSE_TURN, FALSE_TURN]);
    const builder = guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 2, onExhausted: "degrade" });
    const guard = guardOf(builder, "researcher")!;
    const escalations: unknown[] = [];
    const verdicts: string[] = [];
    guard.onEscalation((e) => escalations.push(e["mode"]));
    const sub = guard.onVerdict((e) => verdicts.push(tag(e)));
    await builder.compile().invoke(INPUT);
    expect(escalations).toEqual(["degrade"]);
    expect(verdicts).toEqual(["challenge#1", "challenge#2"]);
    sub.dispose();
    await builder.compile().invoke(INPUT);
    expect(verdicts).toHaveLength(2);
    expect(escalations).toEqual(["degrade", "degrade"]);
  });

  it("a listener that throws does not fail the handoff", async () => {
    const { producer } = scriptedProducer([TRUE_TURN]);
    const builder = guardedGraph(producer, judgeAgainst("0.52"));
    guardOf(builder, "researcher")!.onStage(() => {
      throw new Error("listener bug");
    });
    const out = await builder.compile().invoke(INPUT);
    expect(out.draft).toContain("0.44");
  });

  it("guardOf is undefined for a node without a guard", () => {
    const { producer } = scriptedProducer([TRUE_TURN]);
    const builder = guardedGraph(producer, judgeAgainst("0.52"));
    expect(guardOf(builder, "reader")).toBeUndefined();
    expect(guardOf(builder, "missing")).toBeUndefined();
  });
});
