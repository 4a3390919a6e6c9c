/**
 * Callback managers for the runs the wrapper starts under its own run. A provider attempt
 * runs *sealed*: the caller's handlers still see its run (tracers record every attempt,
 * rejected ones included), but no token of it (`handleLLMNewToken`,
 * `handleChatModelStreamEvent`), and stream consumers (`streamEvents`, `streamLog`) do not
 * see the attempt at all, since its output may be rejected. The wrapper then streams the
 * accepted answer once through its own run manager.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { CallbackManager, type CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { AIMessageChunk } from "@langchain/core/messages";
import { ChatGenerationChunk } from "@langchain/core/outputs";

/** The protected fields `getChild()` reads on other run managers. */
type InheritableRunManager = {
  inheritableHandlers: CallbackManager["handlers"];
  inheritableTags: string[];
  inheritableMetadata: Record<string, unknown>;
};
type Handler = CallbackManager["handlers"][number];

/** Handlers that turn runs into a consumer-facing stream: an attempt's run is hidden from them. */
const STREAM_CONSUMERS = new Set(["event_stream_tracer", "log_stream_tracer"]);
/** The callbacks that carry tokens: muted on an attempt's run. */
const TOKEN_CALLBACKS = new Set(["handleLLMNewToken", "handleChatModelStreamEvent"]);
/** Flags the callback manager reads on a handler (forwarded live). */
const FLAGS = [
  "name",
  "awaitHandlers",
  "raiseError",
  "ignoreLLM",
  "ignoreChain",
  "ignoreAgent",
  "ignoreRetriever",
  "ignoreCustomEvent",
  "ignoreRetry",
] as const;

/**
 * A callback manager for runs nested under the wrapper's run (breaker decisions).
 * `CallbackManagerForLLMRun` has no `getChild()`: the child is built by hand.
 * @internal
 */
export function childCallbacks(runManager: CallbackManagerForLLMRun): CallbackManager {
  const parent = runManager as unknown as InheritableRunManager;
  const callbacks = new CallbackManager(runManager.runId);
  callbacks.setHandlers(parent.inheritableHandlers);
  callbacks.addTags(parent.inheritableTags);
  callbacks.addMetadata(parent.inheritableMetadata);
  return callbacks;
}

/** A callback manager for a provider attempt under the wrapper's run, with sealed handlers. @internal */
export function sealedCallbacks(runManager: CallbackManagerForLLMRun): CallbackManager {
  const parent = runManager as unknown as InheritableRunManager;
  const callbacks = new CallbackManager(runManager.runId);
  const handlers: Handler[] = [];
  for (const handler of parent.inheritableHandlers) {
    const sealed = sealHandler(handler);
    if (sealed) handlers.push(sealed);
  }
  callbacks.setHandlers(handlers);
  callbacks.addTags(parent.inheritableTags);
  callbacks.addMetadata(parent.inheritableMetadata);
  return callbacks;
}

const sealedByHandler = new WeakMap<object, Handler>();

/**
 * The handler as an attempt's run sees it: `undefined` for a stream consumer; otherwise a
 * forwarder without the token callbacks. The forwarder calls the handler's own methods on
 * the handler itself (so private fields and run maps keep working) and reads its flags live.
 */
export function sealHandler(handler: Handler): Handler | undefined {
  if (STREAM_CONSUMERS.has(handler.name)) return undefined;
  const target = handler as unknown as Record<string, unknown>;
  if (![...TOKEN_CALLBACKS].some((key) => typeof target[key] === "function")) return handler;
  let sealed = sealedByHandler.get(handler);
  if (sealed) return sealed;
  // Same prototype, so `instanceof` checks still recognise the handler (OpenInference adds a
  // second, parentless tracer to any callback list without an instance of its own class).
  // Every member is an own forwarding property, so nothing runs with the forwarder as `this`.
  const forwarder = Object.create(Object.getPrototypeOf(handler) as object) as Record<string, unknown>;
  const done = new Set<string>(["constructor", "lc_prefer_streaming", "lc_prefer_chat_model_stream_events", ...TOKEN_CALLBACKS, ...FLAGS]);
  for (let proto: object | null = handler; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (done.has(key)) continue;
      done.add(key);
      const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
      if (typeof descriptor.value === "function") {
        const forward = (...args: unknown[]) => (target[key] as (...a: unknown[]) => unknown)(...args);
        Object.defineProperty(forwarder, key, { value: forward, writable: true, configurable: true });
      } else if (descriptor.get !== undefined || descriptor.set !== undefined || proto === handler) {
        Object.defineProperty(forwarder, key, {
          get: () => target[key],
          set: (value: unknown) => {
            target[key] = value;
          },
          enumerable: descriptor.enumerable ?? false,
        });
      }
    }
  }
  for (const key of TOKEN_CALLBACKS) Object.defineProperty(forwarder, key, { value: undefined });
  for (const flag of FLAGS) Object.defineProperty(forwarder, flag, { get: () => target[flag], enumerable: true });
  // Nothing to stream to on an attempt's run: let the provider answer the cheapest way.
  // (defineProperty: an assignment would go through the forwarding setter to the handler itself)
  Object.defineProperty(forwarder, "lc_prefer_streaming", { value: false });
  Object.defineProperty(forwarder, "lc_prefer_chat_model_stream_events", { value: false });
  Object.defineProperty(forwarder, "constructor", { value: handler.constructor });
  sealed = forwarder as unknown as Handler;
  sealedByHandler.set(handler, sealed);
  return sealed;
}

/** True when a handler on the wrapper's run listens to tokens (so a provider's tokens are worth replaying). @internal */
export function wantsTokens(runManager: CallbackManagerForLLMRun): boolean {
  return runManager.handlers.some((h) => typeof (h as unknown as Record<string, unknown>).handleLLMNewToken === "function");
}

/**
 * Records the tokens a provider emits on its (sealed) attempt run, so the wrapper can replay
 * the accepted answer's tokens on its own run, once. Awaited, so nothing is lost. @internal
 */
export class TokenRecorder extends BaseCallbackHandler {
  name = "firebreak_token_recorder";
  override awaitHandlers = true;
  readonly chunks: ChatGenerationChunk[] = [];

  override handleLLMNewToken(token: string, _idx: unknown, _runId: string, _parentRunId?: string, _tags?: string[], fields?: { chunk?: unknown }): void {
    const chunk = fields?.chunk;
    this.chunks.push(
      chunk instanceof ChatGenerationChunk ? chunk : new ChatGenerationChunk({ text: token, message: new AIMessageChunk({ content: token }) }),
    );
  }
}
