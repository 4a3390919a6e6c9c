/**
 * The zod schema of `createChallenger`'s options, checked once at construction: unknown
 * keys, wrong types and out-of-range numbers are rejected with `INVALID_OPTIONS` naming the
 * option, quoting the value received (bounded) and saying what is allowed. The documented
 * `ChallengerOptions` interface is kept in step with it by a type test.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { z } from "zod";
import { fn, invalidOption, numberIn, integer, oneOf, parseOptions, strict, text } from "../../src/internal/options-schema.js";
import { VERDICT_FUNCTION } from "./challenger-prompt.js";
import type { EvidenceSource } from "./create-challenger.js";
import type { IntentSelector } from "./intent.js";
import { REVIEW_POLICIES, type ReviewPolicy } from "./review-policy.js";

/** Most evidence tools one challenger may call. */
export const MAX_EVIDENCE_TOOLS = 64;
/** Most tool-call rounds of the evidence phase. */
export const MAX_TOOL_ROUNDS = 20;
/** Longest extra instructions, in characters. */
export const MAX_INSTRUCTIONS = 20_000;

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** A judging model: a LangChain chat model with `withStructuredOutput` (recognised by shape). */
export function isJudgeModel(value: unknown): value is BaseChatModel {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { invoke?: unknown }).invoke === "function" &&
    typeof (value as { withStructuredOutput?: unknown }).withStructuredOutput === "function"
  );
}

/** A judging chat model. */
export const JudgeModelSchema = z.custom<BaseChatModel>(isJudgeModel, {
  error: "a LangChain chat model with withStructuredOutput() (e.g. new ChatOpenAI(...))",
});

/** A review policy name. */
export const ReviewPolicySchema = oneOf(REVIEW_POLICIES as unknown as readonly ["strict", "balanced", "low"]) as unknown as z.ZodType<ReviewPolicy>;

/** A state key, or a function of the state. */
export const IntentSelectorSchema = z.union([text(200), fn<(state: Record<string, unknown>) => unknown>("a function of the state")], {
  error: 'a state key (e.g. "task", "messages") or a function (state) => intent',
}) as z.ZodType<IntentSelector>;

const ToolSchema = z.custom<StructuredToolInterface>(
  (v) =>
    typeof v === "object" &&
    v !== null &&
    typeof (v as { invoke?: unknown }).invoke === "function" &&
    typeof (v as { name?: unknown }).name === "string" &&
    TOOL_NAME.test((v as { name: string }).name) &&
    (v as { name: string }).name !== VERDICT_FUNCTION,
  { error: `a LangChain tool (invoke() and a name of 1–64 letters, digits, _ or -; not "${VERDICT_FUNCTION}", which is reserved)` },
);

const RetrieverSchema = z.custom<EvidenceSource>(
  (v) => typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { invoke?: unknown }).invoke === "function",
);

/** `evidence`: a function, a retriever, or a list of tools. */
export const EvidenceSourceSchema = z.union(
  [
    fn<Extract<EvidenceSource, (...args: never[]) => unknown>>("a function (request, config) => evidence items"),
    z
      .array(ToolSchema, { error: "a list of tools" })
      .min(1, { error: "at least one tool (leave evidence out to judge on the intent alone)" })
      .max(MAX_EVIDENCE_TOOLS, { error: `at most ${MAX_EVIDENCE_TOOLS} tools` }),
    RetrieverSchema,
  ],
  { error: "an evidence function (request, config) => items, a retriever (invoke(query)), or a list of tools" },
) as z.ZodType<EvidenceSource>;

/** Every option of `createChallenger`. */
export const ChallengerOptionsSchema = strict({
  model: JudgeModelSchema,
  evidence: EvidenceSourceSchema.optional(),
  instructions: z
    .string({ error: `a string of at most ${MAX_INSTRUCTIONS} characters` })
    .max(MAX_INSTRUCTIONS, { error: `a string of at most ${MAX_INSTRUCTIONS} characters` })
    .optional(),
  policy: ReviewPolicySchema.optional(),
  hub: z.boolean({ error: "true or false" }).optional(),
  confidenceFloor: numberIn(0, 1).optional(),
  name: text(200).optional(),
  intent: IntentSelectorSchema.optional(),
  claimsKey: text(200).optional(),
  maxToolRounds: integer(1, MAX_TOOL_ROUNDS).optional(),
  onInvalidReply: z.enum(["yellow", "red"], { error: 'one of "yellow", "red" (never "green": a reply that is no verdict fails closed)' }).optional(),
});

/** The options as parsed. */
export type ParsedChallengerOptions = z.output<typeof ChallengerOptionsSchema>;

/** Parses `createChallenger`'s options, with the one cross-option rule (tools need `bindTools`). */
export function parseChallengerOptions(options: unknown): ParsedChallengerOptions {
  const parsed = parseOptions(ChallengerOptionsSchema, options, "createChallenger");
  if (Array.isArray(parsed.evidence) && typeof parsed.model.bindTools !== "function") {
    throw invalidOption(
      "createChallenger",
      "evidence",
      parsed.evidence,
      "a list of tools only with a tool-calling model (this model has no bindTools()); pass an evidence function instead",
    );
  }
  return parsed;
}
