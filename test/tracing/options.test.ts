/**
 * setupTracing rejects bad options before it loads a peer or touches anything global:
 * INVALID_OPTIONS naming the option, quoting the value (bounded), saying what is allowed.
 * The span processor and error handler given alongside count their calls: none is made.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { setupTracing } from "../../src/tracing/index.js";
import { expectRejectedAsync, HUGE, type BadOptionsCase } from "../breaker/support/bad-options.js";

let used = 0;
const processor = {
  onStart: () => void used++,
  onEnd: () => void used++,
  forceFlush: async () => void used++,
  shutdown: async () => void used++,
};
const onError = () => void used++;
const calls = () => used;
const make = (options: Record<string, unknown>) => () => setupTracing({ spanProcessors: [processor as never], onError, ...options } as never);

afterEach(() => vi.unstubAllEnvs());

describe("setupTracing rejects bad options before setting anything up", () => {
  const cases: BadOptionsCase[] = [
    ["options not an object", () => setupTracing("phoenix" as never), "options", "an options object"],
    ["unknown key", make({ langfuseKeys: {} }), "langfuseKeys", "no such option"],
    ["exportTimeoutMillis of 30 days", make({ exportTimeoutMillis: 2_592_000_000 }), "exportTimeoutMillis", "2147483647"],
    ["exportTimeoutMillis Infinity", make({ exportTimeoutMillis: Infinity }), "exportTimeoutMillis", "2147483647"],
    ["exportTimeoutMillis NaN", make({ exportTimeoutMillis: NaN }), "exportTimeoutMillis", "milliseconds"],
    ["exportTimeoutMillis 0", make({ exportTimeoutMillis: 0 }), "exportTimeoutMillis", "from 1"],
    ["exportTimeoutMillis negative", make({ exportTimeoutMillis: -5 }), "exportTimeoutMillis", "from 1"],
    ["otlp true", make({ otlp: true }), "otlp", "false, or { endpoint?, headers? }"],
    ["otlp endpoint not a URL", make({ otlp: { endpoint: "localhost:6006" } }), "otlp.endpoint", "an http(s) URL"],
    ["otlp endpoint over ftp", make({ otlp: { endpoint: "ftp://host/v1/traces" } }), "otlp.endpoint", "an http(s) URL"],
    ["otlp unknown key", make({ otlp: { url: "http://x" } }), "otlp.url", "no such option"],
    ["otlp header value a number", make({ otlp: { endpoint: "http://x/v1/traces", headers: { "x-n": 1 } } }), "otlp.headers.x-n", "a header value"],
    ["langfuse as a string", make({ langfuse: "yes" }), "langfuse", "true, false, or {"],
    ["langfuse empty secret key", make({ langfuse: { publicKey: "pk", secretKey: "" } }), "langfuse.secretKey", "a non-empty string"],
    ["langfuse unknown key", make({ langfuse: { host: "x" } }), "langfuse.host", "no such option"],
    ["spanProcessors with a non-processor", make({ spanProcessors: [{}] }), "spanProcessors[0]", "SpanProcessor"],
    ["a 1 MB sessionId", make({ sessionId: HUGE }), "sessionId", "at most 200 characters"],
    ["a blank serviceName", make({ serviceName: " " }), "serviceName", "non-blank"],
    ["tags as a string", make({ tags: "a,b" }), "tags", "a list of tags"],
    ["registerGlobal as a string", make({ registerGlobal: "yes" }), "registerGlobal", "true or false"],
    ["onError not a function", make({ onError: "console" }), "onError", "a function"],
  ];
  test.each(cases)("%s", async (...c) => expectRejectedAsync(c, calls));

  test("a key never appears in the error: a missing secret key names the variable, not the public key", async () => {
    for (const key of ["LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "PHOENIX_COLLECTOR_ENDPOINT"]) vi.stubEnv(key, undefined as never);
    await expectRejectedAsync(["missing secret", () => setupTracing({ langfuse: { publicKey: "pk-lf-SECRET-PUBLIC" } }), "langfuse.secretKey", "LANGFUSE_SECRET_KEY"], calls);
    const error = await setupTracing({ langfuse: { publicKey: "pk-lf-SECRET-PUBLIC" } }).catch((e: Error) => e);
    expect((error as Error).message).not.toContain("pk-lf-SECRET-PUBLIC");
    await expectRejectedAsync(["otlp without endpoint", () => setupTracing({ otlp: {} }), "otlp.endpoint", "PHOENIX_COLLECTOR_ENDPOINT"], calls);
  });

  test("good options resolve to a no-op when nothing is on", async () => {
    for (const key of ["LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "PHOENIX_COLLECTOR_ENDPOINT"]) vi.stubEnv(key, undefined as never);
    const handle = await setupTracing({ otlp: false, langfuse: false, exportTimeoutMillis: 2 ** 31 - 1, tags: ["a"], sessionId: "s" });
    expect(handle.enabled).toBe(false);
    expect(calls()).toBe(0);
  });
});
