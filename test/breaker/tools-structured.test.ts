import { describe, expect, test } from "vitest";
import { AIMessageChunk } from "@langchain/core/messages";
import { RunnableBinding } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { z } from "zod/v4";
import { nonEmpty, schema, withSemanticBreaker, SemanticBreakerChatModel } from "../../src/index.js";
import type { FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";
import { serverPairEachTest } from "./support/server-pair.js";

let primary: FakeOpenAI;
let backup: FakeOpenAI;

serverPairEachTest((s) => ({ primary, backup } = s));

const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
  name: "get_weather",
  description: "Current weather for a city",
  schema: z.object({ city: z.string() }),
});

const City = z.object({ city: z.string(), country: z.string() });

describe("bindTools through the breaker", () => {
  test("binds the tools on every provider and returns the provider's tool calls as an AIMessageChunk", async () => {
    primary.script(() => ({ kind: "good", toolCalls: [{ name: "get_weather", args: { city: "Paris" } }] }));
    const guarded = withSemanticBreaker(chatOpenAI(primary), { fallbacks: [chatOpenAI(backup)] });
    const withTools = guarded.bindTools([getWeather]);
    // Like ChatOpenAI's: a binding whose kwargs list the tools (agents read them there).
    expect(RunnableBinding.isRunnableBinding(withTools)).toBe(true);
    expect((withTools.kwargs as { tools?: unknown[] }).tools).toEqual([getWeather]);
    expect(withTools.bound).toBeInstanceOf(SemanticBreakerChatModel);
    expect((withTools.bound as SemanticBreakerChatModel).breaker).toBe(guarded.breaker);

    const answer = await withTools.invoke("Weather in Paris?");
    expect(AIMessageChunk.isInstance(answer)).toBe(true);
    expect(answer.tool_calls).toEqual([{ name: "get_weather", args: { city: "Paris" }, id: "call_0_0", type: "tool_call" }]);
    expect((primary.requests[0]!.body.tools as Array<{ function: { name: string } }>)[0]!.function.name).toBe("get_weather");
  });

  test("the fallback receives the tools too, and off-schema tool arguments fail over to it", async () => {
    primary.script(() => ({ kind: "good", toolCalls: [{ name: "get_weather", args: { town: "Paris" } }] }));
    backup.script(() => ({ kind: "good", toolCalls: [{ name: "get_weather", args: { city: "Paris" } }] }));
    const guarded = withSemanticBreaker(chatOpenAI(primary), {
      checks: [nonEmpty(), schema(z.object({ city: z.string() }), { on: "tool-args", tool: "get_weather" })],
      fallbacks: [chatOpenAI(backup)],
    }).bindTools([getWeather], { tool_choice: "required" });
    const answer = await guarded.invoke("Weather in Paris?");
    expect(answer.tool_calls?.[0]?.args).toEqual({ city: "Paris" });
    expect(answer.response_metadata["firebreak.breaker.rejections"]).toEqual([
      expect.stringContaining("the arguments of tool call get_weather does not match the schema: city:"),
    ]);
    expect(backup.requests[0]!.body.tools).toHaveLength(1);
    expect(backup.requests[0]!.body.tool_choice).toBe("required");
  });

  test("malformed tool-call JSON is a semantic failure", async () => {
    primary.script(() => ({ kind: "good", toolCalls: [{ name: "get_weather", args: '{"city": "Par' }] }));
    backup.script(() => ({ kind: "good", toolCalls: [{ name: "get_weather", args: { city: "Paris" } }] }));
    const guarded = withSemanticBreaker(chatOpenAI(primary), {
      checks: [schema(z.object({ city: z.string() }), { on: "tool-args" })],
      fallbacks: [chatOpenAI(backup)],
    }).bindTools([getWeather]);
    const answer = await guarded.invoke("Weather in Paris?");
    expect(answer.tool_calls?.[0]?.args).toEqual({ city: "Paris" });
    expect((answer.response_metadata["firebreak.breaker.rejections"] as string[])[0]).toMatch(/not valid JSON/);
  });
});

describe("withStructuredOutput through the breaker", () => {
  test("keeps ChatOpenAI's native json_schema response_format and parses the answer", async () => {
    primary.script(() => ({ kind: "content", content: '{"city":"Paris","country":"France"}' }));
    const guarded = withSemanticBreaker(chatOpenAI(primary));
    const result = await guarded.withStructuredOutput(City, { name: "city" }).invoke("Capital of France?");
    expect(result).toEqual({ city: "Paris", country: "France" });
    const format = primary.requests[0]!.body.response_format as { type: string; json_schema: { name: string; schema: { properties: object } } };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.name).toBe("city");
    expect(Object.keys(format.json_schema.schema.properties)).toEqual(["city", "country"]);
    expect(primary.requests[0]!.body.tools).toBeUndefined();
  });

  test("keeps the function-calling path with a forced tool_choice when asked for it", async () => {
    primary.script(() => ({ kind: "good", toolCalls: [{ name: "extract", args: { city: "Paris", country: "France" } }] }));
    const guarded = withSemanticBreaker(chatOpenAI(primary));
    const result = await guarded.withStructuredOutput(City, { method: "functionCalling" }).invoke("Capital of France?");
    expect(result).toEqual({ city: "Paris", country: "France" });
    expect(primary.requests[0]!.body.tool_choice).toEqual({ type: "function", function: { name: "extract" } });
  });

  test("an answer that does not match the schema counts against the provider and fails over", async () => {
    primary.script(() => ({ kind: "content", content: '{"city": 42}' }));
    backup.script(() => ({ kind: "content", content: '{"city":"Paris","country":"France"}' }));
    const guarded = withSemanticBreaker(chatOpenAI(primary), { trip: 1, fallbacks: [chatOpenAI(backup)] });
    const structured = guarded.withStructuredOutput(City);
    await expect(structured.invoke("Capital of France?")).resolves.toEqual({ city: "Paris", country: "France" });
    expect(guarded.breaker.status()[0]!.state).toBe("open");
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests[0]!.body.response_format).toMatchObject({ type: "json_schema" });
  });

  test("each provider keeps its own structured path and parser (json_schema primary, function-calling fallback)", async () => {
    primary.script(() => ({ kind: "content", content: "not json at all" }));
    backup.script(() => ({ kind: "good", toolCalls: [{ name: "extract", args: { city: "Paris", country: "France" } }] }));
    const guarded = withSemanticBreaker(chatOpenAI(primary), { fallbacks: [chatOpenAI(backup, { model: "gpt-4" })] });
    await expect(guarded.withStructuredOutput(City).invoke("Capital of France?")).resolves.toEqual({ city: "Paris", country: "France" });
    expect(primary.requests[0]!.body.response_format).toMatchObject({ type: "json_schema" });
    expect(backup.requests[0]!.body.response_format).toBeUndefined();
    expect(backup.requests[0]!.body.tool_choice).toEqual({ type: "function", function: { name: "extract" } });
  });

  test("includeRaw returns the raw AIMessageChunk beside the parsed value", async () => {
    primary.script(() => ({ kind: "content", content: '{"city":"Paris","country":"France"}' }));
    const guarded = withSemanticBreaker(chatOpenAI(primary));
    const { raw, parsed } = await guarded.withStructuredOutput(City, { includeRaw: true }).invoke("Capital of France?");
    expect(parsed).toEqual({ city: "Paris", country: "France" });
    expect(AIMessageChunk.isInstance(raw)).toBe(true);
  });
});
