import { afterEach, describe, expect, it, vi } from "vitest";
import { trace } from "@opentelemetry/api";
import { setupTracing, type TracingHandle } from "../../src/tracing/index.js";
import { isFirebreakError } from "../../src/internal/errors.js";
import { buildTracedTeam } from "./support/traced-team.js";

const handles: TracingHandle[] = [];
async function track(handle: Promise<TracingHandle>) {
  const h = await handle;
  handles.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.shutdown()));
  vi.unstubAllEnvs();
});

function clearTracingEnv() {
  for (const key of ["LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "LANGFUSE_BASE_URL", "PHOENIX_COLLECTOR_ENDPOINT"]) vi.stubEnv(key, "");
}

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("setupTracing", () => {
  it("returns a disabled handle with no callbacks when nothing is configured", async () => {
    clearTracingEnv();
    const handle = await track(setupTracing());
    expect(handle.enabled).toBe(false);
    expect(handle.callbacks).toEqual([]);
    expect(handle.tracerProvider).toBeUndefined();
    await expect(handle.flush()).resolves.toBeUndefined();
  });

  it("rejects Langfuse turned on without keys, naming the missing variable", async () => {
    clearTracingEnv();
    const error = await rejection(setupTracing({ langfuse: { publicKey: "pk" } }));
    expect(isFirebreakError(error) && error.code).toBe("INVALID_OPTIONS");
    expect((error as Error).message).toContain("LANGFUSE_SECRET_KEY");
  });

  it("rejects OTLP turned on without an endpoint, saying how to give one", async () => {
    clearTracingEnv();
    const error = await rejection(setupTracing({ otlp: {} }));
    expect(isFirebreakError(error) && error.code).toBe("INVALID_OPTIONS");
    expect((error as Error).message).toContain("PHOENIX_COLLECTOR_ENDPOINT");
  });

  it("turns OTLP on from PHOENIX_COLLECTOR_ENDPOINT unless otlp is false", async () => {
    clearTracingEnv();
    vi.stubEnv("PHOENIX_COLLECTOR_ENDPOINT", "http://127.0.0.1:9/");
    expect((await track(setupTracing({ exportTimeoutMillis: 100, onError: () => {} }))).enabled).toBe(true);
    expect((await track(setupTracing({ otlp: false }))).enabled).toBe(false);
  });

  it("gives a fresh callbacks array on each read, so LangChain appending to one never leaks into the next run", async () => {
    clearTracingEnv();
    const handle = await track(setupTracing({ langfuse: { publicKey: "pk", secretKey: "sk", baseUrl: "http://127.0.0.1:9" }, exportTimeoutMillis: 100, onError: () => {} }));
    const first = handle.callbacks;
    first.push(first[0]!);
    expect(handle.callbacks).toHaveLength(1);
  });

  it("leaves the global tracer provider alone unless registerGlobal is set", async () => {
    clearTracingEnv();
    const delegate = () => (trace.getTracerProvider() as unknown as { getDelegate(): unknown }).getDelegate();
    const before = delegate();
    const local = await track(setupTracing({ inMemory: true }));
    expect(delegate()).toBe(before);
    const global = await track(setupTracing({ inMemory: true, registerGlobal: true }));
    trace.getTracer("user-code").startSpan("user-span").end();
    expect(global.spans().map((s) => s.name)).toContain("user-span");
    expect(local.spans().map((s) => s.name)).not.toContain("user-span");
    expect(delegate()).toBe(global.tracerProvider);
    await global.shutdown();
    expect(delegate()).toBe(before);
  });

  it("lets the latest setup own the OpenInference patch; shutting an older one down does not remove it", async () => {
    clearTracingEnv();
    const older = await track(setupTracing({ inMemory: true }));
    const newer = await track(setupTracing({ inMemory: true }));
    await older.shutdown();
    await buildTracedTeam().compile().invoke({ task: "x" });
    await newer.flush();
    expect(older.spans()).toHaveLength(0);
    expect(newer.spans().length).toBeGreaterThan(0);

    const count = newer.spans().length;
    await newer.shutdown();
    await buildTracedTeam().compile().invoke({ task: "y" });
    expect(newer.spans()).toHaveLength(count);
  });
});
