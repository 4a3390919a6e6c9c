/**
 * The semantic circuit breaker as LangChain v1 `createAgent` middleware (`wrapModelCall`).
 * Loads `langchain`, so it lives behind its own subpath and is never imported by the root.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { createMiddleware } from "langchain";
import { resolveBreakerOptions, type SemanticBreakerOptions } from "./options.js";
import { SemanticBreaker, type RunResult } from "./semantic-breaker.js";
import { outcomeMetadata } from "./outcome-metadata.js";
import type { BreakerAnswer } from "./types.js";

/**
 * Options of {@link createBreakerMiddleware}: those of `withSemanticBreaker` minus
 * `stream` (the agent decides how it streams). Provider 0 is the agent's own model, named
 * `name` (default `"primary"`).
 */
export type BreakerMiddlewareOptions = Omit<SemanticBreakerOptions, "stream">;

/**
 * `createAgent` middleware that judges every model answer with `checks`, keeps one cockatiel
 * circuit per provider (the agent's model, then `fallbacks`), fails over, and fails fast
 * while circuits are open. The agent's tools and response format are bound to whichever
 * model answers. `timeoutMs` stops waiting for a hung provider (set the model's own
 * `timeout` too: the middleware cannot cancel the agent's request). Inner retries are
 * disabled for models whose `withConfig({ maxRetries: 0 })` stays a chat model (ChatOpenAI);
 * construct other providers with `maxRetries: 0`. The returned middleware exposes the
 * circuits as `breaker`. LangChain wraps what middleware throws in its `MiddlewareError`:
 * a `CircuitOpenError` or `FailoverExhaustedError` arrives as its `cause`.
 *
 * @example
 * ```ts
 * import { createAgent } from "langchain";
 * import { createBreakerMiddleware } from "langgraph-firebreak/breaker/middleware";
 * const breaker = createBreakerMiddleware({ fallbacks: [backupModel], checks: [nonEmpty(), refusal()] });
 * const agent = createAgent({ model: primaryModel, tools, middleware: [breaker] });
 * breaker.breaker.onBreak(({ provider }) => console.warn(`${provider} is open`));
 * ```
 */
export function createBreakerMiddleware(options: BreakerMiddlewareOptions = {}) {
  const resolved = resolveBreakerOptions(undefined, options, "createBreakerMiddleware");
  const breaker = new SemanticBreaker(resolved.providers, resolved.engine);
  const prepared = new WeakMap<object, BaseChatModel>();
  const withoutInnerRetries = (model: BaseChatModel): BaseChatModel => {
    if (resolved.innerRetries === "keep") return model;
    let out = prepared.get(model);
    if (!out) {
      const configured = model.withConfig({ maxRetries: 0 } as never) as unknown;
      out = isChatModel(configured) ? configured : model;
      prepared.set(model, out);
    }
    return out;
  };

  const middleware = createMiddleware({
    name: "SemanticBreakerMiddleware",
    wrapModelCall: async (request, handler) => {
      const responses = new WeakMap<object, unknown>();
      const result = await breaker.run({
        attempt: async (index) => {
          const model = index === 0 ? (request.model as BaseChatModel) : resolved.models[index]!;
          const response: unknown = await handler({ ...request, model: withoutInnerRetries(model) });
          const answer = answerOf(response);
          responses.set(answer, response);
          return answer;
        },
        checks: resolved.checks,
        messages: request.messages as BaseMessage[],
        signal: (request.runtime as { signal?: AbortSignal } | undefined)?.signal,
      });
      annotate(result);
      return responses.get(result.answer) as AIMessage;
    },
  });
  return Object.assign(middleware, { breaker });
}

/** The message inside a handler response (an AIMessage, or the agent's `{ structuredResponse, messages }`). */
function answerOf(response: unknown): BreakerAnswer {
  if (AIMessage.isInstance(response)) return response;
  const messages = (response as { messages?: unknown[] } | null)?.messages;
  const last = Array.isArray(messages) ? messages.at(-1) : undefined;
  if (AIMessage.isInstance(last)) return last;
  return new AIMessage({ content: "" });
}

function annotate(result: RunResult): void {
  const answer = result.answer as AIMessage;
  answer.response_metadata = { ...answer.response_metadata, ...outcomeMetadata(result) };
}

function isChatModel(value: unknown): value is BaseChatModel {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { bindTools?: unknown }).bindTools === "function" &&
    typeof (value as { _generate?: unknown })._generate === "function"
  );
}
