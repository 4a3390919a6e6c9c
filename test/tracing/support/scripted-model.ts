import { ScriptedChatModel } from "../../../src/testing/index.js";

/**
 * A SCRIPTED chat model for tracing tests (langgraph-firebreak/testing's `ScriptedChatModel`):
 * every call answers `[scripted] <reply>` with usage (input = number of messages, output = 1),
 * standing in for a model's judgement only, so the tests run offline. Its runs are named
 * "ScriptedChatModel".
 */
export function scriptedTraceModel(reply: string): ScriptedChatModel {
  return new ScriptedChatModel({
    label: "scripted trace model",
    script: ({ messages }) => ({ text: `[scripted] ${reply}`, usage: { input: messages.length, output: 1 } }),
  });
}
