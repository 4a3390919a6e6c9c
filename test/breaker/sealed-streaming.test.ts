/**
 * Buffered streaming is sealed: with `stream: "buffer"` no callback handler, `streamEvents`
 * consumer (on the model, inside a LangGraph graph) or stream mode sees a token of a
 * rejected answer, and the accepted answer's tokens arrive exactly once. Providers are
 * real ChatOpenAI clients against the loopback server: the primary streams repetitive
 * garbage (rejected by `repetition()`), the backup a good answer.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { StreamEvent } from "@langchain/core/tracers/log_stream";
import { MessagesAnnotation, StateGraph } from "@langchain/langgraph";
import { ATTEMPT_TAG, nonEmpty, repetition, withSemanticBreaker } from "../../src/index.js";
import { GARBAGE, startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";

let primary: FakeOpenAI;
let backup: FakeOpenAI;
const BACKUP_ANSWER = "Backup says: Paris is the capital of France.";
const REJECTED_WORD = "lorem";

beforeEach(async () => {
  primary = await startFakeOpenAI(() => ({ kind: "garbage" }));
  backup = await startFakeOpenAI(() => ({ kind: "good", content: BACKUP_ANSWER }));
});

afterEach(async () => {
  await Promise.all([primary.close(), backup.close()]);
});

const guarded = (stream: "buffer" | "passthrough" = "buffer") =>
  withSemanticBreaker(chatOpenAI(primary), { checks: [nonEmpty(), repetition()], fallbacks: [chatOpenAI(backup)], stream });

/** A one-node graph whose node answers with `model`. */
const agentGraph = (model: ReturnType<typeof guarded>) =>
  new StateGraph(MessagesAnnotation)
    .addNode("agent", async (state) => ({ messages: [await model.invoke(state.messages)] }))
    .addEdge("__start__", "agent")
    .compile();

/**
 * SCRIPTED: a provider that streams inside invoke(), emitting each word as a token on its
 * own run, as ChatOpenAI does with `streaming: true` (which cannot run offline here: it
 * estimates token counts with an encoder fetched from the network).
 */
class StreamsInsideInvoke extends BaseChatModel {
  constructor(private readonly answer: string) {
    super({});
  }
  _llmType(): string {
    return "scripted-streaming";
  }
  async _generate(_messages: BaseMessage[], _options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    for (const word of this.answer.match(/\S+\s*/g) ?? []) {
      const chunk = new ChatGenerationChunk({ text: word, message: new AIMessageChunk({ content: word }) });
      await runManager?.handleLLMNewToken(word, { prompt: 0, completion: 0 }, undefined, undefined, undefined, { chunk });
    }
    return { generations: [{ text: this.answer, message: new AIMessage(this.answer) }] };
  }
}

/** A caller's handler that both streams tokens and traces runs (like a UI plus a tracer). */
class TokenAndRunHandler extends BaseCallbackHandler {
  name = "TokenAndRunHandler";
  tokens: Array<{ token: string; runId: string }> = [];
  starts: Array<{ runId: string; tags: string[] }> = [];
  ends: string[] = [];
  override handleLLMNewToken(token: string, _idx: unknown, runId: string) {
    this.tokens.push({ token, runId });
  }
  override handleChatModelStart(_llm: unknown, _messages: unknown, runId: string, _parent?: string, _extra?: unknown, tags?: string[]) {
    this.starts.push({ runId, tags: tags ?? [] });
  }
  override handleLLMEnd(_output: unknown, runId: string) {
    this.ends.push(runId);
  }
}

/**
 * Text of every chat-model token event, the content of every message any event carried,
 * and the events of provider attempts. (Rejection *reasons* in firebreak/ events and
 * response_metadata may quote a short fragment of a rejected answer for diagnosis; they are
 * not content and are not checked here.)
 */
function modelEvents(events: StreamEvent[]) {
  const streamed = events.filter((e) => e.event === "on_chat_model_stream");
  return {
    text: streamed.map((e) => (e.data.chunk as AIMessageChunk).text).join(""),
    runs: new Set(streamed.map((e) => e.run_id)),
    contents: contentsOf(events.map((e) => e.data)).join("\n"),
    attemptEvents: events.filter((e) => e.tags?.includes(ATTEMPT_TAG)),
  };
}

/** Every message `content` (and `text`) string found anywhere in `value`. */
function contentsOf(value: unknown, out: string[] = [], seen = new Set<object>()): string[] {
  if (typeof value !== "object" || value === null || seen.has(value)) return out;
  seen.add(value);
  const record = value as Record<string, unknown>;
  for (const key of ["content", "text"]) if (typeof record[key] === "string") out.push(record[key] as string);
  for (const key of Object.keys(record)) if (key !== "response_metadata" && key !== "metadata") contentsOf(record[key], out, seen);
  return out;
}

describe('stream: "buffer" — callback handlers', () => {
  for (const call of ["stream", "invoke"] as const) {
    test(`a caller's handleLLMNewToken sees only the accepted answer, once, on the wrapper's run (${call})`, async () => {
      const handler = new TokenAndRunHandler();
      const model =
        call === "stream"
          ? guarded()
          : withSemanticBreaker(new StreamsInsideInvoke(GARBAGE), {
              checks: [nonEmpty(), repetition()],
              fallbacks: [new StreamsInsideInvoke(BACKUP_ANSWER)],
            });
      if (call === "stream") for await (const _ of await model.stream("q", { callbacks: [handler] })) void _;
      else await model.invoke("q", { callbacks: [handler] });
      const text = handler.tokens.map((t) => t.token).join("");
      expect(text).toBe(BACKUP_ANSWER);
      expect(text).not.toContain(REJECTED_WORD);
      const wrapperRun = handler.starts.find((s) => !s.tags.includes(ATTEMPT_TAG))!.runId;
      expect(new Set(handler.tokens.map((t) => t.runId))).toEqual(new Set([wrapperRun]));
      // The handler still traces both attempts (the rejected one included) as runs.
      expect(handler.starts.filter((s) => s.tags.includes(ATTEMPT_TAG))).toHaveLength(2);
      expect(handler.ends).toHaveLength(3);
    });
  }
});

describe('stream: "buffer" — streamEvents v2', () => {
  test("on the model: only the accepted answer's tokens, once, from one run; no event of the rejected attempt", async () => {
    const events: StreamEvent[] = [];
    for await (const event of guarded().streamEvents("q", { version: "v2" })) events.push(event);
    const seen = modelEvents(events);
    expect(seen.text).toBe(BACKUP_ANSWER);
    expect(seen.runs.size).toBe(1);
    expect(seen.contents).toContain(BACKUP_ANSWER);
    expect(seen.contents).not.toContain(REJECTED_WORD);
    expect(seen.attemptEvents).toEqual([]);
    expect(primary.requests).toHaveLength(1); // the rejected answer was streamed, and kept back
  });

  test("inside a LangGraph graph: the same, and the graph's output is the accepted answer", async () => {
    const graph = agentGraph(guarded());
    const events: StreamEvent[] = [];
    for await (const event of graph.streamEvents({ messages: [{ role: "user", content: "q" }] }, { version: "v2" })) events.push(event);
    const seen = modelEvents(events);
    expect(seen.text).toBe(BACKUP_ANSWER);
    expect(seen.runs.size).toBe(1);
    expect(seen.contents).toContain(BACKUP_ANSWER);
    expect(seen.contents).not.toContain(REJECTED_WORD);
    expect(seen.attemptEvents).toEqual([]);
    const end = events.findLast((e) => e.event === "on_chain_end" && e.name === "LangGraph")!;
    expect((end.data.output as { messages: AIMessageChunk[] }).messages.at(-1)!.content).toBe(BACKUP_ANSWER);
  });

  test('graph.stream with streamMode ["messages", "updates"] carries no token of the rejected answer', async () => {
    const graph = agentGraph(guarded());
    const tokens: string[] = [];
    const chunks: unknown[] = [];
    for await (const [mode, chunk] of await graph.stream({ messages: [{ role: "user", content: "q" }] }, { streamMode: ["messages", "updates"] })) {
      chunks.push(chunk);
      if (mode === "messages") tokens.push((chunk as [AIMessageChunk, unknown])[0].text);
    }
    expect(tokens.join("")).toBe(BACKUP_ANSWER);
    const contents = contentsOf(chunks).join("\n");
    expect(contents).toContain(BACKUP_ANSWER);
    expect(contents).not.toContain(REJECTED_WORD);
  });
});

describe('stream: "passthrough" — tokens go out as they come, but only once', () => {
  test("a caller's handler and streamEvents see each token of the answer exactly once", async () => {
    backup.script(() => ({ kind: "good", content: BACKUP_ANSWER }));
    primary.script(() => ({ kind: "good", content: BACKUP_ANSWER }));
    const handler = new TokenAndRunHandler();
    const model = guarded("passthrough");
    for await (const _ of await model.stream("q", { callbacks: [handler] })) void _;
    expect(handler.tokens.map((t) => t.token).join("")).toBe(BACKUP_ANSWER);
    const events: StreamEvent[] = [];
    for await (const event of model.streamEvents("q", { version: "v2" })) events.push(event);
    expect(modelEvents(events).text).toBe(BACKUP_ANSWER);
  });

  test("a rejected answer's tokens were already out (documented), but never twice", async () => {
    const handler = new TokenAndRunHandler();
    const model = guarded("passthrough");
    const seen: string[] = [];
    await (async () => {
      for await (const chunk of await model.stream("q", { callbacks: [handler] })) seen.push(chunk.text);
    })().catch(() => undefined);
    expect(seen.join("")).toBe(GARBAGE);
    expect(handler.tokens.map((t) => t.token).join("")).toBe(GARBAGE);
  });
});
