import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";

/**
 * SCRIPTED chat model for tracing tests: it answers with fixed text and stands in for a
 * model's judgement only, so the tests run offline. Its run name is "scripted-model".
 */
export class ScriptedTraceModel extends BaseChatModel {
  static override lc_name() {
    return "ScriptedTraceModel";
  }

  calls = 0;

  constructor(private readonly reply: string) {
    super({});
  }

  _llmType(): string {
    return "scripted";
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.calls++;
    const text = `[scripted] ${this.reply}`;
    const message = new AIMessage({
      content: text,
      usage_metadata: { input_tokens: messages.length, output_tokens: 1, total_tokens: messages.length + 1 },
      response_metadata: { model_name: "scripted-model" },
    });
    return { generations: [{ text, message }] };
  }
}
