import { describe, expect, test } from "vitest";
import { createAgent, tool } from "langchain";
import { z } from "zod/v4";
import { createBreakerMiddleware } from "../../src/breaker/middleware.js";
import { CircuitOpenError, nonEmpty, repetition, type AttemptFailure } from "../../src/index.js";
import type { FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";
import { serverPairEachTest } from "./support/server-pair.js";

let primary: FakeOpenAI;
let backup: FakeOpenAI;
const BACKUP_ANSWER = "Backup: it is sunny in Paris today.";

serverPairEachTest((s) => ({ primary, backup } = s), BACKUP_ANSWER);

const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
  name: "get_weather",
  description: "Current weather for a city",
  schema: z.object({ city: z.string() }),
});

describe("createBreakerMiddleware in a LangChain v1 createAgent", () => {
  test("applies the checks to the agent's model calls and fails over with the agent's tools bound", async () => {
    primary.script((_r, n) => (n === 0 ? { kind: "good", toolCalls: [{ name: "get_weather", args: { city: "Paris" } }] } : { kind: "garbage" }));
    const middleware = createBreakerMiddleware({ checks: [nonEmpty(), repetition()], fallbacks: [chatOpenAI(backup)] });
    const rejected: AttemptFailure[] = [];
    middleware.breaker.onRejected((f) => rejected.push(f));
    const agent = createAgent({ model: chatOpenAI(primary), tools: [getWeather], middleware: [middleware] });

    const result = await agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] });
    expect(result.messages.map((m) => m.getType())).toEqual(["human", "ai", "tool", "ai"]);
    expect(result.messages.at(-1)!.content).toBe(BACKUP_ANSWER);
    expect(rejected).toMatchObject([{ provider: "primary", kind: "semantic", verdicts: [{ check: "repetition" }] }]);
    expect((backup.requests[0]!.body.tools as Array<{ function: { name: string } }>)[0]!.function.name).toBe("get_weather");
  });

  test("a 500 reaches the provider once (inner retries disabled), and an open circuit fails fast", async () => {
    primary.script(() => ({ kind: "status", status: 500 }));
    const middleware = createBreakerMiddleware({ trip: 1 });
    const agent = createAgent({ model: chatOpenAI(primary), tools: [getWeather], middleware: [middleware] });
    const started = performance.now();
    await expect(agent.invoke({ messages: [{ role: "user", content: "q" }] })).rejects.toThrow(/primary → server HTTP 500/);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(primary.requests).toHaveLength(1);
    expect(middleware.breaker.status()).toEqual([{ provider: "primary", providerIndex: 0, state: "open" }]);

    const error = await agent.invoke({ messages: [{ role: "user", content: "q" }] }).catch((e: unknown) => e);
    // LangChain wraps errors thrown by middleware in its MiddlewareError, ours as the cause.
    expect((error as Record<string, unknown>)["~brand"]).toBe("MiddlewareError");
    expect((error as Error).cause).toBeInstanceOf(CircuitOpenError);
    expect(primary.requests).toHaveLength(1);
  });

  test("an answer reached past an open circuit says so in the same metadata as the chat-model wrapper", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const middleware = createBreakerMiddleware({ checks: [nonEmpty(), repetition()], trip: 1, fallbacks: [chatOpenAI(backup)] });
    const agent = createAgent({ model: chatOpenAI(primary), tools: [getWeather], middleware: [middleware] });
    await agent.invoke({ messages: [{ role: "user", content: "q" }] }); // trips the primary, backup answers
    const result = await agent.invoke({ messages: [{ role: "user", content: "q" }] });
    const metadata = result.messages.at(-1)!.response_metadata as Record<string, unknown>;
    expect(metadata["firebreak.breaker.provider"]).not.toBe("primary");
    expect(metadata["firebreak.breaker.statesAfter"]).toMatch(/^primary=open,/);
    expect(metadata["firebreak.breaker.skipped"]).toEqual(["primary: open"]);
    expect(metadata["firebreak.breaker.failovers"]).toBe(0);
    expect(primary.requests).toHaveLength(1);
  });
});
