/**
 * `withSemanticBreaker`: a chat model that composes its providers (never patches them),
 * judges every answer, counts bad answers and transport failures on cockatiel circuits,
 * and fails over in order.
 */
import type { CallbackManager, CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import type { BaseLanguageModelInput, StructuredOutputMethodOptions } from "@langchain/core/language_models/base";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
  type LangSmithParams,
} from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage, type BaseMessageLike, type UsageMetadata } from "@langchain/core/messages";
import { ChatGenerationChunk, RUN_KEY, type ChatResult, type LLMResult } from "@langchain/core/outputs";
import { RunnableBinding, type Runnable, type RunnableConfig } from "@langchain/core/runnables";
import type { ModelProfile } from "@langchain/core/language_models/profile";
import type { SerializableSchema } from "@langchain/core/utils/standard_schema";
import type { ZodV3Like, ZodV4Like } from "@langchain/core/utils/types";
import { InvalidOptionsError } from "../internal/options-schema.js";
import { emitFirebreakEvent } from "../internal/events.js";
import { answerText } from "./answer-text.js";
import { TokenRecorder, childCallbacks, sealedCallbacks, wantsTokens } from "./sealed-callbacks.js";
import { addUsage, concatChunks, toAIMessageChunk } from "./message-chunks.js";
import { resolveBreakerOptions, type ResolvedBreakerOptions, type SemanticBreakerOptions } from "./options.js";
import { SemanticBreaker, type AttemptInfo, type BreakerDecision, type RunResult } from "./semantic-breaker.js";
import { outcomeMetadata } from "./outcome-metadata.js";
import { StreamQueue } from "./stream-queue.js";
import {
  assembleStructured,
  splitStructuredOutput,
  structuredParseCheck,
} from "./structured-output.js";
import type { AttemptFailure, BreakerAnswer, Check } from "./types.js";

/** Tag that keeps LangGraph's `streamMode: "messages"` from emitting the inner run's tokens. */
const NOSTREAM = "langsmith:nostream";
/** Tag on every inner provider run. */
export const ATTEMPT_TAG = "firebreak:breaker-attempt";
/** A call option through which `.stream()` collects usage moved off the streamed chunks. */
const USAGE_SINK = Symbol("firebreak.breaker.usage-sink");

type UsageSink = { usage?: UsageMetadata };
type Options = BaseChatModelCallOptions & { [USAGE_SINK]?: UsageSink };

interface Variant {
  /** Per provider: the runnable to call (the model, or it with tools / structured output bound). */
  readonly runnables: readonly Runnable<BaseLanguageModelInput, BaseMessage>[];
  /** Checks of this variant (structured output adds a parse check in front). */
  readonly checks: readonly Check[];
  /** Checks must see `AIMessageChunk`s (LangChain's tool-calling parsers reject `AIMessage`). */
  readonly chunkAnswers?: boolean;
  /** The runnables have tools bound: the `tools` call option (from the outer binding) stays out of inner calls. */
  readonly toolsBound?: boolean;
}

/**
 * The chat model returned by {@link withSemanticBreaker}. It is a `BaseChatModel`:
 * `invoke`, `batch`, `stream`, `bindTools`, `withStructuredOutput`, callbacks and LangGraph
 * streaming work as with any chat model. Models derived from it (`bindTools`,
 * `withStructuredOutput`) share its circuits.
 */
export class SemanticBreakerChatModel extends BaseChatModel<Options, AIMessageChunk> {
  static override lc_name(): string {
    return "SemanticBreakerChatModel";
  }

  override lc_serializable = false;

  /** The circuits (one per provider), their listeners and saved state. */
  readonly breaker: SemanticBreaker;
  /** Fires on every circuit transition. */
  readonly onStateChange: SemanticBreaker["onStateChange"];
  /** Fires when a circuit opens, with the failure that tripped it. */
  readonly onBreak: SemanticBreaker["onBreak"];
  /** Fires when a circuit closes after a successful probe. */
  readonly onReset: SemanticBreaker["onReset"];
  /** Fires when a circuit lets its half-open probe through. */
  readonly onHalfOpen: SemanticBreaker["onHalfOpen"];
  /** Fires for every failed attempt, with the check verdicts of a rejected answer. */
  readonly onRejected: SemanticBreaker["onRejected"];

  private readonly resolved: ResolvedBreakerOptions;
  private readonly variant: Variant;
  private readonly usageByRun = new Map<string, UsageMetadata>();

  /** @internal Use {@link withSemanticBreaker}. */
  constructor(resolved: ResolvedBreakerOptions, breaker: SemanticBreaker, variant: Variant) {
    super({});
    this.resolved = resolved;
    this.breaker = breaker;
    this.variant = variant;
    this.onStateChange = breaker.onStateChange;
    this.onBreak = breaker.onBreak;
    this.onReset = breaker.onReset;
    this.onHalfOpen = breaker.onHalfOpen;
    this.onRejected = breaker.onRejected;
  }

  /**
   * The primary provider's model type (`"openai"` for ChatOpenAI): the wrapper keeps the
   * wrapped model's identity where the ecosystem keys on it.
   */
  _llmType(): string {
    // Called by BaseChatModel's field initialisers, before the constructor body ran.
    return this.resolved?.models[0]?._llmType() ?? "firebreak_semantic_breaker";
  }

  /**
   * The primary provider's name (`"ChatOpenAI"`): `createSupervisor` sets
   * `parallel_tool_calls: false` and `createAgent`'s provider tool search switch on it.
   * Traces still name the wrapper's run `SemanticBreakerChatModel` (from its `lc_id`), so
   * the wrapper and its provider attempts stay apart.
   */
  override getName(suffix?: string): string {
    return this.resolved?.models[0]?.getName(suffix) ?? super.getName(suffix);
  }

  /** The primary provider's profile (`createAgent` picks native structured output from it). */
  override get profile(): ModelProfile {
    return this.resolved?.models[0]?.profile ?? {};
  }

  /** Run metadata: the primary's name and every circuit's state (`firebreak.breaker.states`). */
  override getLsParams(options: this["ParsedCallOptions"]): LangSmithParams {
    // Run metadata: flat values (tracers flatten metadata anyway), built without spreads.
    return {
      ls_model_type: "chat",
      ls_stop: options.stop,
      ls_provider: "firebreak",
      ls_model_name: this.breaker.providerNames[0]!,
      ["firebreak.breaker.states" as string]: this.breaker.statesText(),
    } as LangSmithParams;
  }

  /** Invocation parameters shown in traces: the provider chain and the stream mode. */
  override invocationParams(): Record<string, unknown> {
    return { providers: this.breaker.providerNames, stream: this.resolved.stream };
  }

  /**
   * Binds `tools` (and `kwargs` such as `tool_choice`, `parallel_tool_calls`) to every
   * provider in the chain. Like `ChatOpenAI.bindTools`, the result is a `RunnableBinding`
   * whose `kwargs.tools` lists the tools (`createReactAgent`, `createSupervisor` and
   * `createAgent` read them there and do not bind again); its `bound` is a
   * `SemanticBreakerChatModel` that shares this model's circuits.
   */
  override bindTools(tools: BindToolsInput[], kwargs?: Partial<Options>): RunnableBinding<BaseLanguageModelInput, AIMessageChunk, Options> {
    const runnables = this.resolved.models.map((model, index) => {
      if (typeof model?.bindTools !== "function") {
        throw new InvalidOptionsError(
          "withSemanticBreaker",
          [{ option: index === 0 ? "model" : `fallbacks[${index - 1}]`, received: "a model without bindTools()", allowed: "a tool-capable chat model" }],
          {
            message: `withSemanticBreaker: provider "${this.breaker.providerNames[index]}" has no bindTools(), so tools cannot be bound to the whole chain. Use tool-capable models or drop that fallback.`,
          },
        );
      }
      return model.bindTools(tools, kwargs as never) as Runnable<BaseLanguageModelInput, BaseMessage>;
    });
    const bound = new SemanticBreakerChatModel(this.resolved, this.breaker, { runnables, checks: this.resolved.checks, toolsBound: true });
    return new RunnableBinding<BaseLanguageModelInput, AIMessageChunk, Options>({
      bound,
      kwargs: { tools } as Partial<Options>,
      config: {},
    });
  }

  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(
    outputSchema: SerializableSchema<RunOutput>,
    config?: StructuredOutputMethodOptions<false>,
  ): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(
    outputSchema: SerializableSchema<RunOutput>,
    config?: StructuredOutputMethodOptions<true>,
  ): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(
    outputSchema: ZodV4Like<RunOutput> | Record<string, any>,
    config?: StructuredOutputMethodOptions<false>,
  ): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(
    outputSchema: ZodV4Like<RunOutput> | Record<string, any>,
    config?: StructuredOutputMethodOptions<true>,
  ): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(
    outputSchema: ZodV3Like<RunOutput> | Record<string, any>,
    config?: StructuredOutputMethodOptions<false>,
  ): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(
    outputSchema: ZodV3Like<RunOutput> | Record<string, any>,
    config?: StructuredOutputMethodOptions<true>,
  ): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  /**
   * Structured output on every provider's native path (ChatOpenAI: `json_schema`
   * `response_format` or forced `tool_choice`), checked inside the breaker: an answer that
   * does not parse counts as a failure and fails over. Falls back to LangChain's
   * tool-calling implementation when a provider's pipeline cannot be split.
   */
  override withStructuredOutput(outputSchema: unknown, config?: StructuredOutputMethodOptions<boolean>): Runnable {
    const parts = this.resolved.models.map((model) =>
      splitStructuredOutput(model!, outputSchema, config as Record<string, unknown> | undefined),
    );
    if (parts.some((p) => p === undefined)) {
      return (super.withStructuredOutput as (s: unknown, c: unknown) => Runnable)(outputSchema, config);
    }
    const parsers = parts.map((p) => p!.parser);
    const derived = new SemanticBreakerChatModel(this.resolved, this.breaker, {
      runnables: parts.map((p) => p!.llm),
      checks: [structuredParseCheck(parsers), ...this.resolved.checks],
      chunkAnswers: true,
    });
    return assembleStructured(derived, parsers, config?.includeRaw === true);
  }

  /** One guarded call: the chain is tried in order, each answer judged before it is accepted. */
  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    const chunkAnswers = this.variant.chunkAnswers === true;
    // A provider that streams inside invoke() (e.g. ChatOpenAI with streaming: true) emits
    // tokens on its sealed run: they are recorded, and the accepted answer's are replayed once.
    const recorded = runManager !== undefined && wantsTokens(runManager) ? new WeakMap<object, ChatGenerationChunk[]>() : undefined;
    const result = await this.breaker.run({
      attempt: async (index, info) => {
        const recorder = recorded ? new TokenRecorder() : undefined;
        const raw = await this.variant.runnables[index]!.invoke(messages, this.innerConfig(index, options, runManager, info, recorder));
        const answer = chunkAnswers ? toAIMessageChunk(raw) : (raw as BreakerAnswer);
        if (recorder && recorder.chunks.length > 0) recorded!.set(answer, recorder.chunks);
        return answer;
      },
      checks: this.variant.checks,
      messages,
      signal: options.signal,
      onFailure: reportFailure(runManager),
      onDecision: reportDecision(runManager, options),
    });
    const replay = recorded?.get(result.answer);
    if (replay) {
      for (const chunk of replay) {
        await runManager!.handleLLMNewToken(chunk.text, { prompt: 0, completion: 0 }, undefined, undefined, undefined, { chunk });
      }
    }
    // One copy: breaker metadata on, and usage off when callbacks already saw it on the provider's run.
    const answer = result.answer as BaseMessage;
    const usage = (answer as AIMessageChunk).usage_metadata;
    const divert = usage !== undefined && runManager !== undefined;
    if (divert) this.usageByRun.set(runManager.runId, addUsage(this.usageByRun.get(runManager.runId), usage)!);
    const message = toAIMessageChunk(answer, { responseMetadata: outcomeMetadata(result), ...(divert ? { usage: null } : {}) });
    return { generations: [{ text: textOf(message), message }] };
  }

  /** One guarded streaming call, in the configured `stream` mode (`"buffer"` or `"passthrough"`). */
  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const emit = async (chunk: AIMessageChunk): Promise<ChatGenerationChunk> => {
      const out = this.divertUsage(chunk, options, runManager);
      const generation = new ChatGenerationChunk({ message: out, text: textOf(out) });
      await runManager?.handleLLMNewToken(generation.text, { prompt: 0, completion: 0 }, undefined, undefined, undefined, {
        chunk: generation,
      });
      return generation;
    };
    const streamFrom = async (index: number, info: AttemptInfo): Promise<AsyncIterable<BaseMessage>> =>
      this.variant.runnables[index]!.stream(messages, this.innerConfig(index, options, runManager, info));
    const chunks =
      this.resolved.stream === "buffer"
        ? this.streamBuffered(messages, options, runManager, streamFrom)
        : this.streamPassthrough(messages, options, runManager, streamFrom);
    for await (const chunk of chunks) yield await emit(chunk);
  }

  /** `stream: "buffer"`: every attempt is collected and checked whole; only the accepted answer's chunks leave. */
  private async *streamBuffered(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager: CallbackManagerForLLMRun | undefined,
    streamFrom: StreamFrom,
  ): AsyncGenerator<AIMessageChunk> {
    const collected = new WeakMap<object, AIMessageChunk[]>();
    const result = await this.breaker.run({
      attempt: async (index, info) => {
        const chunks: AIMessageChunk[] = [];
        for await (const c of await streamFrom(index, info)) chunks.push(toAIMessageChunk(c));
        const answer = concatChunks(chunks);
        collected.set(answer, chunks);
        return answer;
      },
      checks: this.variant.checks,
      messages,
      signal: options.signal,
      onFailure: reportFailure(runManager),
      onDecision: reportDecision(runManager, options),
    });
    const kept = collected.get(result.answer);
    const chunks = kept && kept.length > 0 ? kept : [result.answer as AIMessageChunk];
    for (let i = 0; i < chunks.length; i++) {
      yield i === chunks.length - 1 ? toAIMessageChunk(chunks[i]!, { responseMetadata: outcomeMetadata(result) }) : chunks[i]!;
    }
  }

  /** `stream: "passthrough"`: tokens leave as they arrive; the checks run on the whole answer at the end. */
  private async *streamPassthrough(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager: CallbackManagerForLLMRun | undefined,
    streamFrom: StreamFrom,
  ): AsyncGenerator<AIMessageChunk> {
    const queue = new StreamQueue<AIMessageChunk>();
    let pushed = false;
    let outcome: RunResult | undefined;
    const done = this.breaker
      .run({
        attempt: async (index, info) => {
          const chunks: AIMessageChunk[] = [];
          for await (const c of await streamFrom(index, info)) {
            const chunk = toAIMessageChunk(c);
            chunks.push(chunk);
            pushed = true;
            queue.push(chunk);
          }
          return concatChunks(chunks);
        },
        checks: this.variant.checks,
        messages,
        signal: options.signal,
        committed: () => pushed,
        onFailure: reportFailure(runManager),
        onDecision: reportDecision(runManager, options),
      })
      .then(
        (r) => {
          outcome = r;
          queue.close();
        },
        (e) => queue.fail(e),
      );
    let lastId: string | undefined;
    for await (const chunk of queue) {
      lastId ??= chunk.id;
      yield chunk;
    }
    await done;
    if (outcome) {
      yield new AIMessageChunk({ content: "", ...(lastId ? { id: lastId } : {}), response_metadata: outcomeMetadata(outcome) });
    }
  }

  /** `.stream()`: usage moved off the chunks (so callbacks count it once, on the provider's run) comes back as a last chunk. */
  override async *_streamIterator(input: BaseLanguageModelInput, options?: Partial<Options>): AsyncGenerator<AIMessageChunk> {
    const sink: UsageSink = {};
    let id: string | undefined;
    for await (const chunk of super._streamIterator(input, { ...options, [USAGE_SINK]: sink })) {
      id ??= chunk.id;
      yield chunk;
    }
    if (sink.usage) yield new AIMessageChunk({ content: "", ...(id ? { id } : {}), usage_metadata: sink.usage });
  }

  /** Puts the accepted answer's usage back on the message the caller receives (never on the one callbacks saw). */
  override async _generateUncached(
    messages: BaseMessageLike[][],
    parsedOptions: this["ParsedCallOptions"],
    handledOptions: RunnableConfig,
    startedRunManagers?: CallbackManagerForLLMRun[],
  ): Promise<LLMResult> {
    const output = await super._generateUncached(messages, parsedOptions, handledOptions, startedRunManagers);
    const runIds: string[] | undefined = (output as Record<string, { runIds?: string[] } | undefined>)[RUN_KEY]?.runIds;
    if (!runIds || this.usageByRun.size === 0) return output;
    const generations = output.generations.map((generation, i) => {
      const usage = this.usageByRun.get(runIds[i]!);
      if (!usage || generation.length === 0) return generation;
      this.usageByRun.delete(runIds[i]!);
      const [first, ...rest] = generation as Array<{ text: string; message: BaseMessage }>;
      return [{ ...first!, message: toAIMessageChunk(first!.message, { usage }) }, ...rest];
    });
    const copy: LLMResult = { ...output, generations };
    Object.defineProperty(copy, RUN_KEY, { value: (output as Record<string, unknown>)[RUN_KEY], configurable: true });
    return copy;
  }

  /** Config of one inner provider call: a hand-built child callback manager, nostream, no inner retries. */
  private innerConfig(
    index: number,
    options: Options,
    runManager: CallbackManagerForLLMRun | undefined,
    info: AttemptInfo,
    recorder?: TokenRecorder,
  ) {
    // Copy the call options minus the signal (symbol keys, like the usage sink, are skipped by for-in).
    const config: Record<string, unknown> = {};
    const skipTools = this.variant.toolsBound === true;
    for (const key in options) {
      if (key !== "signal" && !(skipTools && key === "tools")) config[key] = (options as Record<string, unknown>)[key];
    }
    if (this.resolved.innerRetries === "disable") config.maxRetries = 0;
    if (info.signal) config.signal = info.signal;
    const metadata: Record<string, unknown> = {
      "firebreak.breaker.provider": this.breaker.providerNames[index],
      "firebreak.breaker.attempt": info.attempt,
      "firebreak.breaker.state": info.state,
      "firebreak.breaker.probe": info.probe,
    };
    if (info.bypass) metadata["firebreak.breaker.bypass"] = true;
    let callbacks: CallbackManager | undefined;
    if (runManager) {
      // Sealed: the caller's handlers see the attempt's run (traces) but none of its tokens,
      // and stream consumers (streamEvents, streamLog) do not see the attempt at all. The
      // accepted answer's tokens go out once, through the wrapper's own run.
      callbacks = sealedCallbacks(runManager);
      callbacks.addTags([NOSTREAM, ATTEMPT_TAG], false);
      callbacks.addMetadata(metadata, false);
      if (recorder) callbacks.addHandler(recorder, false);
    }
    if (callbacks) config.callbacks = callbacks;
    else if (AsyncLocalStorageProviderSingleton.getRunnableConfig() !== undefined) {
      // No run manager here, but the inner call would inherit callbacks from the ambient
      // (AsyncLocalStorage) config: keep its tokens out of LangGraph's messages stream.
      config.tags = [NOSTREAM, ATTEMPT_TAG];
      config.metadata = metadata;
    }
    return config as Partial<BaseChatModelCallOptions>;
  }

  /**
   * Moves usage off a message that callbacks will see (the provider's own run already
   * reported it), into the `.stream()` sink or the per-run store. Without callbacks nothing
   * can double count, so usage stays where it is.
   */
  private divertUsage(message: AIMessageChunk, options: Options, runManager: CallbackManagerForLLMRun | undefined): AIMessageChunk {
    const usage = message.usage_metadata;
    if (!usage) return message;
    const sink = options[USAGE_SINK];
    if (sink) sink.usage = addUsage(sink.usage, usage);
    else if (runManager) this.usageByRun.set(runManager.runId, addUsage(this.usageByRun.get(runManager.runId), usage)!);
    else return message;
    return toAIMessageChunk(message, { usage: null });
  }
}

/** Name of the custom event a rejected attempt emits on the wrapper's run. */
export const REJECTED_EVENT = "firebreak/breaker-rejected";

/** Reports each failed attempt on the wrapper's run (traces, `streamEvents`) as JSON. */
function reportFailure(runManager: CallbackManagerForLLMRun | undefined): ((failure: AttemptFailure) => Promise<void>) | undefined {
  if (!runManager) return undefined;
  return (f) =>
    runManager.handleCustomEvent(REJECTED_EVENT, {
      provider: f.provider,
      providerIndex: f.providerIndex,
      kind: f.kind,
      reason: f.reason,
      ...(f.status !== undefined ? { status: f.status } : {}),
      ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}),
      probe: f.probe,
      ...(f.verdicts ? { verdicts: f.verdicts } : {}),
    });
}

/** Metadata a decision's child run must not inherit: the states at call start, stale once it decided. */
const STATES_KEY = "firebreak.breaker.states";

/**
 * Records each breaker decision (a rejected answer, a failed attempt, a circuit transition)
 * as a `firebreak/breaker` child run under the wrapper's run, so tracers that ignore custom
 * events (OpenInference, Langfuse) show the trip on the model's span, with the failing
 * check as `firebreak.failingCheck`. Nothing is built unless a decision is taken and
 * someone listens (handlers on the run, or a `streamMode: "custom"` writer in the options).
 */
function reportDecision(
  runManager: CallbackManagerForLLMRun | undefined,
  options: Options,
): ((decision: BreakerDecision) => Promise<void>) | undefined {
  const writer = (options as { writer?: unknown }).writer;
  const listened = (runManager !== undefined && runManager.handlers.length > 0) || typeof writer === "function";
  if (!listened) return undefined;
  return (d) => {
    const f = d.failure;
    const callbacks = runManager && runManager.handlers.length > 0 ? childCallbacks(runManager) : undefined;
    if (callbacks && STATES_KEY in callbacks.inheritableMetadata) {
      const { [STATES_KEY]: _stale, ...rest } = callbacks.inheritableMetadata;
      callbacks.inheritableMetadata = rest;
      callbacks.metadata = { ...rest };
    }
    const payload: Record<string, unknown> = {
      decision: f === undefined ? "transition" : f.kind === "semantic" ? "rejected" : "failed",
      provider: d.provider,
      providerIndex: d.providerIndex,
      attempt: d.attempt,
      from: d.from,
      state: d.state,
      probe: d.probe,
    };
    if (d.from !== "open" && d.state === "open") payload.tripped = true;
    if (d.bypass) payload.bypass = true;
    if (f !== undefined) {
      payload.kind = f.kind;
      const failing = f.verdicts?.find((v) => !v.ok) ?? f.verdicts?.[0];
      if (failing) payload.failingCheck = failing.check;
      payload.reason = f.reason;
      if (f.status !== undefined) payload.status = f.status;
    }
    return emitFirebreakEvent("breaker", payload, {
      ...(callbacks ? { callbacks } : {}),
      ...(typeof writer === "function" ? { writer: writer as (chunk: unknown) => void } : {}),
    });
  };
}

/** The message text without `.text` (its content-block conversion costs more than the rest of the wrapper). */
/** Opens the stream of provider `index` for one attempt. */
type StreamFrom = (index: number, info: AttemptInfo) => Promise<AsyncIterable<BaseMessage>>;

function textOf(message: AIMessageChunk): string {
  return typeof message.content === "string" ? message.content : answerText(message);
}

/**
 * Wraps a chat model in a semantic circuit breaker: every answer is judged by `checks`; a
 * bad answer (HTTP 200 but empty, off-schema, looping, refusing, incoherent…) counts as a
 * failure like a 429/5xx/timeout; a provider's circuit opens after its trip rule, fails
 * fast while open, probes once after the cool-down; calls fail over along `fallbacks`.
 *
 * @example
 * ```ts
 * import { ChatOpenAI } from "@langchain/openai";
 * import { z } from "zod/v4";
 * const model = withSemanticBreaker(new ChatOpenAI({ model: "gpt-4o-mini" }), {
 *   fallbacks: [new ChatOpenAI({ model: "gpt-4o", configuration: { baseURL: backupUrl } })],
 *   checks: [nonEmpty(), repetition(), refusal()],
 *   trip: { kind: "failure-rate", threshold: 0.5, window: 20, minimumCalls: 10 },
 *   halfOpenAfter: 30_000,
 * });
 * model.onBreak(({ provider, failure }) => log.warn(`${provider} open: ${failure?.reason}`));
 * const answer = await model.invoke("Summarise the incident in two sentences.");
 * const typed = await model.withStructuredOutput(z.object({ severity: z.enum(["low", "high"]) })).invoke(report);
 * ```
 */
export function withSemanticBreaker(model: BaseChatModel, options: SemanticBreakerOptions = {}): SemanticBreakerChatModel {
  const resolved = resolveBreakerOptions(model, options, "withSemanticBreaker");
  const breaker = new SemanticBreaker(resolved.providers, resolved.engine);
  return new SemanticBreakerChatModel(resolved, breaker, {
    runnables: resolved.models as unknown as Runnable<BaseLanguageModelInput, BaseMessage>[],
    checks: resolved.checks,
  });
}
