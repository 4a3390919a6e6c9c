import { afterEach, describe, expect, test, vi } from "vitest";
import { ExponentialBackoff, noJitterGenerator } from "cockatiel";
import {
  CircuitOpenError,
  FailoverExhaustedError,
  nonEmpty,
  withSemanticBreaker,
  type BreakEvent,
  type ProviderStatus,
} from "../../src/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { httpError } from "./support/http-error.js";

afterEach(() => {
  vi.useRealTimers();
});

const fail = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe("trip rules", () => {
  test("a failure-rate rule waits for its minimum volume, then opens on the rate", async () => {
    // good, bad, good, bad, … : a 50% failure rate.
    const model = withSemanticBreaker(new ScriptedChatModel({ script: ["fine answer", ""], whenExhausted: "loop" }), {
      checks: [nonEmpty()],
      trip: { kind: "failure-rate", threshold: 0.4, window: 10, minimumCalls: 8 },
    });
    const states: string[] = [];
    for (let i = 0; i < 10; i++) {
      await model.invoke("q").catch(() => undefined);
      states.push(model.breaker.status()[0]!.state);
    }
    expect(states.indexOf("open")).toBe(7); // the 8th call reaches the minimum volume
  });

  test("a consecutive rule is reset by a good answer", async () => {
    const model = withSemanticBreaker(new ScriptedChatModel({ script: ["", "", "fine answer", ""] }), { trip: 3 });
    const states: string[] = [];
    for (let i = 0; i < 6; i++) {
      await model.invoke("q").catch(() => undefined);
      states.push(model.breaker.status()[0]!.state);
    }
    // bad, bad, good (reset), bad, bad, bad → opens on the third bad in a row.
    expect(states).toEqual(["closed", "closed", "closed", "closed", "closed", "open"]);
  });

  test("a backoff cool-down grows after each failed probe", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const model = withSemanticBreaker(new ScriptedChatModel({ script: [{ error: httpError(503) }] }), {
      trip: 1,
      halfOpenAfter: new ExponentialBackoff({ initialDelay: 1_000, maxDelay: 60_000, exponent: 2, generator: noJitterGenerator }),
    });
    await fail(model.invoke("q"));
    const reopenedAfter: number[] = [];
    for (let round = 0; round < 3; round++) {
      let waited = 0;
      while ((await fail(model.invoke("q"))) instanceof CircuitOpenError) {
        vi.advanceTimersByTime(250);
        waited += 250;
      }
      reopenedAfter.push(waited);
    }
    expect(reopenedAfter[1]!).toBeGreaterThan(reopenedAfter[0]!);
    expect(reopenedAfter[2]!).toBeGreaterThan(reopenedAfter[1]!);
  });
});

describe("listeners", () => {
  test("onBreak carries the tripping failure, onHalfOpen and onReset follow, and dispose stops delivery", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let healthy = false;
    const model = withSemanticBreaker(new ScriptedChatModel({ script: () => (healthy ? "fine answer" : { error: httpError(500) }) }), { trip: 1, halfOpenAfter: 1_000 });
    const breaks: BreakEvent[] = [];
    const halfOpens: ProviderStatus[] = [];
    const resets: ProviderStatus[] = [];
    const sub = model.onBreak((e) => breaks.push(e));
    model.onHalfOpen((e) => halfOpens.push(e));
    model.onReset((e) => resets.push(e));

    await fail(model.invoke("q"));
    expect(breaks).toMatchObject([{ provider: "ScriptedChatModel", state: "open", failure: { kind: "server", status: 500 } }]);
    vi.advanceTimersByTime(1_001);
    healthy = true;
    await model.invoke("q");
    expect(halfOpens).toMatchObject([{ state: "half-open" }]);
    expect(resets).toMatchObject([{ state: "closed" }]);

    sub.dispose();
    healthy = false;
    await fail(model.invoke("q"));
    expect(model.breaker.status()[0]!.state).toBe("open");
    expect(breaks).toHaveLength(1);
  });
});

describe("what does not count against a provider", () => {
  test("a caller's abort is rethrown, not counted, and not failed over", async () => {
    const backup = new ScriptedChatModel({ script: ["backup answer"] });
    const model = withSemanticBreaker(new ScriptedChatModel({ script: [{ hang: true }] }), { trip: 1, fallbacks: [backup] });
    const controller = new AbortController();
    const pending = fail(model.invoke("q", { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("user cancelled")), 5);
    const error = await pending;
    expect((error as Error).message).toMatch(/user cancelled|abort/i);
    expect(error).not.toBeInstanceOf(FailoverExhaustedError);
    expect(backup.callCount).toBe(0);
    expect(model.breaker.status()[0]!.state).toBe("closed");
  });

  test("a check that throws fails the call without counting against the provider", async () => {
    const broken = () => {
      throw new TypeError("bug in my check");
    };
    const model = withSemanticBreaker(new ScriptedChatModel({ script: ["fine answer"] }), { trip: 1, checks: [broken] });
    const error = (await fail(model.invoke("q"))) as Error;
    expect(error.message).toMatch(/^Check "broken" threw instead of returning a verdict: "bug in my check"/);
    expect(model.breaker.status()[0]!.state).toBe("closed");
  });
});

describe("operations", () => {
  test("isolate holds a provider open by hand until disposed", async () => {
    const primary = new ScriptedChatModel({ script: ["primary answer"] });
    const model = withSemanticBreaker(primary, { fallbacks: [new ScriptedChatModel({ script: ["backup answer"] })] });
    const hold = model.breaker.isolate(0);
    expect((await model.invoke("q")).content).toBe("backup answer");
    hold.dispose();
    expect((await model.invoke("q")).content).toBe("primary answer");
    expect(primary.callCount).toBe(1);
  });

  test("batch and withConfig go through the breaker", async () => {
    const primary = new ScriptedChatModel({ script: ["", "", "primary answer"] });
    const model = withSemanticBreaker(primary, { trip: 2, fallbacks: [new ScriptedChatModel({ script: ["backup answer"] })] });
    const answers = await model.withConfig({ tags: ["mine"] }).batch(["a", "b", "c"], { maxConcurrency: 1 });
    expect(answers.map((a) => a.content)).toEqual(["backup answer", "backup answer", "backup answer"]);
    expect(primary.callCount).toBe(2); // open after two empty answers: the third call skips it
  });

  test("structured output on a provider without bindTools says which provider and what to do", () => {
    // The public scripted model binds tools; this one stands for a provider without bindTools().
    const toolless = Object.assign(new ScriptedChatModel({ script: ["{}"] }), { bindTools: undefined });
    const model = withSemanticBreaker(toolless, { name: "scripted" });
    expect(() => model.withStructuredOutput({ type: "object", properties: {} })).toThrow(/provider "scripted" has no bindTools\(\)/);
  });

  test("invalid options are reported with what to do", () => {
    const m = new ScriptedChatModel({ script: ["x"] });
    expect(() => withSemanticBreaker(m, { trip: { kind: "failure-rate", threshold: 2, window: 10 } })).toThrow(
      "withSemanticBreaker: trip.threshold received 2; allowed: a number strictly between 0 and 1 (a share, e.g. 0.5).",
    );
    expect(() => withSemanticBreaker(m, { fallbacks: [{ model: m, name: "a" }, { model: m, name: "a" }] })).toThrow(/fallbacks\[1\]\.name received "a"; allowed: a name no other provider has/);
    expect(() => withSemanticBreaker(m, { fallbacks: [{} as never] })).toThrow(/fallbacks\[0\]\.model received undefined; allowed: a LangChain chat model/);
  });
});
