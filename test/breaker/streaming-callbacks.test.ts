import { describe, expect, test } from "vitest";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { MessagesAnnotation, StateGraph } from "@langchain/langgraph";
import {
  ATTEMPT_TAG,
  FailoverExhaustedError,
  REJECTED_EVENT,
  nonEmpty,
  repetition,
  withSemanticBreaker,
} from "../../src/index.js";
import { GARBAGE, GOOD_ANSWER, USAGE, type FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";
import { serverPairEachTest } from "./support/server-pair.js";

let primary: FakeOpenAI;
let backup: FakeOpenAI;
const BACKUP_ANSWER = "Backup says: Paris is the capital of France.";

serverPairEachTest((s) => ({ primary, backup } = s), BACKUP_ANSWER);

const checks = [nonEmpty(), repetition()];

/** Records what a tracer (Langfuse, LangSmith) would see: LLM runs, their tags, metadata and usage. */
class RunRecorder extends BaseCallbackHandler {
  name = "RunRecorder";
  starts: Array<{ runId: string; parentRunId?: string; tags?: string[]; metadata?: Record<string, unknown>; name?: string }> = [];
  usages: Array<{ runId: string; input: number; output: number }> = [];
  events: Array<{ name: string; data: unknown; runId: string }> = [];
  override handleCustomEvent(name: string, data: unknown, runId: string) {
    this.events.push({ name, data, runId });
  }
  override handleChatModelStart(
    _llm: unknown,
    _messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    _extra?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ) {
    this.starts.push({ runId, ...(parentRunId ? { parentRunId } : {}), ...(tags ? { tags } : {}), ...(metadata ? { metadata } : {}), ...(name ? { name } : {}) });
  }
  override handleLLMEnd(output: LLMResult, runId: string) {
    const message = (output.generations[0]?.[0] as { message?: AIMessageChunk } | undefined)?.message;
    const usage = message?.usage_metadata;
    const tokenUsage = output.llmOutput?.tokenUsage as { promptTokens?: number; completionTokens?: number } | undefined;
    if (usage) this.usages.push({ runId, input: usage.input_tokens, output: usage.output_tokens });
    else if (tokenUsage) this.usages.push({ runId, input: tokenUsage.promptTokens ?? 0, output: tokenUsage.completionTokens ?? 0 });
  }
}

async function collect(stream: AsyncIterable<AIMessageChunk>): Promise<{ chunks: AIMessageChunk[]; error?: unknown }> {
  const chunks: AIMessageChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

describe('stream: "buffer" (default)', () => {
  test("never emits a token of a rejected answer and streams the backup's answer instead", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, fallbacks: [chatOpenAI(backup)] });
    const { chunks, error } = await collect(await model.stream("q"));
    expect(error).toBeUndefined();
    const text = chunks.map((c) => c.text).join("");
    expect(text).toBe(BACKUP_ANSWER);
    expect(text).not.toContain("lorem");
    expect(chunks.length).toBeGreaterThan(3); // the provider's own chunks, replayed after the verdict
    expect(primary.requests[0]!.body.stream).toBe(true);
  });

  test("the concatenated stream carries the answer's usage and the breaker's metadata", async () => {
    const model = withSemanticBreaker(chatOpenAI(primary), { checks });
    const { chunks } = await collect(await model.stream("q"));
    const whole = chunks.reduce((a, b) => a.concat(b));
    expect(whole.text).toBe(GOOD_ANSWER);
    expect(whole.usage_metadata).toMatchObject({ input_tokens: USAGE.prompt_tokens, output_tokens: USAGE.completion_tokens });
    expect(whole.response_metadata["firebreak.breaker.provider"]).toBe("ChatOpenAI:gpt-4o-mini");
  });
});

describe('stream: "passthrough"', () => {
  test("emits tokens as they arrive, then throws and counts the failure when the whole answer fails a check", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, stream: "passthrough", trip: 1, fallbacks: [chatOpenAI(backup)] });
    const { chunks, error } = await collect(await model.stream("q"));
    expect(chunks.map((c) => c.text).join("")).toBe(GARBAGE);
    expect(error).toBeInstanceOf(FailoverExhaustedError);
    expect((error as FailoverExhaustedError).failures[0]!.kind).toBe("semantic");
    expect(backup.requests).toHaveLength(0); // tokens went out: too late to fail over
    expect(model.breaker.status()[0]!.state).toBe("open");
  });

  test("still fails over when the provider fails before its first token", async () => {
    primary.script(() => ({ kind: "status", status: 500 }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, stream: "passthrough", fallbacks: [chatOpenAI(backup)] });
    const { chunks, error } = await collect(await model.stream("q"));
    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.text).join("")).toBe(BACKUP_ANSWER);
  });
});

describe("callbacks and tracing", () => {
  test("the provider call is a child run tagged langsmith:nostream with firebreak.breaker metadata", async () => {
    const recorder = new RunRecorder();
    const model = withSemanticBreaker(chatOpenAI(primary), { checks });
    await model.invoke("q", { callbacks: [recorder] });
    expect(recorder.starts).toHaveLength(2);
    const [outer, inner] = recorder.starts;
    expect(outer!.metadata?.["firebreak.breaker.states"]).toBe("ChatOpenAI:gpt-4o-mini=closed");
    expect(inner!.parentRunId).toBe(outer!.runId);
    expect(inner!.tags).toEqual(expect.arrayContaining(["langsmith:nostream", ATTEMPT_TAG]));
    expect(inner!.metadata).toMatchObject({
      "firebreak.breaker.provider": "ChatOpenAI:gpt-4o-mini",
      "firebreak.breaker.attempt": 1,
      "firebreak.breaker.state": "closed",
      "firebreak.breaker.probe": false,
    });
  });

  test("token usage reaches callbacks once (on the provider's run) while the caller's message keeps it", async () => {
    for (const mode of ["invoke", "stream"] as const) {
      const recorder = new RunRecorder();
      const model = withSemanticBreaker(chatOpenAI(primary), { checks });
      let message: AIMessageChunk;
      if (mode === "invoke") message = await model.invoke("q", { callbacks: [recorder] });
      else message = (await collect(await model.stream("q", { callbacks: [recorder] }))).chunks.reduce((a, b) => a.concat(b));
      expect(recorder.usages.map((u) => u.input), mode).toEqual([USAGE.prompt_tokens]);
      expect(recorder.usages[0]!.runId, mode).toBe(recorder.starts[1]!.runId);
      expect(message.usage_metadata?.input_tokens, mode).toBe(USAGE.prompt_tokens);
    }
  });

  test("a rejected attempt is reported on the wrapper's run as a firebreak/ custom event with its verdict", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const recorder = new RunRecorder();
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, fallbacks: [chatOpenAI(backup)] });
    await model.invoke("q", { callbacks: [recorder] });
    const rejected = recorder.events.filter((e) => e.name === REJECTED_EVENT);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      runId: recorder.starts[0]!.runId,
      data: { provider: "ChatOpenAI:gpt-4o-mini", kind: "semantic", probe: false, verdicts: [{ check: "repetition", ok: false }] },
    });
    expect(JSON.parse(JSON.stringify(rejected[0]!.data))).toEqual(rejected[0]!.data);
  });

  test("each breaker decision is a firebreak/breaker child run of the wrapper's run, with firebreak.* metadata", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const chains: Array<{ name: string | undefined; parentRunId: string | undefined; metadata: Record<string, unknown> }> = [];
    const recorder = new (class extends RunRecorder {
      // The manager calls (chain, inputs, runId, parentRunId, tags, metadata, runType, runName).
      override handleChainStart(...args: unknown[]) {
        const [, , , parentRunId, , metadata, , runName] = args as [unknown, unknown, string, string?, string[]?, Record<string, unknown>?, string?, string?];
        chains.push({ name: runName, parentRunId, metadata: metadata ?? {} });
      }
    })();
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, fallbacks: [chatOpenAI(backup)], trip: 2 });
    const answer = await model.invoke("q", { callbacks: [recorder] });
    await model.invoke("q", { callbacks: [recorder] });
    const decisions = chains.filter((c) => c.name === "firebreak/breaker");
    // Two rejections: the first leaves the circuit closed, the second trips it.
    const calls = recorder.starts.filter((s) => !s.tags?.includes(ATTEMPT_TAG));
    expect(calls).toHaveLength(2);
    expect(decisions.map((d) => d.parentRunId)).toEqual(calls.map((c) => c.runId));
    expect(decisions.map((d) => [d.metadata["firebreak.from"], d.metadata["firebreak.state"], d.metadata["firebreak.tripped"]])).toEqual([
      ["closed", "closed", undefined],
      ["closed", "open", true],
    ]);
    expect(decisions[1]!.metadata).toMatchObject({
      "firebreak.event": "breaker",
      "firebreak.decision": "rejected",
      "firebreak.provider": "ChatOpenAI:gpt-4o-mini",
      "firebreak.kind": "semantic",
      "firebreak.failingCheck": "repetition",
      "firebreak.attempt": 1,
    });
    expect(answer.response_metadata["firebreak.breaker.statesAfter"]).toBe("ChatOpenAI:gpt-4o-mini=closed,ChatOpenAI:gpt-4o-mini#2=closed");
  });

  test("a rejected attempt's tokens are counted too, once, since they were spent", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const recorder = new RunRecorder();
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, fallbacks: [chatOpenAI(backup)] });
    const answer = await model.invoke("q", { callbacks: [recorder] });
    expect(recorder.usages.map((u) => u.input)).toEqual([USAGE.prompt_tokens, USAGE.prompt_tokens]);
    expect(answer.usage_metadata?.input_tokens).toBe(USAGE.prompt_tokens);
  });
});

describe('LangGraph streamMode: "messages"', () => {
  test("emits each token of the accepted answer once, and nothing of the rejected one", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, fallbacks: [chatOpenAI(backup)] });
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("agent", async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addEdge("__start__", "agent")
      .compile();
    const tokens: string[] = [];
    const runs = new Set<string>();
    for await (const [chunk, metadata] of await graph.stream({ messages: [{ role: "user", content: "q" }] }, { streamMode: "messages" })) {
      tokens.push((chunk as AIMessageChunk).text);
      runs.add(String((metadata as { tags?: string[] }).tags?.includes(ATTEMPT_TAG)));
    }
    expect(tokens.join("")).toBe(BACKUP_ANSWER);
    expect(runs).toEqual(new Set(["false"]));
    const final = await graph.invoke({ messages: [{ role: "user", content: "q" }] });
    expect(final.messages.at(-1)!.content).toBe(BACKUP_ANSWER);
  });
});
