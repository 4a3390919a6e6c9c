import { describe, expect, test } from "vitest";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { sealHandler } from "../../src/breaker/sealed-callbacks.js";

class Tracer extends BaseCallbackHandler {
  name = "tracer";
  lc_prefer_streaming = true;
  #runs = new Map<string, string>();
  tokens: string[] = [];
  override handleChatModelStart(_llm: unknown, _m: unknown, runId: string) {
    this.#runs.set(runId, "started");
  }
  override handleLLMNewToken(token: string) {
    this.tokens.push(token);
  }
  runs() {
    return [...this.#runs.keys()];
  }
}

describe("sealHandler: the handler as a provider attempt's run sees it", () => {
  test("keeps instanceof and every callback (private fields work), mutes tokens, never mutates the handler", async () => {
    const tracer = new Tracer();
    const sealed = sealHandler(tracer) as unknown as Tracer;
    expect(sealed).toBeInstanceOf(Tracer);
    expect(sealed.name).toBe("tracer");
    await sealed.handleChatModelStart({} as never, [], "run-1");
    expect(tracer.runs()).toEqual(["run-1"]);
    expect(sealed.handleLLMNewToken).toBeUndefined();
    expect(sealed.lc_prefer_streaming).toBe(false);
    expect(tracer.lc_prefer_streaming).toBe(true);
    expect(sealHandler(tracer)).toBe(sealed); // built once per handler
  });

  test("hides the attempt from stream consumers and leaves token-less handlers as they are", () => {
    const consumer = Object.assign(new Tracer(), { name: "event_stream_tracer" });
    expect(sealHandler(consumer)).toBeUndefined();
    const plain = new (class extends BaseCallbackHandler {
      name = "plain";
    })();
    expect(sealHandler(plain)).toBe(plain);
  });
});
