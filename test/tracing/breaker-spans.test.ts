import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { MemorySaver } from "@langchain/langgraph";
import { afterEach, describe, expect, it } from "vitest";
import { createSupervisorWorkerGraph } from "../../nodes/index.js";
import { withSemanticBreaker } from "../../src/breaker/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { setupTracing, type TracingHandle } from "../../src/tracing/index.js";
import { outline } from "./support/outline.js";
import { ancestry } from "./support/span-tree.js";

let tracing: TracingHandle | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

const BACKUP_ANSWER = "[scripted] 0.85^5 ≈ 0.44, so a five-stage relay is right 44% of the time.";

/**
 * A supervisor–worker graph whose researcher answers through a semantic breaker: the SCRIPTED
 * primary answers with nothing (HTTP 200, empty), the non-empty check rejects it, the
 * circuit trips at once (threshold 1) and the call fails over to the SCRIPTED backup. The
 * supervisor sends the researcher twice, so the second call finds the primary open.
 */
async function runTrippingTeam(mode: "invoke" | "stream") {
  tracing = await setupTracing({ inMemory: true });
  const primary = new ScriptedChatModel({ label: "empty primary", script: [""] });
  const backup = new ScriptedChatModel({ label: "backup", script: [BACKUP_ANSWER] });
  const researcher = withSemanticBreaker(primary, {
    name: "primary",
    fallbacks: [{ model: backup, name: "backup" }],
    trip: 1,
    halfOpenAfter: 60_000,
  });
  let rounds = 0;
  const graph = createSupervisorWorkerGraph({
    supervisor: () => (rounds++ < 2 ? "researcher" : "writer"),
    workers: { researcher: { description: "Computes the figures.", model: researcher } },
    writer: (state) => ({ answer: String(state.messages.findLast((m) => m.name === "researcher")?.content ?? "") }),
  }).compile({ checkpointer: new MemorySaver(), name: "breaker_team" });
  const config = { configurable: { thread_id: `breaker-${mode}` } };
  const input = { task: "How often is a five-stage relay right?", messages: [] };
  if (mode === "invoke") await graph.invoke(input, config);
  else for await (const _ of await graph.stream(input, { ...config, streamMode: "messages" })) void _;
  const final = await graph.getState(config);
  await tracing.flush();
  return { spans: tracing.spans(), final, primary, backup };
}

const wrappers = (spans: readonly ReadableSpan[]) =>
  spans
    .filter((s) => s.name === "SemanticBreakerChatModel")
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
const childrenOf = (spans: readonly ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

describe.each(["invoke", "stream"] as const)("a breaker trip inside a graph run (%s)", (mode) => {
  it("nests each provider attempt as an LLM span under the breaker's LLM span in the worker node", async () => {
    const { spans, final, primary, backup } = await runTrippingTeam(mode);
    expect(final.values.answer).toBe(BACKUP_ANSWER);
    expect([primary.callCount, backup.callCount]).toEqual([1, 2]);
    expect(outline(spans, (s) => s.name !== "__start__" && !s.name.startsWith("Runnable"))).toMatchInlineSnapshot(`
      "breaker_team [CHAIN]
        supervisor [CHAIN]
        researcher [CHAIN]
          SemanticBreakerChatModel [LLM]
            ScriptedChatModel [LLM]
            firebreak/breaker [CHAIN]
            ScriptedChatModel [LLM]
        supervisor [CHAIN]
        researcher [CHAIN]
          SemanticBreakerChatModel [LLM]
            ScriptedChatModel [LLM]
        supervisor [CHAIN]
        writer [CHAIN]"
    `);
    const [first] = wrappers(spans);
    expect(ancestry(spans, first!)).toEqual(["breaker_team", "researcher", "SemanticBreakerChatModel"]);
  });

  it("puts the rejected provider, the failing check and the failover on the breaker span of the tripping call", async () => {
    const { spans } = await runTrippingTeam(mode);
    const [tripping] = wrappers(spans);
    expect(tripping!.attributes).toMatchObject({
      // The states when the call started, and once it was answered: the trip happened during it.
      "firebreak.breaker.states": "primary=closed,backup=closed",
      "firebreak.breaker.statesAfter": "primary=open,backup=closed",
      "firebreak.breaker.provider": "backup",
      "firebreak.breaker.failovers": 1,
      "firebreak.breaker.rejections": ["primary: semantic: nonEmpty: empty answer: no text and no tool call"],
    });
    const attempts = childrenOf(spans, tripping!)
      .filter((s) => s.name === "ScriptedChatModel")
      .map((s) => ({
      provider: s.attributes["firebreak.breaker.provider"],
      attempt: s.attributes["firebreak.breaker.attempt"],
      state: s.attributes["firebreak.breaker.state"],
      probe: s.attributes["firebreak.breaker.probe"],
    }));
    expect(attempts).toEqual([
      { provider: "primary", attempt: 1, state: "closed", probe: false },
      { provider: "backup", attempt: 2, state: "closed", probe: false },
    ]);
  });

  it("shows the open circuit on the next call: the primary skipped, no span for it, the backup answering", async () => {
    const { spans } = await runTrippingTeam(mode);
    const [, next] = wrappers(spans);
    expect(next!.attributes).toMatchObject({
      "firebreak.breaker.states": "primary=open,backup=closed",
      "firebreak.breaker.provider": "backup",
      "firebreak.breaker.failovers": 0,
      "firebreak.breaker.skipped": ["primary: open"],
    });
    expect(next!.attributes["firebreak.breaker.rejections"]).toBeUndefined();
    expect(childrenOf(spans, next!).map((s) => s.attributes["firebreak.breaker.provider"])).toEqual(["backup"]);
    // Skipping an open circuit is no new decision: no firebreak/breaker span on this call.
    expect(childrenOf(spans, next!).some((s) => s.name === "firebreak/breaker")).toBe(false);
  });

  it("records the trip as a firebreak/breaker span under the model's span, with the failing check and the new state", async () => {
    const { spans } = await runTrippingTeam(mode);
    const [tripping] = wrappers(spans);
    const decisions = spans.filter((s) => s.name === "firebreak/breaker");
    expect(decisions).toHaveLength(1);
    const [trip] = decisions;
    expect(trip!.parentSpanContext?.spanId).toBe(tripping!.spanContext().spanId);
    expect(ancestry(spans, trip!)).toEqual(["breaker_team", "researcher", "SemanticBreakerChatModel", "firebreak/breaker"]);
    expect(trip!.attributes).toMatchObject({
      "openinference.span.kind": "CHAIN",
      "firebreak.event": "breaker",
      "firebreak.decision": "rejected",
      "firebreak.provider": "primary",
      "firebreak.attempt": 1,
      "firebreak.from": "closed",
      "firebreak.state": "open",
      "firebreak.tripped": true,
      "firebreak.kind": "semantic",
      "firebreak.failingCheck": "nonEmpty",
      "firebreak.reason": "nonEmpty: empty answer: no text and no tool call",
    });
    // The stale call-start states are not inherited by the decision's span.
    expect(trip!.attributes["firebreak.breaker.states"]).toBeUndefined();
    // Between the rejected attempt and the failover it caused.
    const siblings = childrenOf(spans, tripping!).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(siblings.map((s) => s.attributes["firebreak.breaker.provider"] ?? s.name)).toEqual(["primary", "firebreak/breaker", "backup"]);
  });
});
