/**
 * createChallenger rejects bad options at construction with INVALID_OPTIONS naming the
 * option, quoting the value (bounded) and saying what is allowed — and its model is never
 * called. The judge is a SCRIPTED model that counts its calls.
 */
import { tool } from "@langchain/core/tools";
import { describe, expect, test } from "vitest";
import { z } from "zod/v4";
import { createChallenger } from "../../nodes/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { expectRejected, HUGE, type BadOptionsCase } from "../breaker/support/bad-options.js";

const judge = new ScriptedChatModel({ label: "scripted judge", script: () => ({ verdicts: [] }) as never });
const calls = () => judge.callCount;
const make = (options: Record<string, unknown>) => () => createChallenger({ model: judge, ...options } as never);
const lookup = tool(async () => "x", { name: "lookup", description: "look up", schema: z.object({ q: z.string() }) });
const reserved = tool(async () => "x", { name: "submit_verdicts", description: "clash", schema: z.object({ q: z.string() }) });

describe("createChallenger rejects bad options before any model call", () => {
  const cases: BadOptionsCase[] = [
    ["options not an object", () => createChallenger("judge" as never), "options", "an options object"],
    ["no model", () => createChallenger({} as never), "model", "a LangChain chat model with withStructuredOutput()"],
    ["model is a string", make({ model: "gpt-4o" }), "model", "a LangChain chat model"],
    ["unknown key", make({ modle: judge }), "modle", "no such option"],
    ["confidenceFloor NaN", make({ confidenceFloor: NaN }), "confidenceFloor", "a number from 0 to 1"],
    ["confidenceFloor Infinity", make({ confidenceFloor: Infinity }), "confidenceFloor", "from 0 to 1"],
    ["confidenceFloor negative", make({ confidenceFloor: -0.1 }), "confidenceFloor", "from 0 to 1"],
    ["confidenceFloor as a string", make({ confidenceFloor: "0.8" }), "confidenceFloor", "from 0 to 1"],
    ["maxToolRounds 0", make({ maxToolRounds: 0 }), "maxToolRounds", "an integer from 1 to 20"],
    ["maxToolRounds 1e9", make({ maxToolRounds: 1e9 }), "maxToolRounds", "an integer from 1 to 20"],
    ["maxToolRounds 2.5", make({ maxToolRounds: 2.5 }), "maxToolRounds", "an integer"],
    ["onInvalidReply green", make({ onInvalidReply: "green" }), "onInvalidReply", 'never "green"'],
    ["unknown policy", make({ policy: "paranoid" }), "policy", '"strict", "balanced", "low"'],
    ["hub as a string", make({ hub: "yes" }), "hub", "true or false"],
    ["blank name", make({ name: "  " }), "name", "non-blank"],
    ["a 1 MB name", make({ name: HUGE }), "name", "at most 200 characters"],
    ["empty claimsKey", make({ claimsKey: "" }), "claimsKey", "non-blank"],
    ["intent as a number", make({ intent: 42 }), "intent", "a state key"],
    ["instructions of 1 MB", make({ instructions: HUGE }), "instructions", "at most 20000 characters"],
    ["evidence as a string", make({ evidence: "google" }), "evidence", "an evidence function"],
    ["evidence: [] (no tools)", make({ evidence: [] }), "evidence", "at least one tool"],
    ["evidence tool with the reserved name", make({ evidence: [reserved] }), "evidence[0]", "reserved"],
    ["evidence tool that is not a tool", make({ evidence: [{ name: "x" }] }), "evidence[0]", "a LangChain tool"],
    [
      "evidence tools with a model without bindTools",
      () => createChallenger({ model: { invoke: async () => "", withStructuredOutput: () => ({}) } as never, evidence: [lookup] }),
      "evidence",
      "no bindTools()",
    ],
  ];
  test.each(cases)("%s", (...c) => expectRejected(c, calls));

  test("NaN and a 1 MB string are quoted by name and by head and length", () => {
    expect(make({ confidenceFloor: NaN })).toThrow("confidenceFloor received NaN;");
    expect(make({ name: HUGE })).toThrow(/name received "x+"… \(1000000 characters\)/);
  });

  test("good options still build, and the defaults are filled in", () => {
    const c = createChallenger({ model: judge, evidence: [lookup], maxToolRounds: 20, confidenceFloor: 0, policy: "balanced", instructions: "" });
    expect(c.options).toMatchObject({ maxToolRounds: 20, confidenceFloor: 0, policy: "balanced", name: "challenger", claimsKey: "claims", onInvalidReply: "yellow" });
    expect(c.options.instructions).toBeUndefined();
    expect(calls()).toBe(0);
  });
});
