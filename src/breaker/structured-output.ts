/**
 * Structured output through the breaker without losing each provider's native path
 * (ChatOpenAI's `response_format: json_schema`, `tool_choice` for function calling): ask
 * every provider for its own structured pipeline, keep its model step inside the breaker
 * and its parser outside, and route each answer to the parser of the provider that gave it.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { BaseMessage } from "@langchain/core/messages";
import {
  RunnableBinding,
  RunnableLambda,
  RunnablePassthrough,
  RunnableSequence,
  type Runnable,
} from "@langchain/core/runnables";
import { defineCheck } from "./define-check.js";
import type { Check } from "./types.js";

/** `response_metadata` key naming the provider index that produced an answer. */
export const PROVIDER_INDEX_KEY = "firebreak.breaker.provider_index";

/** One provider's structured pipeline, split in two. @internal */
export interface StructuredParts {
  /** The model step, configured for the provider's native structured path. */
  readonly llm: Runnable<BaseLanguageModelInput, BaseMessage>;
  /** The parser that turns the answer into the structured value. */
  readonly parser: Runnable<BaseMessage, unknown>;
}

/**
 * Splits `model.withStructuredOutput(schema, config)` into model step and parser, or
 * returns `undefined` when the pipeline has an unexpected shape. @internal
 */
export function splitStructuredOutput(
  model: BaseChatModel,
  schema: unknown,
  config: Record<string, unknown> | undefined,
): StructuredParts | undefined {
  if (typeof model.withStructuredOutput !== "function") return undefined;
  let pipeline: Runnable;
  try {
    pipeline = (model.withStructuredOutput as (s: unknown, c: unknown) => Runnable)(schema, { ...config, includeRaw: false });
  } catch {
    return undefined; // e.g. no bindTools(): the wrapper's own fallback path reports it clearly
  }
  if (RunnableBinding.isRunnableBinding(pipeline) && RunnableSequence.isRunnableSequence(pipeline.bound)) {
    pipeline = pipeline.bound;
  }
  if (!RunnableSequence.isRunnableSequence(pipeline)) return undefined;
  const [llm, ...rest] = pipeline.steps;
  if (!llm || rest.length === 0) return undefined;
  const parser = rest.length === 1 ? rest[0]! : RunnableSequence.from(rest as [Runnable, Runnable]);
  return { llm: llm as Runnable<BaseLanguageModelInput, BaseMessage>, parser };
}

/** The check that an answer parses with its own provider's parser. @internal */
export function structuredParseCheck(parsers: readonly Runnable<BaseMessage, unknown>[]): Check {
  return defineCheck("structuredOutput", async (answer, context) => {
    try {
      await parsers[context.providerIndex]!.invoke(answer as BaseMessage);
      return { ok: true };
    } catch (error) {
      return {
        ok: false,
        reason: `the answer does not parse as the requested structure: ${(error as Error)?.message ?? String(error)}`,
      };
    }
  });
}

/** Pipes the guarded model into the right parser, with LangChain's `includeRaw` shape. @internal */
export function assembleStructured(
  model: Runnable<BaseLanguageModelInput, BaseMessage>,
  parsers: readonly Runnable<BaseMessage, unknown>[],
  includeRaw: boolean,
): Runnable {
  const parse = RunnableLambda.from(async (message: BaseMessage, config) => {
    const index = Number((message.response_metadata as Record<string, unknown> | undefined)?.[PROVIDER_INDEX_KEY] ?? 0);
    return parsers[index]!.invoke(message, config);
  });
  if (!includeRaw) return model.pipe(parse).withConfig({ runName: "StructuredOutput" });
  const withParsed = RunnablePassthrough.assign({
    parsed: (input: { raw: BaseMessage }, config) => parse.invoke(input.raw, config),
  });
  const withNull = RunnablePassthrough.assign({ parsed: () => null }) as unknown as typeof withParsed;
  return RunnableSequence.from([{ raw: model }, withParsed.withFallbacks({ fallbacks: [withNull] })]).withConfig({
    runName: "StructuredOutputRunnable",
  });
}
