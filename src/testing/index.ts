/** Deterministic stand-ins for a model's judgement, for offline examples and tests. */
export {
  ScriptedChatModel,
  type Script,
  type ScriptContext,
  type ScriptedReply,
  type ScriptedChatModelOptions,
} from "./scripted-chat-model.js";
export { readChallengeRequest, type ReadChallengeRequest } from "./challenge-request.js";
export { scriptedJudge, type JudgeAnswer, type JudgeRule, type ScriptedJudgeModelOptions } from "./scripted-judge.js";
