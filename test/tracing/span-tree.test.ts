import { afterEach, describe, expect, it } from "vitest";
import { setupTracing, type TracingHandle } from "../../src/tracing/index.js";
import { buildTracedTeam } from "./support/traced-team.js";
import { ancestry, only, renderSpanTree } from "./support/span-tree.js";
import { scriptedTraceModel } from "./support/scripted-model.js";

let tracing: TracingHandle | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

async function runTracedTeam(options: Parameters<typeof setupTracing>[0] = {}) {
  tracing = await setupTracing({ inMemory: true, sessionId: "session-7", userId: "user-1", tags: ["firebreak-test"], ...options });
  const models = { worker: scriptedTraceModel("draft answer"), challenger: scriptedTraceModel("claim c2 is contradicted") };
  const result = await buildTracedTeam(models).compile().invoke({ task: "How often is a 5-stage relay right?" });
  await tracing.flush();
  return { result, spans: tracing.spans(), models };
}

describe("in-memory span tree of a graph with a nested guard subgraph", () => {
  it("nests graph → node → subgraph node → firebreak run → model, with OpenInference span kinds", async () => {
    const { result, spans } = await runTracedTeam();
    expect(result.verdict).toBe("red");
    expect(renderSpanTree(spans)).toMatchInlineSnapshot(`
      "LangGraph [CHAIN]
        __start__ [CHAIN]
        worker [CHAIN]
          ScriptedChatModel [LLM]
          firebreak/breaker [CHAIN]
        guard [CHAIN]
          bicr-guard [CHAIN]
            __start__ [CHAIN]
            buffer [CHAIN]
              firebreak/guard [CHAIN]
            challenge [CHAIN]
              firebreak/guard [CHAIN]
                ScriptedChatModel [LLM]
              firebreak/verdict [CHAIN]"
    `);
    const challengerCall = only(spans, "ScriptedChatModel", (s) => ancestry(spans, s).includes("challenge"));
    expect(ancestry(spans, challengerCall)).toEqual([
      "LangGraph",
      "guard",
      "bicr-guard",
      "challenge",
      "firebreak/guard",
      "ScriptedChatModel",
    ]);
    expect(challengerCall.attributes["openinference.span.kind"]).toBe("LLM");
    expect(only(spans, "challenge").attributes["openinference.span.kind"]).toBe("CHAIN");
    expect(only(spans, "firebreak/verdict").attributes["openinference.span.kind"]).toBe("CHAIN");
    // All spans belong to one trace.
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it("puts the verdict's firebreak.* attributes on a firebreak/verdict span under the challenge node", async () => {
    const { spans } = await runTracedTeam();
    const verdict = only(spans, "firebreak/verdict");
    expect(ancestry(spans, verdict).slice(-2)).toEqual(["challenge", "firebreak/verdict"]);
    expect(verdict.attributes).toMatchObject({
      "firebreak.event": "verdict",
      "firebreak.verdict": "red",
      "firebreak.attempt": 1,
      "firebreak.claimIds": ["c1", "c2"],
      "firebreak.origins": JSON.stringify({ c2: "worker" }),
      "firebreak.reason": "[scripted] claim c2 is contradicted",
    });
  });

  it("puts the breaker trip's firebreak.* attributes on a firebreak/breaker span under the worker node", async () => {
    const { spans } = await runTracedTeam();
    const breaker = only(spans, "firebreak/breaker");
    expect(ancestry(spans, breaker)).toEqual(["LangGraph", "worker", "firebreak/breaker"]);
    expect(breaker.attributes).toMatchObject({
      "firebreak.event": "breaker",
      "firebreak.state": "open",
      "firebreak.from": "closed",
      "firebreak.failingCheck": "schema",
    });
    // The worker's own model call stays a sibling, not a child, of the point event.
    const workerCall = only(spans, "ScriptedChatModel", (s) => ancestry(spans, s).includes("worker"));
    expect(ancestry(spans, workerCall)).toEqual(["LangGraph", "worker", "ScriptedChatModel"]);
  });

  it("stamps the session, user and tags on every OpenInference span", async () => {
    const { spans } = await runTracedTeam();
    for (const span of spans) {
      expect(span.attributes["session.id"]).toBe("session-7");
      expect(span.attributes["user.id"]).toBe("user-1");
      expect(span.attributes["tag.tags"]).toEqual(["firebreak-test"]);
    }
  });

  it("keeps firebreak attributes off spans that carry no firebreak event", async () => {
    const { spans } = await runTracedTeam();
    const plain = spans.filter((s) => !s.name.startsWith("firebreak/") && !ancestry(spans, s).includes("firebreak/guard"));
    expect(plain.length).toBeGreaterThan(5);
    for (const span of plain) {
      expect(Object.keys(span.attributes).filter((k) => k.startsWith("firebreak."))).toEqual([]);
    }
  });

  it("records nothing once shut down, and keeps the spans it had", async () => {
    const { spans } = await runTracedTeam();
    const handle = tracing!;
    await handle.shutdown();
    await buildTracedTeam().compile().invoke({ task: "again" });
    expect(handle.spans()).toHaveLength(spans.length);
  });
});
