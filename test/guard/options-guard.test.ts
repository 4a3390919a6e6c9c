/**
 * createBicrGuard and guardNodeInPlace reject bad options at construction with one zod schema:
 * INVALID_OPTIONS naming the option, quoting the value (bounded), saying what is allowed —
 * and neither the producer nor the judge is ever called. Judge and producer are SCRIPTED
 * and count their calls.
 */
import { END, START, StateGraph, type Annotation } from "@langchain/langgraph";
import { describe, expect, test } from "vitest";
import { createBicrGuard, createChallenger, guardNodeInPlace } from "../../nodes/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { caught, expectRejected, HUGE, type BadOptionsCase } from "../breaker/support/bad-options.js";
import { STATE_STYLES } from "./support/hostile-world.js";

const judge = new ScriptedChatModel({ label: "scripted judge", script: () => ({ verdicts: [] }) as never });
const challenger = createChallenger({ model: judge });
let producerCalls = 0;
const producer = async () => {
  producerCalls++;
  return {};
};
const calls = () => judge.callCount + producerCalls;
const KEYS = ["intent", "task", "claims", "messages", "draft", "guardRecords"];
const guard = (options: Record<string, unknown>) => () => createBicrGuard({ producer, challenger, state: KEYS, ...options } as never);

const State = STATE_STYLES[0][1] as ReturnType<typeof Annotation.Root>;
const builder = () => new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
const onNode = (options: Record<string, unknown>) => () => guardNodeInPlace(builder(), "p", { challenger, ...options } as never);

describe("createBicrGuard rejects bad options before any call", () => {
  const cases: BadOptionsCase[] = [
    ["options not an object", () => createBicrGuard(undefined as never), "options", "an options object"],
    ["no producer", () => createBicrGuard({ challenger, state: KEYS } as never), "producer", "a node function"],
    ["producer as a string", guard({ producer: "researcher" }), "producer", "a runnable with invoke()"],
    ["challenger as a string", guard({ challenger: "gpt-4o" }), "challenger", "createChallenger"],
    ["no state", guard({ state: undefined }), "state", "the parent graph's state"],
    ["unknown key", guard({ maxAttempt: 3 }), "maxAttempt", "no such option"],
    ["maxAttempts 0", guard({ maxAttempts: 0 }), "maxAttempts", "an integer from 1 to 100"],
    ["maxAttempts 1e9", guard({ maxAttempts: 1e9 }), "maxAttempts", "an integer from 1 to 100"],
    ["maxAttempts NaN", guard({ maxAttempts: NaN }), "maxAttempts", "an integer from 1 to 100"],
    ["maxAttempts as a string", guard({ maxAttempts: "3" }), "maxAttempts", "an integer"],
    ["onExhausted unknown", guard({ onExhausted: "retry" }), "onExhausted", '"interrupt", "degrade", "fail"'],
    ["blockOn without red", guard({ blockOn: ["yellow"] }), "blockOn", "a red verdict always blocks"],
    ["blockOn empty", guard({ blockOn: [] }), "blockOn", "a red verdict always blocks"],
    ["blockOn with green", guard({ blockOn: ["red", "green"] }), "blockOn[1]", '"red" or "yellow"'],
    ["confidenceFloor Infinity", guard({ confidenceFloor: Infinity }), "confidenceFloor", "from 0 to 1"],
    ["confidenceFloor negative", guard({ confidenceFloor: -1 }), "confidenceFloor", "from 0 to 1"],
    ["policy unknown", guard({ policy: "paranoid" }), "policy", '"strict", "balanced", "low"'],
    ["hub as a string", guard({ hub: "yes" }), "hub", "a function () => boolean"],
    ["feedback unknown", guard({ feedback: "email" }), "feedback", '"message", "config", or a function'],
    ["invalidReply unknown", guard({ invalidReply: "pass" }), "invalidReply", '"block", "label"'],
    ["challengeTimeoutMs of 30 days", guard({ challengeTimeoutMs: 2_592_000_000 }), "challengeTimeoutMs", "2147483647"],
    ["challengeTimeoutMs Infinity", guard({ challengeTimeoutMs: Infinity }), "challengeTimeoutMs", "2147483647"],
    ["challengeTimeoutMs 0", guard({ challengeTimeoutMs: 0 }), "challengeTimeoutMs", "from 1"],
    ["challengeTimeoutMs negative", guard({ challengeTimeoutMs: -5 }), "challengeTimeoutMs", "from 1"],
    ["tracers with an empty name", guard({ tracers: [""] }), "tracers[0]", "non-blank"],
    ["tracers as a string", guard({ tracers: "langfuse" }), "tracers", "a list of callback handler names"],
    ["passThrough with a 1 MB key", guard({ passThrough: [HUGE] }), "passThrough[0]", "at most 200 characters"],
    ["passThrough naming the claims key", guard({ passThrough: ["claims"] }), "passThrough[0]", 'passThrough cannot name "claims"'],
    ["passThrough naming a missing key", guard({ passThrough: ["nope"] }), "passThrough[0]", "which the parent state does not have"],
    ["a 1 MB name", guard({ name: HUGE }), "name", "at most 200 characters"],
    ["blank claimsKey", guard({ claimsKey: " " }), "claimsKey", "non-blank"],
    ["extractClaims not a function", guard({ extractClaims: {} }), "extractClaims", "a function"],
    ["notes as a string", guard({ notes: "no" }), "notes", "true or false"],
    ["claimsOptions as an array", guard({ claimsOptions: [] }), "claimsOptions", "an options object"],
    ["claimsOptions with an unknown key", guard({ claimsOptions: { verifier: ["judge"] } }), "claimsOptions.verifier", "no such option"],
    ["claimsOptions with an empty verifiers list", guard({ claimsOptions: { verifiers: [] } }), "claimsOptions.verifiers", "at least one verifier"],
    ["producerRetryPolicy with an unknown key", guard({ producerRetryPolicy: { retries: 3 } }), "producerRetryPolicy.retries", "no such option"],
    ["producerRetryPolicy maxInterval of 30 days", guard({ producerRetryPolicy: { maxInterval: 2_592_000_000 } }), "producerRetryPolicy.maxInterval", "2147483647"],
    ["producerRetryPolicy maxAttempts -1", guard({ producerRetryPolicy: { maxAttempts: -1 } }), "producerRetryPolicy.maxAttempts", "an integer from 1 to 100"],
  ];
  test.each(cases)("%s", (...c) => expectRejected(c, calls));

  test("every problem is listed; NaN is shown as NaN", () => {
    expect(guard({ maxAttempts: NaN })).toThrow("createBicrGuard: maxAttempts received NaN; allowed: an integer from 1 to 100.");
    try {
      guard({ maxAttempts: 0, onExhausted: "x", bogus: 1 })();
      expect.unreachable();
    } catch (e) {
      expect((e as { problems: Array<{ option: string }> }).problems.map((p) => p.option).sort()).toEqual(["bogus", "maxAttempts", "onExhausted"]);
    }
  });

  test("good options still build (a chat model as challenger, a key list as state)", () => {
    expect(() => createBicrGuard({ producer, challenger: judge, state: KEYS, maxAttempts: 100, blockOn: ["red", "yellow"], challengeTimeoutMs: 2 ** 31 - 1, passThrough: ["draft"] })).not.toThrow();
    expect(calls()).toBe(0);
  });
});

describe("guardNodeInPlace rejects bad options under its own name", () => {
  const cases: BadOptionsCase[] = [
    ["producer is not an option of guardNodeInPlace", onNode({ producer }), "producer", "no such option"],
    ["state is not an option of guardNodeInPlace", onNode({ state: KEYS }), "state", "no such option"],
    ["maxAttempts 0", onNode({ maxAttempts: 0 }), "maxAttempts", "an integer from 1 to 100"],
    ["challengeTimeoutMs NaN", onNode({ challengeTimeoutMs: NaN }), "challengeTimeoutMs", "milliseconds"],
    ["options not an object", () => guardNodeInPlace(builder(), "p", null as never), "options", "an options object"],
  ];
  test.each(cases)("%s", (...c) => {
    expectRejected(c, calls);
    expect((caught(c[1]) as Error).message).toMatch(/^guardNodeInPlace: /);
  });
});

describe("guardNodeInPlace names a missing or repeated node in bounded form", () => {
  test("a 1 MB node name is quoted by its head and length", () => {
    const error = caught(() => guardNodeInPlace(builder(), HUGE, { challenger })) as Error & { code?: string };
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toMatch(/^guardNodeInPlace: no node "x+"… \(1000000 characters\) in this builder \(nodes: p\)/);
    expect(error.message.length).toBeLessThan(600);
  });
});
