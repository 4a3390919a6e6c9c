/** A zero-latency in-process chat model whose answers a test scripts (for pure circuit logic). */
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";

/** What the scripted model does on call `n` (0-based): answer text, throw, or wait for an abort. */
export type Scripted = string | Error | "hang";

export class ScriptedChatModel extends BaseChatModel {
  calls = 0;
  constructor(private readonly script: (n: number) => Scripted) {
    super({});
  }
  _llmType(): string {
    return "scripted";
  }
  async _generate(_messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const step = this.script(this.calls++);
    if (step instanceof Error) throw step;
    if (step === "hang") {
      await new Promise((_, reject) => options.signal?.addEventListener("abort", () => reject(options.signal!.reason), { once: true }));
    }
    const text = String(step);
    return { generations: [{ text, message: new AIMessage(text) }] };
  }
}

/** An error shaped like the openai SDK's HTTP errors. */
export function httpError(status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`${status} scripted`), { status, headers: new Headers(headers) });
}
