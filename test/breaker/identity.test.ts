/**
 * The wrapper keeps the wrapped model's identity where the ecosystem keys on it: the name
 * and model type (`createSupervisor` sets `parallel_tool_calls: false` only for models named
 * "ChatOpenAI"), the profile (`createAgent` picks native structured output from it), and the
 * tool binding shape (`createReactAgent` reads `kwargs.tools` and does not bind again).
 * Real ChatOpenAI clients against the loopback OpenAI-compatible server.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createSupervisor } from "@langchain/langgraph-supervisor";
import { createAgent } from "langchain";
import { z } from "zod/v4";
import { nonEmpty, withSemanticBreaker } from "../../src/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";

let supervisorServer: FakeOpenAI;
let workerServer: FakeOpenAI;

beforeEach(async () => {
  supervisorServer = await startFakeOpenAI(() => ({ kind: "good", content: "All done: Paris is the capital of France." }));
  workerServer = await startFakeOpenAI();
});

afterEach(async () => {
  await Promise.all([supervisorServer.close(), workerServer.close()]);
});

describe("the wrapped model's identity", () => {
  test("getName, _llmType and profile are the primary's; traces still name the wrapper's run apart", () => {
    const inner = chatOpenAI(supervisorServer);
    const guarded = withSemanticBreaker(inner, { checks: [nonEmpty()] });
    expect(guarded.getName()).toBe("ChatOpenAI");
    expect(guarded._llmType()).toBe(inner._llmType());
    expect(guarded.profile).toEqual(inner.profile);
    expect(guarded.bindTools([]).getName()).toBe("ChatOpenAI");
    // lc_id (what tracers name runs by) stays the wrapper's: attempts and wrapper are told apart.
    expect(guarded.lc_id.at(-1)).toBe("SemanticBreakerChatModel");
  });

  test("createSupervisor sends parallel_tool_calls: false through the wrapper, as with the bare ChatOpenAI", async () => {
    const runSupervisor = async (llm: Parameters<typeof createSupervisor>[0]["llm"]) => {
      const worker = createReactAgent({ llm: chatOpenAI(workerServer), tools: [], name: "worker" });
      const app = createSupervisor({ agents: [worker], llm }).compile();
      await app.invoke({ messages: [{ role: "user", content: "What is the capital of France?" }] });
      return supervisorServer.requests.at(-1)!.body;
    };
    const bare = await runSupervisor(chatOpenAI(supervisorServer));
    const guarded = await runSupervisor(withSemanticBreaker(chatOpenAI(supervisorServer), { checks: [nonEmpty()] }));
    for (const body of [bare, guarded]) {
      expect(body.parallel_tool_calls).toBe(false);
      expect((body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(["transfer_to_worker"]);
    }
    expect(supervisorServer.requests).toHaveLength(2); // tools bound once: no second bind dropped the flag
  });

  test("createAgent picks the same structured-output path for the wrapped model as for the bare one", async () => {
    supervisorServer.script(() => ({ kind: "content", content: '{"city":"Paris","country":"France"}' }));
    const City = z.object({ city: z.string(), country: z.string() });
    const ask = async (model: ReturnType<typeof chatOpenAI> | ReturnType<typeof withSemanticBreaker>) => {
      const agent = createAgent({ model, tools: [], responseFormat: City });
      const result = await agent.invoke({ messages: [{ role: "user", content: "Capital of France?" }] });
      return { structured: result.structuredResponse, body: supervisorServer.requests.at(-1)!.body };
    };
    const bare = await ask(chatOpenAI(supervisorServer));
    const guarded = await ask(withSemanticBreaker(chatOpenAI(supervisorServer), { checks: [nonEmpty()] }));
    expect(guarded.structured).toEqual({ city: "Paris", country: "France" });
    expect((guarded.body.response_format as { type?: string } | undefined)?.type).toBe(
      (bare.body.response_format as { type?: string } | undefined)?.type,
    );
    expect(Boolean(guarded.body.tools)).toBe(Boolean(bare.body.tools));
  });
});
