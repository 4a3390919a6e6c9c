/**
 * What counts as a failure, a success, or neither — one test per rule, with a real
 * ChatOpenAI against the loopback OpenAI-compatible server (the status codes, hangs and
 * answers are the server's). A neutral outcome must neither trip the circuit nor reset a
 * consecutive count the way a good answer does.
 */
import { describe, expect, test, vi } from "vitest";
import { GraphInterrupt, isGraphBubbleUp } from "@langchain/langgraph";
import {
  CircuitOpenError,
  FailoverExhaustedError,
  isCircuitOpenError,
  isFailoverExhaustedError,
  nonEmpty,
  repetition,
  withSemanticBreaker,
} from "../../src/index.js";
import type { Behaviour, FakeOpenAI } from "./support/fake-openai-server.js";
import { chatOpenAI } from "./support/models.js";
import { serverPairEachTest } from "./support/server-pair.js";
import { ScriptedChatModel } from "../../src/testing/index.js";

let primary: FakeOpenAI;
let backup: FakeOpenAI;

serverPairEachTest((s) => ({ primary, backup } = s), "Backup: Paris is the capital of France.");

const checks = [nonEmpty(), repetition()];
const BAD: Behaviour = { kind: "garbage" };
const settle = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

/** Plays `script` one call at a time and returns the circuit's state after each call. */
async function statesAfter(script: readonly Behaviour[], options: Parameters<typeof withSemanticBreaker>[1] = {}) {
  const first = primary.requests.length;
  primary.script((_r, n) => script[n - first] ?? { kind: "good" });
  const model = withSemanticBreaker(chatOpenAI(primary), { checks, trip: 2, ...options });
  const states: string[] = [];
  const errors: unknown[] = [];
  for (let i = 0; i < script.length; i++) {
    errors.push(await settle(model.invoke("q")));
    states.push(model.breaker.status()[0]!.state);
  }
  return { states, errors, model };
}

describe("failures: count against the provider's circuit (and fail over)", () => {
  test("a rejected answer, a 500, a 429 and a timeout each count", async () => {
    const { states } = await statesAfter([BAD, { kind: "status", status: 500 }], {});
    expect(states).toEqual(["closed", "open"]);
    const rate = await statesAfter([{ kind: "status", status: 429 }, { kind: "hang" }], { timeoutMs: 100 });
    expect(rate.states).toEqual(["closed", "open"]);
  });

  test("a bad 200 (an empty answer) counts on its own: trip: 1 opens on it", async () => {
    const { states, errors } = await statesAfter([{ kind: "good", content: "" }], { trip: 1 });
    expect(states).toEqual(["open"]);
    expect((errors[0] as FailoverExhaustedError).failures[0]).toMatchObject({ kind: "semantic" });
  });

  test("the attempt's timeout counts on its own: trip: 1 opens on a hang", async () => {
    const { states, errors } = await statesAfter([{ kind: "hang" }], { trip: 1, timeoutMs: 100 });
    expect(states).toEqual(["open"]);
    expect((errors[0] as FailoverExhaustedError).failures[0]).toMatchObject({ kind: "timeout" });
  });
});

describe("neither: client errors and caller aborts leave the circuit exactly as it was", () => {
  test("bad, 400, bad, 400 trips at trip: 2 — a 4xx does not reset the consecutive count like a success", async () => {
    const { states, errors } = await statesAfter([BAD, { kind: "status", status: 400 }, BAD, { kind: "status", status: 400 }]);
    expect(states.slice(0, 3)).toEqual(["closed", "closed", "open"]);
    // The 400 is rethrown as the provider's own error, not wrapped as a breaker failure.
    expect((errors[1] as { status?: number }).status).toBe(400);
    expect(isFailoverExhaustedError(errors[1])).toBe(false);
    // The fourth call finds the circuit open: nothing sent.
    expect(isCircuitOpenError(errors[3])).toBe(true);
    expect(primary.requests).toHaveLength(3);
  });

  test("401 and 403 are neutral (the caller's key, not the provider's health): 401, 403, 401 never trip at trip: 1", async () => {
    const { states, errors } = await statesAfter([401, 403, 401].map((status) => ({ kind: "status", status }) as Behaviour), { trip: 1 });
    expect(states).toEqual(["closed", "closed", "closed"]);
    expect((errors[0] as FailoverExhaustedError).failures[0]).toMatchObject({ kind: "auth", status: 401 });
    expect(primary.requests).toHaveLength(3);
  });

  test("bad, 401, bad trips at trip: 2 (a 401 does not reset the count), and a 401 fails over to the backup's own key", async () => {
    const { states } = await statesAfter([BAD, { kind: "status", status: 401 }, BAD]);
    expect(states).toEqual(["closed", "closed", "open"]);
    primary.script(() => ({ kind: "status", status: 401 }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, trip: 1, fallbacks: [chatOpenAI(backup)] });
    expect((await model.invoke("q")).content).toMatch(/^Backup/);
    expect(model.breaker.status()[0]!.state).toBe("closed");
  });

  test("422 is neutral like 400, and is not failed over", async () => {
    primary.script((_r, n) => (n % 2 === 0 ? BAD : { kind: "status", status: 422 }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, trip: 2, fallbacks: [chatOpenAI(backup)] });
    expect((await model.invoke("q")).content).toMatch(/^Backup/); // bad → backup
    const error = (await settle(model.invoke("q"))) as { status?: number };
    expect(error.status).toBe(422);
    expect(backup.requests).toHaveLength(1); // no failover on a 4xx
    expect(model.breaker.status()[0]!.state).toBe("closed");
    await model.invoke("q"); // bad again: the second in a row, the 422 in between notwithstanding
    expect(model.breaker.status()[0]!.state).toBe("open");
  });

  test("a caller's abort is neutral: bad, abort, bad trips at trip: 2", async () => {
    primary.script((_r, n) => (n === 1 ? { kind: "hang" } : BAD));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, trip: 2 });
    await settle(model.invoke("q"));
    const controller = new AbortController();
    const pending = settle(model.invoke("q", { signal: controller.signal }));
    await vi.waitFor(() => expect(primary.requests).toHaveLength(2));
    controller.abort(new Error("user cancelled"));
    const aborted = (await pending) as Error;
    expect(aborted.message).toMatch(/user cancelled|abort/i);
    expect(isFailoverExhaustedError(aborted)).toBe(false);
    expect(model.breaker.status()[0]!.state).toBe("closed");
    await settle(model.invoke("q"));
    expect(model.breaker.status()[0]!.state).toBe("open");
  });

  test("a good answer is a success and does reset the count", async () => {
    const { states } = await statesAfter([BAD, { kind: "good" }, BAD, BAD]);
    expect(states).toEqual(["closed", "closed", "closed", "open"]);
  });

  test("a half-open probe that ends neutral (a 400) re-opens the circuit: it proved nothing", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    primary.script((_r, n) => (n === 0 ? BAD : { kind: "status", status: 400 }));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, trip: 1, halfOpenAfter: 1_000 });
    await settle(model.invoke("q"));
    expect(model.breaker.status()[0]!.state).toBe("open");
    vi.advanceTimersByTime(1_001);
    const probe = (await settle(model.invoke("q"))) as { status?: number };
    expect(probe.status).toBe(400);
    expect(model.breaker.status()[0]!.state).toBe("open");
  });

  test("LangGraph control flow (an interrupt) is rethrown untouched and not counted (SCRIPTED model)", async () => {
    const interrupting = new ScriptedChatModel({ script: [{ error: new GraphInterrupt([{ value: "approve?" }]) }] });
    const backupModel = new ScriptedChatModel({ script: ["backup answer"] });
    const model = withSemanticBreaker(interrupting, { trip: 1, fallbacks: [backupModel] });
    const error = await settle(model.invoke("q"));
    expect(isGraphBubbleUp(error)).toBe(true);
    expect(backupModel.callCount).toBe(0);
    expect(model.breaker.status()[0]!.state).toBe("closed");
  });
});

describe("two codes, one class each: the call failed, or nothing was sent", () => {
  test("CALL_FAILED (FailoverExhaustedError) for any sent call that failed, rejected answers included; BROKEN_CIRCUIT (CircuitOpenError) when nothing was sent", async () => {
    primary.script((_r, n) => (n === 0 ? { kind: "status", status: 503 } : BAD));
    const model = withSemanticBreaker(chatOpenAI(primary), { checks, trip: 2 });
    const failed = (await settle(model.invoke("q"))) as FailoverExhaustedError;
    expect([failed.code, isFailoverExhaustedError(failed), isCircuitOpenError(failed), failed.allRejected]).toEqual(["CALL_FAILED", true, false, false]);
    const rejected = (await settle(model.invoke("q"))) as FailoverExhaustedError;
    expect([rejected.code, rejected.constructor, rejected.allRejected]).toEqual(["CALL_FAILED", FailoverExhaustedError, true]);
    const sent = primary.requests.length;
    const open = (await settle(model.invoke("q"))) as CircuitOpenError;
    expect([open.code, isCircuitOpenError(open), isFailoverExhaustedError(open)]).toEqual(["BROKEN_CIRCUIT", true, false]);
    expect(primary.requests).toHaveLength(sent);
  });
});
