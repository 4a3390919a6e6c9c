/**
 * Per-attempt timeouts are batched (one timer and one AbortSignal per window of attempts):
 * each attempt still times out after at least `timeoutMs`, a provider that ignores its
 * signal still settles, nothing holds the process open once calls are over, and many
 * concurrent attempts on one signal raise no listener-leak warning. SCRIPTED models: this
 * is plumbing, not judgement.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ChatResult } from "@langchain/core/outputs";
import { FailoverExhaustedError, withSemanticBreaker } from "../../src/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";

/** SCRIPTED: never answers and ignores its abort signal (ScriptedChatModel's `hang` listens to it, as fetch does). */
class DeafHang extends BaseChatModel {
  signals: Array<AbortSignal | undefined> = [];
  _llmType(): string {
    return "deaf-hang";
  }
  async _generate(_m: unknown, options: this["ParsedCallOptions"]): Promise<ChatResult> {
    this.signals.push(options.signal);
    return new Promise<ChatResult>(() => undefined);
  }
}

/**
 * SCRIPTED: answers after 5 ms, listening to its signal meanwhile (as fetch does), except to
 * the prompt "hang", where it waits for its signal.
 */
const hangsOnRequest = () =>
  new ScriptedChatModel({
    script: ({ messages }) => (messages[0]?.content === "hang" ? { hang: true } : { text: "fine answer", delayMs: 5 }),
  });

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
afterEach(() => {
  process.off("warning", onWarning);
  warnings.length = 0;
});

describe("attempt timeouts", () => {
  test("a provider that ignores its signal still times out, after at least timeoutMs, and its signal is aborted", async () => {
    // Fake timers: "after at least timeoutMs" is checked on the timers the breaker arms, not on the
    // machine's load.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const deaf = new DeafHang({});
      const model = withSemanticBreaker(deaf, { timeoutMs: 80, trip: 10 });
      let settled = false;
      const call = model.invoke("q").catch((e: unknown) => e).finally(() => (settled = true));
      for (let i = 0; i < 100 && deaf.signals.length === 0; i++) await vi.advanceTimersByTimeAsync(0);
      expect(deaf.signals).toHaveLength(1); // the attempt has started: its timer is armed
      await vi.advanceTimersByTimeAsync(79);
      expect(settled).toBe(false);
      expect(deaf.signals[0]?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(2); // timeoutMs plus the batch width (1 % of 80 ms, at least 1 ms)
      const error = (await call) as FailoverExhaustedError;
      expect(error.failures[0]).toMatchObject({ kind: "timeout", reason: "attempt timed out after 80 ms" });
      expect(deaf.signals[0]?.aborted).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  test("a finished call leaves no timer holding the process open", async () => {
    const model = withSemanticBreaker(new ScriptedChatModel({ script: ["fine answer"] }), { timeoutMs: 60_000 });
    const before = timers();
    for (let i = 0; i < 20; i++) await model.invoke("q");
    expect(timers()).toBe(before);
  });

  test("200 concurrent attempts share the batch's signal without a listener-leak warning, and a caller's abort still reaches only its own call", async () => {
    process.on("warning", onWarning);
    const model = withSemanticBreaker(hangsOnRequest(), { timeoutMs: 60_000, trip: 10 });
    const controller = new AbortController();
    const first = model.invoke("hang", { signal: controller.signal }).catch((e: unknown) => e);
    const rest = Array.from({ length: 199 }, () => model.invoke("q"));
    await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error("user cancelled"));
    expect(((await first) as Error).message).toBe("user cancelled");
    expect((await Promise.all(rest)).every((a) => a.content === "fine answer")).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    expect(model.breaker.status()[0]!.state).toBe("closed");
  });

  test("a frozen or rewound wall clock never shortens an attempt: batches follow the monotonic clock", async () => {
    // Date stands still (as under fake timers, or after the wall clock is set back): an
    // attempt started 150 ms after the first must not join the first attempt's batch and be
    // timed out when that batch's timer fires, after less than its own timeoutMs.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const slow = new ScriptedChatModel({ script: [{ text: "fine answer" }, { text: "fine answer", delayMs: 120 }] });
      const model = withSemanticBreaker(slow, { timeoutMs: 200, trip: 10 });
      await model.invoke("first");
      await new Promise((r) => setTimeout(r, 150));
      // Under the first attempt's batch this one would be cut at ~205 ms after the first began (~55 ms in).
      const answer = await model.invoke("second").catch((e: unknown) => e);
      expect((answer as { content?: unknown }).content).toBe("fine answer");
    } finally {
      vi.useRealTimers();
    }
  });
});
