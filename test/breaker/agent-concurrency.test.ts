import { describe, expect, test, vi } from "vitest";
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { z } from "zod/v4";
import { nonEmpty, repetition, withSemanticBreaker, type StateChangeEvent } from "../../src/index.js";
import { GOOD_ANSWER, type FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";
import { serverPairEachTest } from "./support/server-pair.js";

let primary: FakeOpenAI;
let backup: FakeOpenAI;
const BACKUP_ANSWER = "Backup: it is sunny in Paris today.";

serverPairEachTest((s) => ({ primary, backup } = s), BACKUP_ANSWER);

const checks = [nonEmpty(), repetition()];

describe("a guarded model inside createReactAgent", () => {
  test("calls tools, and fails over mid-run when the primary starts answering garbage", async () => {
    const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: "get_weather",
      description: "Current weather for a city",
      schema: z.object({ city: z.string() }),
    });
    primary.script((_r, n) => (n === 0 ? { kind: "good", toolCalls: [{ name: "get_weather", args: { city: "Paris" } }] } : { kind: "garbage" }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, fallbacks: [chatOpenAI(backup)] });
    const agent = createReactAgent({ llm: model, tools: [getWeather] });

    const result = await agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] });
    const types = result.messages.map((m) => m.getType());
    expect(types).toEqual(["human", "ai", "tool", "ai"]);
    expect(result.messages[2]!.content).toBe("sunny in Paris");
    expect(result.messages[3]!.content).toBe(BACKUP_ANSWER);
    expect((result.messages[3]!.response_metadata as Record<string, unknown>)["firebreak.breaker.failovers"]).toBe(1);
    // The fallback got the same tools and the whole conversation, tool result included.
    const sent = backup.requests[0]!.body;
    expect((sent.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(["get_weather"]);
    expect(sent.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
  });
});

describe("200 concurrent calls while the provider degrades", () => {
  test("no call hangs, transitions stay consistent, and exactly one half-open probe is sent", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    primary.script((_r, n) => (n < 30 ? { kind: "good" } : { kind: "garbage" }));
    const model = withSemanticBreaker(chatOpenAI(primary), {
      checks,
      trip: 5,
      halfOpenAfter: 30_000,
      fallbacks: [chatOpenAI(backup)],
      timeoutMs: 10_000,
    });
    const transitions: StateChangeEvent[] = [];
    model.onStateChange((e) => transitions.push(e));

    const wave = () => Promise.all(Array.from({ length: 200 }, (_, i) => model.invoke(`question ${i}`)));
    const first = await wave();
    expect(first).toHaveLength(200);
    expect(first.every((a) => a.content === GOOD_ANSWER || a.content === BACKUP_ANSWER)).toBe(true);
    expect(first.filter((a) => a.content === GOOD_ANSWER)).toHaveLength(30);
    expect(model.breaker.status()[0]!.state).toBe("open");
    const primaryAfterFirstWave = primary.requests.length;

    vi.advanceTimersByTime(30_001);
    primary.script(() => ({ kind: "good", delayMs: 40 }));
    const second = await wave();
    expect(primary.requests.length - primaryAfterFirstWave).toBe(1);
    expect(second.filter((a) => a.content === GOOD_ANSWER)).toHaveLength(1);
    expect(second.filter((a) => a.content === BACKUP_ANSWER)).toHaveLength(199);
    expect(model.breaker.status().map((s) => s.state)).toEqual(["closed", "closed"]);

    const path = transitions.filter((t) => t.providerIndex === 0);
    for (let i = 1; i < path.length; i++) expect(path[i]!.from).toBe(path[i - 1]!.state);
    expect(path.map((t) => `${t.from}→${t.state}`)).toEqual(["closed→open", "open→half-open", "half-open→closed"]);
    expect(transitions.filter((t) => t.providerIndex === 1)).toEqual([]);
  });
});
