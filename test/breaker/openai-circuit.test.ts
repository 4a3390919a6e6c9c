import { describe, expect, test, vi } from "vitest";
import {
  CircuitOpenError,
  FailoverExhaustedError,
  isCircuitOpenError,
  isFailoverExhaustedError,
  isFirebreakError,
  nonEmpty,
  repetition,
  schema,
  withSemanticBreaker,
  type AttemptFailure,
  type StateChangeEvent,
} from "../../src/index.js";
import { z } from "zod/v4";
import { GOOD_ANSWER, type FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";
import { serverPairEachTest } from "./support/server-pair.js";

let primary: FakeOpenAI;
let backup: FakeOpenAI;

serverPairEachTest((s) => ({ primary, backup } = s), "Backup: Paris is the capital of France.");

const cheapChecks = [nonEmpty(), repetition()];

describe("a guarded ChatOpenAI against a local OpenAI-compatible server", () => {
  test("passes good answers through unchanged", async () => {
    const model = withSemanticBreaker(chatOpenAI(primary), { checks: cheapChecks });
    const answer = await model.invoke("What is the capital of France?");
    expect(answer.content).toBe(GOOD_ANSWER);
    expect(answer.response_metadata["firebreak.breaker.provider"]).toBe("ChatOpenAI:gpt-4o-mini");
    expect(primary.requests).toHaveLength(1);
    expect(model.breaker.status()[0]!.state).toBe("closed");
  });

  test("opens after the configured count of HTTP-200 garbage answers, then fails fast without sending a request", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks: cheapChecks, trip: 3 });
    for (let i = 0; i < 3; i++) {
      const error = await model.invoke("q").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FailoverExhaustedError);
      expect((error as FailoverExhaustedError).code).toBe("CALL_FAILED");
      expect((error as FailoverExhaustedError).allRejected).toBe(true);
      expect((error as Error).message).toMatch(/repetition: degenerate repetition/);
      expect(model.breaker.status()[0]!.state).toBe(i < 2 ? "closed" : "open");
    }
    expect(primary.requests).toHaveLength(3);

    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      const error = await model.invoke("q").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(isFirebreakError(error) && error.code).toBe("BROKEN_CIRCUIT");
      expect(isCircuitOpenError(error) && !isFailoverExhaustedError(error)).toBe(true);
      expect((error as CircuitOpenError).isBrokenCircuitError).toBe(true);
      expect((error as CircuitOpenError).providers).toEqual([{ provider: "ChatOpenAI:gpt-4o-mini", providerIndex: 0, state: "open" }]);
    }
    expect(performance.now() - started).toBeLessThan(500);
    expect(primary.requests).toHaveLength(3);
  });

  test("fails over to the backup's good answer when the primary answers garbage, and while the primary is open", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const rejected: AttemptFailure[] = [];
    const model = withSemanticBreaker(chatOpenAI(primary), { checks: cheapChecks, trip: 2, fallbacks: [chatOpenAI(backup)] });
    model.onRejected((f) => rejected.push(f));

    const first = await model.invoke("q");
    expect(first.content).toBe("Backup: Paris is the capital of France.");
    expect(first.response_metadata["firebreak.breaker.provider"]).toBe("ChatOpenAI:gpt-4o-mini#2");
    expect(first.response_metadata["firebreak.breaker.rejections"]).toEqual([
      expect.stringMatching(/^ChatOpenAI:gpt-4o-mini: semantic: repetition: degenerate repetition/),
    ]);
    expect(rejected).toMatchObject([{ kind: "semantic", providerIndex: 0, verdicts: [{ check: "repetition", ok: false }] }]);

    await model.invoke("q"); // second garbage: the primary opens
    expect(model.breaker.status().map((s) => s.state)).toEqual(["open", "closed"]);
    const whileOpen = await model.invoke("q");
    expect(whileOpen.content).toBe("Backup: Paris is the capital of France.");
    expect(whileOpen.response_metadata["firebreak.breaker.skipped"]).toEqual(["ChatOpenAI:gpt-4o-mini: open"]);
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(3);
  });

  test("after the cool-down exactly one half-open probe reaches the primary, and a good probe closes the circuit", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    primary.script(() => ({ kind: "garbage" }));
    const model = withSemanticBreaker(chatOpenAI(primary), {
      checks: cheapChecks,
      trip: 2,
      halfOpenAfter: 30_000,
      fallbacks: [chatOpenAI(backup)],
    });
    const transitions: StateChangeEvent[] = [];
    model.onStateChange((e) => transitions.push(e));
    await model.invoke("q");
    await model.invoke("q");
    expect(model.breaker.status()[0]!.state).toBe("open");

    vi.advanceTimersByTime(29_000);
    await model.invoke("q");
    expect(primary.requests).toHaveLength(2); // still cooling down

    vi.advanceTimersByTime(2_000);
    primary.script(() => ({ kind: "good", delayMs: 50 }));
    const answers = await Promise.all(Array.from({ length: 5 }, () => model.invoke("q")));
    expect(primary.requests).toHaveLength(3); // exactly one probe
    expect(answers.filter((a) => a.content === GOOD_ANSWER)).toHaveLength(1);
    expect(answers.filter((a) => (a.response_metadata["firebreak.breaker.skipped"] as string[] | undefined)?.[0] === "ChatOpenAI:gpt-4o-mini: half-open")).toHaveLength(4);
    expect(model.breaker.status()[0]!.state).toBe("closed");
    expect(transitions.filter((t) => t.providerIndex === 0).map((t) => `${t.from}→${t.state}`)).toEqual([
      "closed→open",
      "open→half-open",
      "half-open→closed",
    ]);

    const recovered = await model.invoke("q");
    expect(recovered.content).toBe(GOOD_ANSWER);
    expect(primary.requests).toHaveLength(4);
  });

  test("a failed half-open probe re-opens the circuit for another cool-down", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    primary.script(() => ({ kind: "status", status: 500 }));
    const model = withSemanticBreaker(chatOpenAI(primary), { trip: 1, halfOpenAfter: 10_000, fallbacks: [chatOpenAI(backup)] });
    await model.invoke("q");
    expect(model.breaker.status()[0]!.state).toBe("open");
    vi.advanceTimersByTime(10_001);
    const probe = await model.invoke("q");
    expect(probe.content).toMatch(/^Backup/);
    expect(primary.requests).toHaveLength(2);
    expect(model.breaker.status()[0]!.state).toBe("open");
    await model.invoke("q");
    expect(primary.requests).toHaveLength(2);
  });

  test("a 500 reaches the server once and surfaces at once: the wrapper, not AsyncCaller, owns retries", async () => {
    primary.script(() => ({ kind: "status", status: 500 }));
    const model = withSemanticBreaker(chatOpenAI(primary), { trip: 5 });
    const started = performance.now();
    const error = (await model.invoke("q").catch((e: unknown) => e)) as FailoverExhaustedError;
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(primary.requests).toHaveLength(1);
    // The call was sent and failed: CALL_FAILED, never BROKEN_CIRCUIT (that one means nothing was sent).
    expect(error.code).toBe("CALL_FAILED");
    expect(isFailoverExhaustedError(error)).toBe(true);
    expect(isCircuitOpenError(error)).toBe(false);
    expect(error.failures).toMatchObject([{ kind: "server", status: 500 }]);
    expect((error.cause as { status?: number }).status).toBe(500);
  });

  test("classifies 429 with and without retry-after, 5xx and hangs, and counts each against the circuit", async () => {
    const script = [
      { kind: "status", status: 429, retryAfter: "7" },
      { kind: "status", status: 429 },
      { kind: "status", status: 503 },
      { kind: "hang" },
    ] as const;
    primary.script((_r, n) => script[n] ?? { kind: "good" });
    const rejected: AttemptFailure[] = [];
    const model = withSemanticBreaker(chatOpenAI(primary), { trip: 4, timeoutMs: 150, fallbacks: [chatOpenAI(backup)] });
    model.onRejected((f) => rejected.push(f));
    for (let i = 0; i < 4; i++) expect((await model.invoke("q")).content).toMatch(/^Backup/);
    expect(rejected.map((f) => [f.kind, f.status, f.retryAfterMs])).toEqual([
      ["rate-limit", 429, 7_000],
      ["rate-limit", 429, undefined],
      ["server", 503, undefined],
      ["timeout", undefined, undefined],
    ]);
    expect(primary.requests).toHaveLength(4);
    expect(model.breaker.status()[0]!.state).toBe("open");
  });

  test("a 400 is the caller's fault: rethrown as is, not counted, no failover", async () => {
    primary.script(() => ({ kind: "status", status: 400, message: "context too long" }));
    const model = withSemanticBreaker(chatOpenAI(primary), { trip: 1, fallbacks: [chatOpenAI(backup)] });
    const error = (await model.invoke("q").catch((e: unknown) => e)) as { status?: number };
    expect(error.status).toBe(400);
    expect(backup.requests).toHaveLength(0);
    expect(model.breaker.status()[0]!.state).toBe("closed");
  });

  test("a schema-invalid JSON answer counts as a semantic failure", async () => {
    primary.script(() => ({ kind: "content", content: '{"city": 42}' }));
    const model = withSemanticBreaker(chatOpenAI(primary), {
      checks: [nonEmpty(), schema(z.object({ city: z.string() }))],
      fallbacks: [chatOpenAI(backup)],
    });
    backup.script(() => ({ kind: "content", content: '```json\n{"city": "Paris"}\n```' }));
    const answer = await model.invoke("q");
    expect(answer.content).toContain('"Paris"');
    expect(answer.response_metadata["firebreak.breaker.rejections"]).toEqual([
      "ChatOpenAI:gpt-4o-mini: semantic: schema: the answer JSON does not match the schema: city: Invalid input: expected string, received number",
    ]);
  });

  test("saved state restores an open circuit in a new wrapper", async () => {
    primary.script(() => ({ kind: "garbage" }));
    const first = withSemanticBreaker(chatOpenAI(primary), { checks: cheapChecks, trip: 1 });
    await first.invoke("q").catch(() => undefined);
    const saved = JSON.parse(JSON.stringify(first.breaker.toJSON()));

    const restored = withSemanticBreaker(chatOpenAI(primary), { checks: cheapChecks, trip: 1, initialState: saved });
    expect(restored.breaker.status()[0]!.state).toBe("open");
    await expect(restored.invoke("q")).rejects.toBeInstanceOf(CircuitOpenError);
    expect(primary.requests).toHaveLength(1);
  });

  test('with whenAllOpen: "bypass" an all-open chain still asks the primary', async () => {
    primary.script((_r, n) => (n === 0 ? { kind: "garbage" } : { kind: "good" }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks: cheapChecks, trip: 1, whenAllOpen: "bypass" });
    await model.invoke("q").catch(() => undefined);
    expect(model.breaker.status()[0]!.state).toBe("open");
    const answer = await model.invoke("q");
    expect(answer.content).toBe(GOOD_ANSWER);
    expect(answer.response_metadata["firebreak.breaker.bypassed"]).toBe(true);
    expect(primary.requests).toHaveLength(2);
  });

  test("retry.attempts makes the wrapper try the chain again after every provider failed", async () => {
    primary.script((_r, n) => (n === 0 ? { kind: "status", status: 500 } : { kind: "good" }));
    const model = withSemanticBreaker(chatOpenAI(primary), { retry: { attempts: 1, delayMs: 1 } });
    expect((await model.invoke("q")).content).toBe(GOOD_ANSWER);
    expect(primary.requests).toHaveLength(2);
  });
});
