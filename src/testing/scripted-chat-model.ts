import {
  BaseChatModel,
  type BaseChatModelParams,
  type BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { InvalidOptionsError, invalidOption, MAX_TIMER_MS } from "../internal/options-schema.js";

/** One reply of a scripted model. */
export type ScriptedReply =
  | string
  | {
      /** Text content of the reply. */
      text?: string;
      /** Tool calls to emit. */
      toolCalls?: Array<{ name: string; args: Record<string, unknown>; id?: string }>;
      /**
       * A structured answer: emitted as a call to the bound tool when the model is used through
       * `withStructuredOutput` (or any `bindTools`), otherwise as JSON text.
       */
      structured?: Record<string, unknown>;
      /** Token usage reported with the reply (`usage_metadata`), for cost accounting in tests. */
      usage?: { input: number; output: number };
      /**
       * Fail the call instead of answering: this value is thrown (give it a `status` to stand in
       * for a provider's HTTP error, e.g. `Object.assign(new Error("overloaded"), { status: 503 })`).
       */
      error?: unknown;
      /**
       * Wait this long (milliseconds) before answering or failing, as a slow provider would. The
       * call's abort signal (`invoke(input, { signal })`, a `timeout`, a breaker's attempt timeout)
       * ends the wait early: the call then rejects with the signal's reason.
       */
      delayMs?: number;
      /**
       * Never answer: the call stays pending until its abort signal fires, then rejects with the
       * signal's reason (as `fetch` does). A call without a signal stays pending for ever, so give
       * hanging calls a signal or a timeout. Other fields are ignored.
       */
      hang?: true;
    };

/** What a script function sees for each call. */
export interface ScriptContext {
  /** The messages of this call, exactly as the model received them. */
  messages: BaseMessage[];
  /** Zero-based index of this call on this model (shared by its bound copies). */
  call: number;
  /** Names of the tools bound to this copy of the model. */
  tools: string[];
}

/** A script: a list of replies played in order, or a function of the call. */
export type Script = readonly (ScriptedReply | ((ctx: ScriptContext) => ScriptedReply))[] | ((ctx: ScriptContext) => ScriptedReply);

/** Options of {@link ScriptedChatModel}. */
export interface ScriptedChatModelOptions extends BaseChatModelParams {
  /** The replies. */
  script: Script;
  /**
   * What to do when a list script runs out: repeat the last reply, start over, or throw.
   * @default "repeat-last"
   */
  whenExhausted?: "repeat-last" | "loop" | "throw";
  /** A label shown in traces and errors. @default "scripted" */
  label?: string;
}

interface SharedState {
  calls: number;
  prompts: BaseMessage[][];
}

/**
 * A deterministic chat model that plays a script. **It stands in for a model's judgement
 * only**: examples and tests use it to run offline, and everything printed from it is
 * labelled "scripted". It supports `bindTools` and the default `withStructuredOutput`
 * (structured replies become calls to the bound tool) and records every prompt it received.
 *
 * For plumbing tests (circuit breakers, timeouts, retries) a reply can also fail (`{ error }`),
 * report token usage (`{ usage }`), answer late (`{ delayMs }`) or hang until the call is
 * aborted (`{ hang: true }`); a script function sees the call's index and messages.
 *
 * @example
 * const model = new ScriptedChatModel({ script: ["Paris is the capital of France."] });
 * await model.invoke("What is the capital of France?");
 *
 * @example
 * // First call: a provider outage (HTTP 503); second: hangs until the caller's signal aborts; then answers.
 * const flaky = new ScriptedChatModel({
 *   script: [{ error: Object.assign(new Error("overloaded"), { status: 503 }) }, { hang: true }, "fine answer"],
 * });
 */
export class ScriptedChatModel extends BaseChatModel {
  static override lc_name() {
    return "ScriptedChatModel";
  }

  readonly label: string;
  private readonly script: Script;
  private readonly whenExhausted: "repeat-last" | "loop" | "throw";
  private readonly shared: SharedState;
  private readonly boundTools: string[];

  constructor(options: ScriptedChatModelOptions, internal?: { shared: SharedState; tools: string[] }) {
    super(options);
    this.script = options.script;
    this.whenExhausted = options.whenExhausted ?? "repeat-last";
    this.label = options.label ?? "scripted";
    this.shared = internal?.shared ?? { calls: 0, prompts: [] };
    this.boundTools = internal?.tools ?? [];
  }

  /** Every prompt this model (and its bound copies) received, in order. */
  get prompts(): readonly BaseMessage[][] {
    return this.shared.prompts;
  }

  /** How many calls this model (and its bound copies) answered. */
  get callCount(): number {
    return this.shared.calls;
  }

  _llmType(): string {
    return "scripted";
  }

  override bindTools(tools: BindToolsInput[]): ScriptedChatModel {
    const names = tools.map(toolName);
    return new ScriptedChatModel(
      { script: this.script, whenExhausted: this.whenExhausted, label: this.label },
      { shared: this.shared, tools: names },
    );
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const call = this.shared.calls++;
    this.shared.prompts.push(messages);
    const reply = this.replyFor({ messages, call, tools: this.boundTools });
    if (typeof reply === "object" && reply !== null) await waitAsScripted(reply, options.signal);
    if (typeof reply === "object" && reply !== null && "error" in reply && reply.error !== undefined) throw reply.error;
    const message = this.toMessage(reply, call);
    if (typeof message.content === "string" && message.content.length > 0) {
      await runManager?.handleLLMNewToken(message.content);
    }
    return { generations: [{ text: typeof message.content === "string" ? message.content : "", message }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const result = await this._generate(messages, options);
    const message = result.generations[0]!.message as AIMessageChunk;
    const text = typeof message.content === "string" ? message.content : "";
    await runManager?.handleLLMNewToken(text);
    yield new ChatGenerationChunk({ text, message });
  }

  private replyFor(ctx: ScriptContext): ScriptedReply {
    if (typeof this.script === "function") return this.script(ctx);
    const steps = this.script;
    if (steps.length === 0) {
      throw new InvalidOptionsError("ScriptedChatModel", [{ option: "script", received: "[]", allowed: "at least one reply" }], {
        message: `Scripted model "${this.label}" has an empty script: give it at least one reply.`,
      });
    }
    let index = ctx.call;
    if (index >= steps.length) {
      if (this.whenExhausted === "throw") {
        throw new InvalidOptionsError("ScriptedChatModel", [{ option: "script", received: `${steps.length} replies`, allowed: `at least ${index + 1} replies, or whenExhausted "repeat-last" | "loop"` }], {
          message: `Scripted model "${this.label}" was called ${index + 1} times but its script has ${steps.length} replies: add replies or set whenExhausted.`,
        });
      }
      index = this.whenExhausted === "loop" ? index % steps.length : steps.length - 1;
    }
    const step = steps[index]!;
    return typeof step === "function" ? step(ctx) : step;
  }

  private toMessage(reply: ScriptedReply, call: number): AIMessageChunk {
    if (typeof reply === "string") return new AIMessageChunk({ content: reply });
    // Unique per call, and of one length whatever the call number: a token estimate of the
    // message (which counts characters) is then the same on the 9th call and the 10th.
    const n = String(call).padStart(8, "0");
    const toolCalls = (reply.toolCalls ?? []).map((tc, i) => ({
      name: tc.name,
      args: tc.args,
      id: tc.id ?? `scripted_call_${n}_${i}`,
      type: "tool_call" as const,
    }));
    let text = reply.text ?? "";
    if (reply.structured !== undefined) {
      const tool = this.boundTools[0];
      if (tool !== undefined) {
        toolCalls.push({ name: tool, args: reply.structured, id: `scripted_call_${n}_s`, type: "tool_call" });
      } else {
        text = JSON.stringify(reply.structured);
      }
    }
    const usage = reply.usage === undefined
      ? {}
      : { usage_metadata: { input_tokens: reply.usage.input, output_tokens: reply.usage.output, total_tokens: reply.usage.input + reply.usage.output } };
    return new AIMessageChunk({
      content: text,
      ...usage,
      tool_calls: toolCalls,
      tool_call_chunks: toolCalls.map((tc, index) => ({
        name: tc.name,
        args: JSON.stringify(tc.args),
        id: tc.id,
        index,
        type: "tool_call_chunk" as const,
      })),
    });
  }
}

/**
 * Waits as a reply asks: for ever (`hang`) or `delayMs`, either cut short by `signal`, which then
 * rejects with its reason. Resolves at once for a reply that asks neither.
 */
function waitAsScripted(reply: { readonly hang?: true; readonly delayMs?: number }, signal: AbortSignal | undefined): Promise<void> {
  const hang = reply.hang === true;
  const { delayMs } = reply;
  if (delayMs !== undefined && !(typeof delayMs === "number" && delayMs >= 0 && delayMs <= MAX_TIMER_MS)) {
    return Promise.reject(invalidOption("ScriptedChatModel", "script reply delayMs", delayMs, `a number of milliseconds from 0 to ${MAX_TIMER_MS}`));
  }
  if (!hang && !(delayMs !== undefined && delayMs > 0)) return Promise.resolve();
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = hang ? undefined : setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, reply.delayMs);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function toolName(tool: BindToolsInput): string {
  const t = tool as { name?: string; function?: { name?: string } };
  return t.function?.name ?? t.name ?? "tool";
}
