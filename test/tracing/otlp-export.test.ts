import { afterEach, describe, expect, it } from "vitest";
import { setupTracing, type TracingHandle } from "../../src/tracing/index.js";
import type { FirebreakError } from "../../src/internal/errors.js";
import { buildTracedTeam } from "./support/traced-team.js";
import { deadEndpoint, startOtlpReceiver, type DecodedSpan, type OtlpReceiver } from "./support/otlp-receiver.js";

let tracing: TracingHandle | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  await receiver?.close();
  tracing = undefined;
  receiver = undefined;
});

function byName(spans: DecodedSpan[], name: string): DecodedSpan {
  const found = spans.filter((s) => s.name === name);
  expect(found, `spans named ${name}`).toHaveLength(1);
  return found[0]!;
}

describe("OTLP export (Phoenix or any collector)", () => {
  it("sends OpenInference spans as protobuf to the endpoint, with headers, names, nesting and firebreak attributes", async () => {
    receiver = await startOtlpReceiver();
    tracing = await setupTracing({
      otlp: { endpoint: `${receiver.url}/v1/traces`, headers: { "x-phoenix-key": "local-key" } },
      projectName: "firebreak-tests",
    });
    await buildTracedTeam().compile().invoke({ task: "relay accuracy" });
    await tracing.flush();

    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) {
      expect(request.method).toBe("POST");
      expect(request.path).toBe("/v1/traces");
      expect(request.headers["content-type"]).toBe("application/x-protobuf");
      expect(request.headers["x-phoenix-key"]).toBe("local-key");
    }
    const spans = receiver.spans();
    expect(new Set(spans.map((s) => s.name))).toEqual(
      new Set(["LangGraph", "__start__", "worker", "ScriptedChatModel", "firebreak/breaker", "guard", "bicr-guard", "buffer", "challenge", "firebreak/guard", "firebreak/verdict"]),
    );
    expect(spans.every((s) => s.scope.startsWith("@arizeai/openinference"))).toBe(true);
    expect(spans[0]!.resource).toMatchObject({ "service.name": "langgraph-firebreak", "openinference.project.name": "firebreak-tests" });

    const challenge = byName(spans, "challenge");
    const verdict = byName(spans, "firebreak/verdict");
    expect(verdict.parentSpanId).toBe(challenge.spanId);
    expect(verdict.attributes).toMatchObject({
      "openinference.span.kind": "CHAIN",
      "firebreak.verdict": "red",
      "firebreak.attempt": 1,
      "firebreak.claimIds": ["c1", "c2"],
    });
    expect(byName(spans, "firebreak/breaker").attributes).toMatchObject({ "firebreak.state": "open", "firebreak.failingCheck": "schema" });
    const llm = spans.filter((s) => s.attributes["openinference.span.kind"] === "LLM");
    expect(llm).toHaveLength(2);
  });

  it("keeps the app running when the collector is down: the run completes, flush and shutdown resolve, the failure is reported once", async () => {
    const endpoint = `${await deadEndpoint()}/v1/traces`;
    const errors: FirebreakError[] = [];
    tracing = await setupTracing({ otlp: { endpoint }, exportTimeoutMillis: 300, onError: (e) => errors.push(e) });
    const graph = buildTracedTeam().compile();
    const first = await graph.invoke({ task: "one" });
    await tracing.flush();
    const second = await graph.invoke({ task: "two" });
    await expect(tracing.shutdown()).resolves.toBeUndefined();

    expect(first.verdict).toBe("red");
    expect(second.verdict).toBe("red");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe("TRACING");
    expect(errors[0]!.message).toContain(endpoint);
  });
});
