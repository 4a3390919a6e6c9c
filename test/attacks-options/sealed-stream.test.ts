/**
 * Buffered streaming is sealed: with a real ChatOpenAI (SSE) against the loopback server, a
 * rejected answer's tokens reach no one (stream, handleLLMNewToken, streamEvents v2 on the model
 * and in a graph, LangGraph "messages" mode); the accepted answer's tokens appear exactly once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { AIMessageChunk } from "@langchain/core/messages";
import { nonEmpty, refusal, repetition, withSemanticBreaker } from "../../src/index.js";
import { openai, startLoopback, type Loopback } from "./loopback-openai.js";

const LEAK = "LEAKTOKEN ".repeat(40).trim();
const GOOD = "Paris is the capital of France.";
/** Longer than the 60-character fragment a rejection reason may quote: it can only be content. */
const LEAK_CONTENT = "LEAKTOKEN ".repeat(7);

let server: Loopback;
beforeAll(async () => {
  server = await startLoopback();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.script("primary-model", [{ kind: "answer", content: LEAK }]);
  server.script("backup-model", [{ kind: "answer", content: GOOD }]);
});

function guarded(streaming = true) {
  return withSemanticBreaker(openai(server, "primary-model", { streaming }), {
    checks: [nonEmpty(), repetition(), refusal()],
    name: "primary",
    fallbacks: [{ model: openai(server, "backup-model", { streaming }), name: "backup" }],
    trip: 5,
  });
}

const text = (c: unknown) => (typeof c === "string" ? c : JSON.stringify(c ?? ""));

describe("sealed buffered streaming", () => {
  it("model.stream(): no rejected token, the accepted answer once", async () => {
    const model = guarded();
    let out = "";
    for await (const chunk of await model.stream("capital of France?")) out += text(chunk.content);
    expect(out).not.toContain("LEAKTOKEN");
    expect(out).toBe(GOOD);
    expect(server.requests.some((r) => r.model === "primary-model")).toBe(true);
  });

  it("handleLLMNewToken on stream() and invoke(): no rejected token, the accepted answer once", async () => {
    // (invoke() of a bare ChatOpenAI({ streaming: true }) never settles against this loopback
    // server, with or without firebreak, so invoke() runs a non-streaming provider here.)
    for (const how of ["stream", "invoke"] as const) {
      const model = guarded(how === "stream");
      const seen: string[] = [];
      const callbacks = [{ handleLLMNewToken: (t: string) => void seen.push(t) }];
      if (how === "stream") for await (const _ of await model.stream("q", { callbacks })) void _;
      else await model.invoke("q", { callbacks });
      const joined = seen.join("");
      expect(joined, how).not.toContain("LEAKTOKEN");
      // With a streaming provider the accepted tokens arrive through the wrapper's run; at most once.
      if (how === "stream") expect(joined, how).toBe(GOOD);
      else expect([GOOD, ""]).toContain(joined);
    }
  });

  it("streamEvents v2 on the model: no rejected token in any event, the accepted answer once", async () => {
    const model = guarded();
    let streamed = "";
    let all = "";
    for await (const ev of model.streamEvents("q", { version: "v2" })) {
      all += JSON.stringify(ev.data ?? {});
      if (ev.event === "on_chat_model_stream") streamed += text((ev.data.chunk as AIMessageChunk).content);
    }
    expect(streamed).not.toContain("LEAKTOKEN");
    expect(streamed).toBe(GOOD);
    expect(all).not.toContain(LEAK_CONTENT);
  });

  const State = Annotation.Root({ answer: Annotation<string>() });
  function graphOf(model: ReturnType<typeof guarded>) {
    return new StateGraph(State)
      .addNode("agent", async (_s: typeof State.State) => ({ answer: text((await model.invoke("q")).content) }))
      .addEdge(START, "agent")
      .addEdge("agent", END)
      .compile();
  }

  it('graph streamMode "messages": no rejected token, the accepted answer once', async () => {
    for (const streaming of [true, false]) {
      const graph = graphOf(guarded(streaming));
      let out = "";
      for await (const [chunk] of await graph.stream({ answer: "" }, { streamMode: "messages" })) out += text(chunk.content);
      expect(out, `streaming ${streaming}`).not.toContain("LEAKTOKEN");
      expect(out, `streaming ${streaming}`).toBe(GOOD);
    }
  });

  it("graph streamEvents v2 and a graph callback: no rejected token, the accepted answer once", async () => {
    const graph = graphOf(guarded(true));
    let streamed = "";
    const tokensSeen: string[] = [];
    for await (const ev of graph.streamEvents(
      { answer: "" },
      { version: "v2", callbacks: [{ handleLLMNewToken: (t: string) => void tokensSeen.push(t) }] },
    )) {
      if (ev.event === "on_chat_model_stream") streamed += text((ev.data.chunk as AIMessageChunk).content);
    }
    expect(streamed).not.toContain("LEAKTOKEN");
    expect(streamed).toBe(GOOD);
    expect(tokensSeen.join("")).not.toContain("LEAKTOKEN");
    expect(tokensSeen.join("")).toBe(GOOD);
  });

  it("graph streamMode [messages, updates, debug, custom] with subgraphs: no rejected token anywhere", async () => {
    const graph = graphOf(guarded(true));
    let all = "";
    let msgs = "";
    for await (const item of await graph.stream({ answer: "" }, { streamMode: ["messages", "updates", "debug", "custom", "values"], subgraphs: true })) {
      const [, mode, payload] = item as unknown as [string[], string, unknown];
      all += JSON.stringify(payload);
      if (mode === "messages") msgs += text((payload as [AIMessageChunk])[0].content);
    }
    expect(all).not.toContain(LEAK_CONTENT);
    expect(msgs).not.toContain("LEAKTOKEN");
    expect(msgs).toBe(GOOD);
  });
});

describe("sealed buffered streaming: a provider that dies or stalls mid-stream", () => {
  for (const then of ["destroy", "stall"] as const) {
    it(`tokens sent before the provider ${then === "destroy" ? "dropped the connection" : "stalled past timeoutMs"} reach no one; the backup's answer once`, async () => {
      server.script("primary-model", [{ kind: "partial", content: "HALFTOKEN HALFTOKEN HALFTOKEN", then }]);
      const model = withSemanticBreaker(openai(server, "primary-model", { streaming: true }), {
        checks: [nonEmpty()],
        name: "primary",
        fallbacks: [{ model: openai(server, "backup-model", { streaming: true }), name: "backup" }],
        timeoutMs: 500,
      });
      const seen: string[] = [];
      let out = "";
      let events = "";
      for await (const chunk of await model.stream("q", { callbacks: [{ handleLLMNewToken: (t: string) => void seen.push(t) }] }))
        out += text(chunk.content);
      for await (const ev of model.streamEvents("q", { version: "v2" })) {
        if (ev.event === "on_chat_model_stream") events += text((ev.data.chunk as AIMessageChunk).content);
      }
      expect(out).not.toContain("HALFTOKEN");
      expect(seen.join("")).not.toContain("HALFTOKEN");
      expect(events).not.toContain("HALFTOKEN");
      expect(out).toBe(GOOD);
      expect(seen.join("")).toBe(GOOD);
      expect(events).toBe(GOOD);
      expect(model.breaker.status()[0]!.state).toBe("closed");
    });
  }
});
