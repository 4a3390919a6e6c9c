/**
 * Provider outages on demand: `withProviderFaults(model)` is a chat model that answers
 * through `model` except when a fault is due, and then throws an error shaped like the
 * `openai` SDK's (`status`, `name`, `headers`, `error`) — the shape the semantic breaker and
 * LangChain classify by. Faults are due when `injectFaults` armed a `provider-error` for the
 * node being run, or at a seeded per-call rate.
 */
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { InvalidOptionsError } from "../internal/options-schema.js";
import { chaosRng, currentChaosRun } from "./chaos-run.js";
import type { ProviderErrorKind } from "./fault-plan.js";
import { invalidOption, parseOptions } from "../internal/options-schema.js";
import { isChatModel } from "../breaker/options-schema.js";
import { ProviderFaultsOptionsSchema } from "./chaos-options.js";

/**
 * An error that imitates a provider failure. Deliberately **not** a `FirebreakError`: code
 * under test (breakers, fallbacks, retry policies) must treat it exactly like the real
 * `openai` error of the same `status` and `name`. `chaos: true` tells it apart in reports.
 */
export class ProviderFaultError extends Error {
  /** HTTP status (absent for a timeout, like the SDK's `APIConnectionTimeoutError`). */
  readonly status: number | undefined;
  /** Response headers, as the SDK exposes them. */
  readonly headers: Record<string, string>;
  /** The provider's error body. */
  readonly error: { message: string; type: string; code: string | null };
  /** LangChain's error code for rate limits, as `ChatOpenAI` sets it. */
  readonly lc_error_code: string | undefined;
  /** Marks the error as injected. */
  readonly chaos = true;
  /** Which failure this imitates. */
  readonly kind: ProviderErrorKind;

  constructor(kind: ProviderErrorKind, where: string) {
    const spec = SPECS[kind];
    super(`${spec.message} (injected by firebreak chaos at ${where})`);
    this.name = spec.name;
    this.kind = kind;
    this.status = spec.status;
    this.headers = kind === "429" ? { "retry-after": "1" } : {};
    this.error = { message: spec.message, type: spec.type, code: spec.code };
    this.lc_error_code = kind === "429" ? "MODEL_RATE_LIMIT" : undefined;
  }
}

const SPECS: Record<ProviderErrorKind, { name: string; status: number | undefined; message: string; type: string; code: string | null }> = {
  "429": { name: "RateLimitError", status: 429, message: "429 Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" },
  "500": { name: "InternalServerError", status: 500, message: "500 The server had an error while processing your request", type: "server_error", code: null },
  "502": { name: "InternalServerError", status: 502, message: "502 Bad gateway", type: "server_error", code: null },
  "503": { name: "InternalServerError", status: 503, message: "503 The engine is currently overloaded", type: "server_error", code: null },
  timeout: { name: "APIConnectionTimeoutError", status: undefined, message: "Request timed out.", type: "timeout", code: null },
};

/** Builds the provider-shaped error for `kind`; `where` names the node or model for the message. */
export function providerError(kind: ProviderErrorKind, where = "a model call"): ProviderFaultError {
  // From JS or a cast an unknown kind would otherwise fail inside the constructor as a bare TypeError.
  if (typeof kind !== "string" || !Object.hasOwn(SPECS, kind)) {
    throw invalidOption("providerError", "kind", kind, Object.keys(SPECS).map((k) => `"${k}"`).join(", "));
  }
  return new ProviderFaultError(kind, where);
}

/** Options of {@link withProviderFaults}. */
export interface ProviderFaultsOptions {
  /**
   * Fail this fraction of calls by itself (seeded through the chaos run), on top of faults armed
   * by `injectFaults`. @default 0
   */
  rate?: number;
  /** Which error the `rate` faults throw. @default "503" */
  error?: ProviderErrorKind;
  /** A name for reports and the random stream. @default the inner model's `_llmType()` */
  label?: string;
}

/**
 * Wraps a chat model so that provider errors can be injected into it. Calls pass through
 * unchanged unless a fault is due; the wrapper keeps `bindTools` (rebinding the inner model)
 * and returns `AIMessageChunk`s, so `withStructuredOutput` and breakers around it work.
 *
 * @example
 * ```ts
 * const model = withSemanticBreaker(withProviderFaults(new ChatOpenAI()), { fallbacks: [backup] });
 * const faulty = injectFaults(builder, { targets: "researcher", fault: { kind: "provider-error", error: "429" } });
 * ```
 */
export function withProviderFaults(model: BaseChatModel, options: ProviderFaultsOptions = {}): ProviderFaultChatModel {
  if (!isChatModel(model)) throw invalidOption("withProviderFaults", "model", model, "a LangChain chat model (an object with invoke() and _generate())");
  options = parseOptions(ProviderFaultsOptionsSchema, options, "withProviderFaults");
  const rate = options.rate ?? 0;
  return new ProviderFaultChatModel({
    inner: model,
    rate,
    error: options.error ?? "503",
    label: options.label ?? model._llmType(),
  });
}

interface ProviderFaultFields extends BaseChatModelParams {
  inner: BaseChatModel;
  rate: number;
  error: ProviderErrorKind;
  label: string;
}

/** The chat model returned by {@link withProviderFaults}. */
export class ProviderFaultChatModel extends BaseChatModel {
  static override lc_name() {
    return "ProviderFaultChatModel";
  }

  /** The wrapped model. */
  readonly inner: BaseChatModel;
  private readonly fields: ProviderFaultFields;

  constructor(fields: ProviderFaultFields) {
    super({});
    this.fields = fields;
    this.inner = fields.inner;
  }

  _llmType(): string {
    // Called by the base constructor, before `inner` is set.
    return this.inner === undefined ? "chaos-provider-faults" : `chaos(${this.inner._llmType()})`;
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<BaseChatModelCallOptions>): ProviderFaultChatModel {
    const bind = (this.inner as { bindTools?: BaseChatModel["bindTools"] }).bindTools;
    if (typeof bind !== "function") {
      throw new InvalidOptionsError("withProviderFaults", [{ option: "model", received: `"${this.fields.label}" (no bindTools)`, allowed: "a chat model with bindTools" }], {
        message: `withProviderFaults: the wrapped model "${this.fields.label}" does not support bindTools; wrap a tool-capable chat model.`,
      });
    }
    const bound = bind.call(this.inner, tools, kwargs) as unknown as BaseChatModel;
    return new ProviderFaultChatModel({ ...this.fields, inner: bound });
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    _runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    this.maybeThrow();
    // The inner call has no callbacks of its own: the outer run reports the answer (and its
    // usage) once, so traces and token counts are not doubled.
    const reply: AIMessage = await this.inner.invoke(messages, {
      ...(options.signal ? { signal: options.signal } : {}),
      tags: ["langsmith:nostream"],
    });
    const chunk =
      reply instanceof AIMessageChunk
        ? reply
        : new AIMessageChunk({
            content: reply.content,
            tool_calls: reply.tool_calls ?? [],
            ...(reply.usage_metadata ? { usage_metadata: reply.usage_metadata } : {}),
            response_metadata: reply.response_metadata,
            additional_kwargs: reply.additional_kwargs,
            ...(reply.id ? { id: reply.id } : {}),
          });
    const text = typeof chunk.content === "string" ? chunk.content : "";
    return { generations: [{ text, message: chunk }] };
  }

  private maybeThrow(): void {
    const run = currentChaosRun();
    const armed = run?.armed;
    if (armed !== undefined && (armed.every || armed.thrown === 0)) {
      armed.thrown++;
      throw armed.error();
    }
    if (this.fields.rate > 0 && chaosRng("provider", this.fields.label).chance(this.fields.rate)) {
      throw providerError(this.fields.error, `model "${this.fields.label}"`);
    }
  }
}
