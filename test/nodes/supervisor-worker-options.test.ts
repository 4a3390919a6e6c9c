/**
 * createSupervisorWorkerGraph rejects bad options at construction with INVALID_OPTIONS naming
 * the option, quoting the value (bounded) and saying what is allowed — and no model is
 * called. Models are SCRIPTED and count their calls.
 */
import { describe, expect, test } from "vitest";
import { createSupervisorWorkerGraph } from "../../nodes/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { expectRejected, HUGE, type BadOptionsCase } from "../breaker/support/bad-options.js";

const model = new ScriptedChatModel({ label: "scripted team model", script: ["ok"] });
const calls = () => model.callCount;
const base = { supervisor: model, workers: { researcher: { description: "Finds facts.", model } }, writer: model };
const make = (options: Record<string, unknown>) => () => createSupervisorWorkerGraph({ ...base, ...options } as never);

describe("createSupervisorWorkerGraph rejects bad options before any model call", () => {
  const cases: BadOptionsCase[] = [
    ["options not an object", () => createSupervisorWorkerGraph(7 as never), "options", "an options object"],
    ["no workers", make({ workers: {} }), "workers", "at least one worker"],
    ["workers as an array", make({ workers: [model] }), "workers", "worker name →"],
    ["a reserved worker name", make({ workers: { supervisor: { description: "x", model } } }), "workers.supervisor", "reserved"],
    ["a worker name with |", make({ workers: { "a|b": { description: "x", model } } }), "workers.a|b", 'without "|" or ":"'],
    ["a worker with model and node", make({ workers: { a: { description: "x", model, node: () => ({}) } } }), "workers.a", "exactly one of `model` or `node`"],
    ["a worker without a description", make({ workers: { a: { model } } }), "workers.a.description", "a non-blank string"],
    ["a worker with a 1 MB description", make({ workers: { a: { description: HUGE, model } } }), "workers.a.description", "at most 2000 characters"],
    ["a worker with an unknown key", make({ workers: { a: { description: "x", model, prompt: "hi" } } }), "workers.a.prompt", "no such option"],
    ["a worker model that is a string", make({ workers: { a: { description: "x", model: "gpt-4o" } } }), "workers.a.model", "a LangChain chat model"],
    ["supervisor as a string", make({ supervisor: "router" }), "supervisor", "a router function"],
    ["writer missing", make({ writer: undefined }), "writer", "a chat model or a node function"],
    ["maxRounds 0", make({ maxRounds: 0 }), "maxRounds", "an integer from 1 to 1000"],
    ["maxRounds Infinity", make({ maxRounds: Infinity }), "maxRounds", "an integer from 1 to 1000"],
    ["maxRounds NaN", make({ maxRounds: NaN }), "maxRounds", "an integer"],
    ["maxRounds negative", make({ maxRounds: -3 }), "maxRounds", "from 1"],
    ["writerPrompt of 1 MB", make({ writerPrompt: HUGE }), "writerPrompt", "at most 20000 characters"],
    ["unknown key", make({ maxRound: 3 }), "maxRound", "no such option"],
    ["retryPolicy maxInterval of 30 days", make({ retryPolicy: { maxInterval: 2_592_000_000 } }), "retryPolicy.maxInterval", "2147483647"],
    ["retryPolicy with an unknown key", make({ retryPolicy: { attempts: 3 } }), "retryPolicy.attempts", "no such option"],
  ];
  test.each(cases)("%s", (...c) => expectRejected(c, calls));

  test("good options still build, with the workers named as given", () => {
    const builder = createSupervisorWorkerGraph({ ...base, maxRounds: 1000, retryPolicy: { maxAttempts: 2, maxInterval: 1_000 } });
    expect(Object.keys(builder.nodes).sort()).toEqual(["researcher", "supervisor", "writer"]);
    expect(calls()).toBe(0);
  });
});
