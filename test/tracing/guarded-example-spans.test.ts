import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExampleGraph } from "../../examples/supervisor-worker/graph.js";
import { EXAMPLE_TASK, scriptedModels } from "../../examples/supervisor-worker/models.js";
import { setupTracing, type TracingHandle } from "../../src/tracing/index.js";
import { outline } from "./support/outline.js";
import { ancestry } from "./support/span-tree.js";

// The guarded supervisor–worker example (examples/supervisor-worker) with its SCRIPTED
// models: the researcher's first answer (0.85^5 ≈ 0.52) is false, the challenger — scripted
// judgement, real calculator — marks it red, the guard blocks it and the retry passes.
let tracing: TracingHandle;
let firstRun: ReadableSpan[] = [];
let resumeRun: ReadableSpan[] = [];
let gate: { next: string[] } = { next: [] };
let answer: unknown;

beforeAll(async () => {
  tracing = await setupTracing({ inMemory: true });
  const graph = buildExampleGraph(scriptedModels()).compile({
    checkpointer: new MemorySaver(),
    interruptBefore: ["writer"],
    name: "supervisor_worker",
  });
  const config = tracing.runConfig(graph, { configurable: { thread_id: "guarded-example" } });
  await graph.invoke({ task: EXAMPLE_TASK, messages: [] }, config);
  gate = { next: [...(await graph.getState(config)).next] };
  await tracing.flush();
  const before = new Set(tracing.spans());
  firstRun = [...before];
  // The human at the gate approves: static interruptBefore resumes with a null input.
  answer = (await graph.invoke(null, config)).answer;
  await tracing.flush();
  resumeRun = tracing.spans().filter((s) => !before.has(s));
});

afterAll(() => tracing.shutdown());

const PLUMBING = /^(Runnable|StructuredOutput|__start__$)/;
const attr = (span: ReadableSpan, key: string) => span.attributes[`firebreak.${key}`];
const bicr = (spans: readonly ReadableSpan[], stage: string, attempt: number) =>
  spans.filter((s) => s.name === "firebreak/bicr" && attr(s, "stage") === stage && attr(s, "attempt") === attempt && attr(s, "event") === "bicr");

/** `stage@attempt` for guard stages, plus the decision or verdicts a stage reports. */
function stageLabel(span: ReadableSpan): string {
  if (span.name !== "firebreak/bicr") return "";
  const extra = attr(span, "decision") ?? attr(span, "outcome");
  const verdicts = attr(span, "verdicts");
  const shown = typeof verdicts === "string" ? (JSON.parse(verdicts) as { verdict: string }[]).map((v) => v.verdict).join(",") : extra;
  return `${String(attr(span, "stage"))}@${String(attr(span, "attempt"))}${shown === undefined ? "" : ` → ${String(shown)}`}`;
}

describe("in-memory spans of the guarded supervisor–worker example", () => {
  it("pauses at the human gate before the writer, then resumes to the final answer in a second trace", () => {
    expect(gate.next).toEqual(["writer"]);
    expect(String(answer)).toMatch(/^About 44%/);
    expect(new Set(firstRun.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(new Set(resumeRun.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(firstRun.some((s) => s.name === "writer")).toBe(false);
    expect(outline(resumeRun, (s) => !PLUMBING.test(s.name))).toMatchInlineSnapshot(`
      "supervisor_worker [CHAIN]
        writer [CHAIN]
          ScriptedChatModel [LLM]"
    `);
  });

  it("nests graph → guarded researcher → guard stages → model, CHAIN for runs and LLM for models", () => {
    expect(outline(firstRun, (s) => !PLUMBING.test(s.name), stageLabel)).toMatchInlineSnapshot(`
      "supervisor_worker [CHAIN]
        supervisor [CHAIN]
          ScriptedChatModel [LLM]
        researcher [CHAIN]
          bicr:researcher [CHAIN]
            produce [CHAIN]
              ScriptedChatModel [LLM]
              firebreak/bicr [CHAIN] buffer@1
            challenge [CHAIN]
              firebreak/bicr [CHAIN] challenge@1
                ScriptedChatModel [LLM]
              firebreak/bicr [CHAIN] challenge@1 → red
              firebreak/bicr [CHAIN] isolate@1 → recover
            recover [CHAIN]
              firebreak/bicr [CHAIN] recover@1
            produce [CHAIN]
              ScriptedChatModel [LLM]
              firebreak/bicr [CHAIN] buffer@2
            challenge [CHAIN]
              firebreak/bicr [CHAIN] challenge@2
                ScriptedChatModel [LLM]
              firebreak/bicr [CHAIN] challenge@2 → green
              firebreak/bicr [CHAIN] isolate@2 → commit
              firebreak/bicr [CHAIN] commit@2 → passed
        supervisor [CHAIN]
          ScriptedChatModel [LLM]
        analyst [CHAIN]
          bicr:analyst [CHAIN]
            produce [CHAIN]
              ScriptedChatModel [LLM]
              firebreak/bicr [CHAIN] buffer@1
            challenge [CHAIN]
              firebreak/bicr [CHAIN] challenge@1
                ScriptedChatModel [LLM]
              firebreak/bicr [CHAIN] challenge@1 → yellow
              firebreak/bicr [CHAIN] isolate@1 → commit
              firebreak/bicr [CHAIN] commit@1 → passed
        supervisor [CHAIN]
          ScriptedChatModel [LLM]"
    `);
    for (const span of firstRun) {
      expect(span.attributes["openinference.span.kind"]).toBe(span.name === "ScriptedChatModel" ? "LLM" : "CHAIN");
    }
  });

  it("puts the challenger's model call inside the challenge stage of the researcher's guard", () => {
    const challengerCalls = firstRun.filter(
      (s) => s.name === "ScriptedChatModel" && ancestry(firstRun, s).includes("challenge") && ancestry(firstRun, s).includes("researcher"),
    );
    expect(challengerCalls).toHaveLength(2);
    for (const call of challengerCalls) {
      const path = ancestry(firstRun, call).filter((name) => !PLUMBING.test(name));
      expect(path).toEqual(["supervisor_worker", "researcher", "bicr:researcher", "challenge", "firebreak/bicr", "ScriptedChatModel"]);
      // The stage's metadata reaches the model call made inside it.
      expect(attr(call, "stage")).toBe("challenge");
    }
    expect(challengerCalls.map((c) => attr(c, "attempt"))).toEqual([1, 2]);
    // The producer's own model call sits in `produce`, beside (not inside) its buffer event.
    const producerCalls = firstRun.filter(
      (s) => s.name === "ScriptedChatModel" && ancestry(firstRun, s).includes("produce") && ancestry(firstRun, s).includes("researcher"),
    );
    expect(producerCalls.map((c) => ancestry(firstRun, c).slice(-3))).toEqual([
      ["bicr:researcher", "produce", "ScriptedChatModel"],
      ["bicr:researcher", "produce", "ScriptedChatModel"],
    ]);
  });

  it("carries the red verdict, the block and the feedback as firebreak.* attributes on the stages of attempt 1", () => {
    const [buffer] = bicr(firstRun, "buffer", 1);
    const claimIds = attr(buffer!, "claimIds") as string[];
    expect(claimIds).toHaveLength(1);
    const [claimId] = claimIds;

    const verdict = bicr(firstRun, "challenge", 1).find((s) => attr(s, "verdicts") !== undefined)!;
    expect(ancestry(firstRun, verdict)).toEqual(["supervisor_worker", "researcher", "bicr:researcher", "challenge", "firebreak/bicr"]);
    expect(verdict.attributes).toMatchObject({
      "firebreak.event": "bicr",
      "firebreak.guard": "researcher",
      "firebreak.stage": "challenge",
      "firebreak.attempt": 1,
      "firebreak.maxAttempts": 3,
      "firebreak.blocked": true,
      "firebreak.valid": true,
    });
    // Filterable without parsing the verdicts: the worst verdict, the claims, the red ones and who produced them.
    expect(verdict.attributes).toMatchObject({
      "firebreak.verdict": "red",
      "firebreak.claimIds": [claimId],
      "firebreak.redClaimIds": [claimId],
      "firebreak.origins": ["researcher"],
    });
    expect(JSON.parse(String(attr(verdict, "verdicts")))).toEqual([
      { id: claimId, verdict: "red", reasons: ["The calculator gives 0.85^5 = 0.4437053125, not 0.52."] },
    ]);

    const [isolate] = bicr(firstRun, "isolate", 1);
    expect(isolate!.attributes).toMatchObject({ "firebreak.decision": "recover", "firebreak.blocking": [claimId] });
    const [recover] = bicr(firstRun, "recover", 1);
    expect(ancestry(firstRun, recover!).slice(-2)).toEqual(["recover", "firebreak/bicr"]);
    expect(recover!.attributes).toMatchObject({ "firebreak.discarded": true, "firebreak.failed": [claimId] });
    expect(JSON.parse(String(attr(recover!, "feedback")))).toMatchObject({ producer: "researcher", attempt: 1, remainingAttempts: 2 });

    // Attempt 2 passes: a green verdict and a commit that counts the one blocked attempt.
    const green = bicr(firstRun, "challenge", 2).find((s) => attr(s, "verdicts") !== undefined)!;
    expect(attr(green, "blocked")).toBe(false);
    expect(green.attributes).toMatchObject({ "firebreak.verdict": "green", "firebreak.redClaimIds": [], "firebreak.origins": ["researcher"] });
    expect(JSON.parse(String(attr(green, "verdicts")))[0].verdict).toBe("green");
    expect(bicr(firstRun, "commit", 2)[0]!.attributes).toMatchObject({ "firebreak.outcome": "passed", "firebreak.blocked": 1 });
  });

  it("shows the blocked falsehood in the researcher's own model span and in no span downstream of the guard", () => {
    const [wrong, right] = firstRun.filter((s) => s.name === "ScriptedChatModel" && ancestry(firstRun, s).includes("produce"));
    expect(String(wrong!.attributes["output.value"])).toContain("0.85^5 ≈ 0.52");
    expect(String(right!.attributes["output.value"])).toContain("0.85^5 = 0.4437");
    const downstream = firstRun.filter((s) => s.name === "ScriptedChatModel" && !ancestry(firstRun, s).includes("researcher"));
    expect(downstream.length).toBeGreaterThanOrEqual(4); // supervisor ×3, analyst
    for (const span of downstream) expect(String(span.attributes["input.value"])).not.toContain("0.52");
  });

  it("puts the topology's ρ, R, tier and verdict on the graph's span only", () => {
    const root = firstRun.find((s) => s.name === "supervisor_worker")!;
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.attributes["firebreak.topology.rho"]).toBeCloseTo(Math.SQRT2, 12);
    // Both workers' edges back to the supervisor pass a guard (residual 0.11 each): ρ_eff = √0.22.
    expect(root.attributes["firebreak.topology.rhoEffective"]).toBeCloseTo(Math.sqrt(0.22), 12);
    expect(root.attributes["firebreak.topology.R"]).toBeCloseTo(Math.sqrt(0.22), 12);
    expect(root.attributes).toMatchObject({ "firebreak.topology.tier": 2, "firebreak.topology.verdict": "sub-threshold" });
    const others = firstRun.filter((s) => s !== root && Object.keys(s.attributes).some((k) => k.startsWith("firebreak.topology.")));
    expect(others.map((s) => s.name)).toEqual([]);
    // The resumed run was started with the same config: its graph span carries them too.
    expect(resumeRun.find((s) => s.name === "supervisor_worker")!.attributes["firebreak.topology.tier"]).toBe(2);
  });
});
