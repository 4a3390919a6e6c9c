import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isInvalidOptionsError } from "../../src/index.js";
import { z } from "zod";
import { createChallenger } from "../../nodes/index.js";
import { ScriptedChatModel, readChallengeRequest, scriptedJudge } from "../../src/testing/index.js";

describe("langgraph-firebreak/testing", () => {
  it("scriptedJudge applies its rule per claim and the challenger reports exactly those verdicts", async () => {
    const seen: string[] = [];
    const judge = scriptedJudge((claim, request) => {
      seen.push(`${String(request.intent)}|${claim.id}`);
      return claim.text.includes("0.4437") ? "green" : { verdict: "red", reasons: ["0.85^5 is 0.4437"] };
    });
    const challenger = createChallenger({ model: judge });
    const { judgements } = await challenger.review({
      intent: "relay of five at 85%",
      claims: [
        { id: "a", text: "0.85^5 = 0.4437" },
        { id: "b", text: "0.85^5 = 0.52" },
      ],
    });
    expect(judgements.map((j) => [j.claimId, j.verdict, j.fromModel])).toEqual([
      ["a", "green", true],
      ["b", "red", true],
    ]);
    expect(judgements[1]!.reasons).toEqual(["0.85^5 is 0.4437"]);
    expect(seen).toEqual(["relay of five at 85%|a", "relay of five at 85%|b"]);
    expect(judge.callCount).toBe(1);
  });

  it("scriptedJudge calls no tool in the evidence phase and sees the fetched evidence when it judges", async () => {
    const lookup = tool(async () => "0.85^5 = 0.4437053125", { name: "calculator", description: "computes", schema: z.object({ q: z.string() }) });
    let evidenceSeen: readonly unknown[] | undefined;
    const judge = scriptedJudge((_claim, request) => {
      evidenceSeen = request.evidence;
      return "yellow";
    });
    const challenger = createChallenger({ model: judge, evidence: [lookup] });
    const { judgements } = await challenger.review({ intent: "x", claims: [{ id: "c1", text: "t" }] });
    expect(judgements[0]!.verdict).toBe("yellow");
    expect(judge.callCount).toBe(2); // one evidence call (no tool requested), one verdict call
    expect(evidenceSeen).toEqual([]);
  });

  it("readChallengeRequest refuses messages that are not a challenger prompt, and scriptedJudge refuses a non-function rule", () => {
    expect(() => readChallengeRequest([new HumanMessage("hello")])).toThrow(/not a challenger prompt/);
    expect(() => readChallengeRequest([])).toThrow(/claims_under_review/);
    expect(() => scriptedJudge("green" as never)).toThrow(/rule must be a function/);
  });

  it("ScriptedChatModel scripts errors (thrown as given) and token usage", async () => {
    const overloaded = Object.assign(new Error("overloaded"), { status: 503 });
    const model = new ScriptedChatModel({ script: [{ error: overloaded }, { text: "ok", usage: { input: 12, output: 3 } }], maxRetries: 0 });
    await expect(model.invoke("hi")).rejects.toBe(overloaded);
    const reply = await model.invoke("hi");
    expect(reply.content).toBe("ok");
    expect(reply.usage_metadata).toEqual({ input_tokens: 12, output_tokens: 3, total_tokens: 15 });
    expect(model.callCount).toBe(2);
  });

  /** "pending", or how the promise settled, once queued callbacks have run (no clock involved). */
  async function stateOf(p: Promise<unknown>): Promise<"pending" | "resolved" | "rejected"> {
    let state: "pending" | "resolved" | "rejected" = "pending";
    p.then(() => (state = "resolved"), () => (state = "rejected"));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    return state;
  }

  it("ScriptedChatModel { hang: true } stays pending until the call's signal aborts, then rejects with its reason (invoke and stream)", async () => {
    const model = new ScriptedChatModel({ script: [{ hang: true }, { hang: true }, "after"], maxRetries: 0 });
    const controller = new AbortController();
    const pending = model.invoke("q", { signal: controller.signal });
    expect(await stateOf(pending)).toBe("pending");
    const reason = new Error("user cancelled");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);

    const streamController = new AbortController();
    const streamed = (async () => {
      for await (const _chunk of await model.stream("q", { signal: streamController.signal })) void _chunk;
    })();
    expect(await stateOf(streamed)).toBe("pending");
    streamController.abort(new Error("stream cancelled"));
    await expect(streamed).rejects.toThrow("stream cancelled");
    expect((await model.invoke("q")).content).toBe("after");
    expect(model.callCount).toBe(3);
  });

  it("ScriptedChatModel { hang: true } on an already aborted signal rejects at once", async () => {
    const model = new ScriptedChatModel({ script: [{ hang: true }], maxRetries: 0 });
    const reason = new Error("already gone");
    await expect(model.invoke("q", { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  describe("ScriptedChatModel { delayMs }", () => {
    afterEach(() => void vi.useRealTimers());

    it("answers (or fails) only once delayMs has passed on the timers", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      const boom = new Error("late failure");
      const model = new ScriptedChatModel({ script: [{ text: "late", delayMs: 100 }, { error: boom, delayMs: 50 }], maxRetries: 0 });
      const answer = model.invoke("q");
      await vi.advanceTimersByTimeAsync(99);
      expect(await stateOf(answer)).toBe("pending");
      await vi.advanceTimersByTimeAsync(1);
      expect((await answer).content).toBe("late");
      const failure = model.invoke("q").catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(49);
      expect(await stateOf(failure)).toBe("pending");
      await vi.advanceTimersByTimeAsync(1);
      expect(await failure).toBe(boom);
    });

    it("is cut short by the call's signal, which rejects with its reason and leaves no timer", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      const model = new ScriptedChatModel({ script: [{ text: "late", delayMs: 60_000 }], maxRetries: 0 });
      const controller = new AbortController();
      const pending = model.invoke("q", { signal: controller.signal });
      expect(await stateOf(pending)).toBe("pending");
      expect(vi.getTimerCount()).toBe(1);
      const reason = new Error("timed out by the caller");
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
      expect(vi.getTimerCount()).toBe(0);
    });

    it("rejects a delayMs that is not a number of milliseconds Node's timers honour", async () => {
      for (const delayMs of [-1, Number.NaN, 2 ** 31, "5"]) {
        const model = new ScriptedChatModel({ script: [{ text: "x", delayMs: delayMs as number }], maxRetries: 0 });
        const e = await model.invoke("q").catch((err: unknown) => err);
        expect(isInvalidOptionsError(e), String(delayMs)).toBe(true);
        expect((e as Error).message).toMatch(/^ScriptedChatModel: script reply delayMs received/);
      }
    });
  });
});
