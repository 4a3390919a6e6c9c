import { afterEach, describe, expect, it, vi } from "vitest";
import { setupTracing, type TracingHandle } from "../../src/tracing/index.js";
import type { FirebreakError } from "../../src/internal/errors.js";
import { buildTracedTeam } from "./support/traced-team.js";
import { deadEndpoint, startOtlpReceiver, type OtlpReceiver } from "./support/otlp-receiver.js";

const LANGFUSE_PATH = "/api/public/otel/v1/traces";
const receivers: OtlpReceiver[] = [];
let tracing: TracingHandle | undefined;

afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  vi.unstubAllEnvs();
});

async function receiver() {
  const r = await startOtlpReceiver();
  receivers.push(r);
  return r;
}

function useLangfuseEnv(baseUrl: string) {
  vi.stubEnv("LANGFUSE_BASE_URL", baseUrl);
  vi.stubEnv("LANGFUSE_PUBLIC_KEY", "pk-lf-local");
  vi.stubEnv("LANGFUSE_SECRET_KEY", "sk-lf-local");
  vi.stubEnv("PHOENIX_COLLECTOR_ENDPOINT", "");
}

describe("Langfuse export", () => {
  it("turns on from LANGFUSE_* alone and posts the trace to /api/public/otel/v1/traces with session id and firebreak metadata", async () => {
    const langfuse = await receiver();
    useLangfuseEnv(langfuse.url);
    tracing = await setupTracing({ sessionId: "session-42", userId: "user-9", tags: ["firebreak"] });
    expect(tracing.callbacks).toHaveLength(1);
    await buildTracedTeam().compile().invoke({ task: "relay accuracy" }, { callbacks: tracing.callbacks });
    await tracing.flush();

    expect(langfuse.requests.map((r) => r.path)).toEqual(Array(langfuse.requests.length).fill(LANGFUSE_PATH));
    expect(langfuse.requests[0]!.headers["content-type"]).toBe("application/json");
    expect(langfuse.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("pk-lf-local:sk-lf-local").toString("base64")}`);

    const spans = langfuse.spans();
    expect(spans.every((s) => s.scope === "langfuse-sdk")).toBe(true);
    const root = spans.find((s) => s.name === "LangGraph" && s.parentSpanId === "")!;
    expect(root.attributes).toMatchObject({ "session.id": "session-42", "user.id": "user-9", "langfuse.trace.tags": ["firebreak"] });

    const verdict = spans.find((s) => s.name === "firebreak/verdict")!;
    const challenge = spans.find((s) => s.name === "challenge")!;
    expect(verdict.parentSpanId).toBe(challenge.spanId);
    expect(verdict.attributes).toMatchObject({
      "langfuse.observation.metadata.firebreak.event": "verdict",
      "langfuse.observation.metadata.firebreak.verdict": "red",
      "langfuse.observation.metadata.firebreak.claimIds": '["c1","c2"]',
    });
    const breaker = spans.find((s) => s.name === "firebreak/breaker")!;
    expect(breaker.attributes).toMatchObject({ "langfuse.observation.metadata.firebreak.state": "open" });
    expect(spans.filter((s) => s.attributes["langfuse.observation.type"] === "generation")).toHaveLength(2);
  });

  it("keeps the app running when Langfuse is down: the run completes and shutdown() resolves, reporting once", async () => {
    useLangfuseEnv(await deadEndpoint());
    const errors: FirebreakError[] = [];
    tracing = await setupTracing({ exportTimeoutMillis: 300, onError: (e) => errors.push(e) });
    const result = await buildTracedTeam().compile().invoke({ task: "x" }, { callbacks: tracing.callbacks });
    await tracing.flush();
    await expect(tracing.shutdown()).resolves.toBeUndefined();

    expect(result.verdict).toBe("red");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe("TRACING");
    expect(errors[0]!.message).toContain(LANGFUSE_PATH);
  });

  it("runs with Phoenix at once without cross-talk: the collector never gets Langfuse's spans; Langfuse gets both trees", async () => {
    const [langfuse, phoenix] = await Promise.all([receiver(), receiver()]);
    useLangfuseEnv(langfuse.url);
    tracing = await setupTracing({ otlp: { endpoint: `${phoenix.url}/v1/traces` } });
    await buildTracedTeam().compile().invoke({ task: "x" }, { callbacks: tracing.callbacks });
    await tracing.flush();

    const atPhoenix = phoenix.spans();
    const atLangfuse = langfuse.spans();
    expect(new Set(atPhoenix.map((s) => s.scope))).toEqual(new Set(["@arizeai/openinference-instrumentation-langchain"]));
    expect(atPhoenix.filter((s) => s.name === "LangGraph" && s.parentSpanId === "")).toHaveLength(1);
    expect(new Set(atLangfuse.map((s) => s.scope))).toEqual(
      new Set(["langfuse-sdk", "@arizeai/openinference-instrumentation-langchain"]),
    );
    // Same spans, two independent trees: no span of one tree has a parent in the other.
    const langfuseIds = new Set(atLangfuse.filter((s) => s.scope === "langfuse-sdk").map((s) => s.spanId));
    expect(atPhoenix.some((s) => langfuseIds.has(s.parentSpanId))).toBe(false);
    expect(atPhoenix.filter((s) => s.name.startsWith("firebreak/"))).toHaveLength(4);
  });

  it("leaves OpenInference spans out of Langfuse when openInferenceSpans is false", async () => {
    const [langfuse, phoenix] = await Promise.all([receiver(), receiver()]);
    useLangfuseEnv(langfuse.url);
    tracing = await setupTracing({ otlp: { endpoint: `${phoenix.url}/v1/traces` }, langfuse: { openInferenceSpans: false } });
    await buildTracedTeam().compile().invoke({ task: "x" }, { callbacks: tracing.callbacks });
    await tracing.flush();
    expect(new Set(langfuse.spans().map((s) => s.scope))).toEqual(new Set(["langfuse-sdk"]));
    expect(phoenix.spans().length).toBeGreaterThan(0);
  });
});
