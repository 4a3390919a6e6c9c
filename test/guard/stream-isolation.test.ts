import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch/web";
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { findMark, HOSTILE, hostileGraph, INPUT, STATE_STYLES } from "./support/hostile-world.js";

// The judge is scripted (a stand-in for a model's judgement). Streams must obey isolation: no
// token, message or custom event of a blocked attempt reaches any stream mode, streamEvents v2
// or a caller's callback handler; the committed attempt does reach them.

const ALL_MODES = ["values", "updates", "messages", "custom", "debug", "tasks", "checkpoints"] as const;
const CASES = Object.keys(HOSTILE).filter((n) => !n.startsWith("in-place"));

/** A caller's own handler: records every token and custom event it is given. */
class CallerHandler extends BaseCallbackHandler {
  name = "caller-handler";
  seen: unknown[] = [];
  override handleLLMNewToken(token: string) {
    this.seen.push(token);
  }
  override handleLLMEnd(output: unknown) {
    this.seen.push(output);
  }
  override handleCustomEvent(name: string, data: unknown) {
    this.seen.push({ name, data });
  }
  override handleChainEnd(outputs: unknown) {
    this.seen.push(outputs);
  }
}

describe("streams obey the guard's isolation", () => {
  describe.each([false, true])("with subgraphs: %s", (subgraphs) => {
    it.each(CASES)("%s: no stream mode carries the blocked attempt", async (name) => {
      const { builder } = hostileGraph(STATE_STYLES[0][1], HOSTILE[name]!, { onExhausted: "degrade" });
      const graph = builder.compile({ checkpointer: new MemorySaver() });
      const chunks: unknown[] = [];
      const stream = await graph.stream(INPUT, { configurable: { thread_id: `${name}-${subgraphs}` }, streamMode: [...ALL_MODES], subgraphs });
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.length).toBeGreaterThan(5);
      expect(findMark(chunks)).toEqual([]);
    });
  });

  it.each(CASES)("%s: streamEvents v2 and a caller's handler never see the blocked attempt", async (name) => {
    const { builder } = hostileGraph(STATE_STYLES[0][1], HOSTILE[name]!, { onExhausted: "degrade" });
    const graph = builder.compile();
    const caller = new CallerHandler();
    const events: unknown[] = [];
    for await (const event of graph.streamEvents(INPUT, { version: "v2", callbacks: [caller] })) events.push(event);
    expect(events.length).toBeGreaterThan(5);
    expect(findMark(events)).toEqual([]);
    expect(findMark(caller.seen)).toEqual([]);
  });

  it("the committed attempt reaches the client: its messages, its custom events, its update", async () => {
    const producer = async (_s: unknown, config: LangGraphRunnableConfig) => {
      const model = new ScriptedChatModel({ label: "scripted producer", script: ["The figure is 0.4437."] });
      const reply = await model.invoke([new HumanMessage("answer")], config);
      config.writer?.({ progress: "computed 0.4437" });
      await dispatchCustomEvent("progress", { figure: 0.4437 }, config);
      return { messages: [reply], draft: "0.4437" };
    };
    // Without subgraphs, a guarded node's approved answer still streams (as whole messages at the commit).
    for (const subgraphs of [false, true]) {
      const { builder } = hostileGraph(STATE_STYLES[0][1], producer);
      const graph = builder.compile();
      const messages: string[] = [];
      const custom: unknown[] = [];
      const updates: unknown[] = [];
      for await (const chunk of await graph.stream(INPUT, { streamMode: ["messages", "custom", "updates"], subgraphs })) {
        const [mode, payload] = (subgraphs ? (chunk as unknown[]).slice(1) : chunk) as [string, unknown];
        if (mode === "messages") messages.push(String(((payload as unknown[])[0] as { content: unknown }).content));
        if (mode === "custom") custom.push(payload);
        if (mode === "updates") updates.push(payload);
      }
      expect(messages.join("")).toContain("The figure is 0.4437.");
      expect(custom).toContainEqual({ progress: "computed 0.4437" });
      expect(updates.some((u) => JSON.stringify(u).includes('"draft":"0.4437"'))).toBe(true);
    }
    const { builder } = hostileGraph(STATE_STYLES[0][1], producer);
    const events: Array<{ event: string; name: string; data: unknown }> = [];
    for await (const event of builder.compile().streamEvents(INPUT, { version: "v2" })) events.push(event as never);
    expect(events.filter((e) => e.event === "on_custom_event" && e.name === "progress").map((e) => e.data)).toEqual([{ figure: 0.4437 }]);
    // The guard's own events still reach streamEvents, stage by stage.
    expect(events.filter((e) => e.event === "on_custom_event" && e.name === "firebreak/bicr").map((e) => (e.data as { stage: string }).stage)).toEqual([
      "buffer",
      "challenge",
      "isolate",
      "commit",
    ]);
  });
});
