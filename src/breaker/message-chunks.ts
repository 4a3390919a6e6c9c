/**
 * Message plumbing for the wrapper: every answer leaves as an `AIMessageChunk` (LangChain's
 * structured-output parsers reject a plain `AIMessage`), and token usage can be moved off a
 * message and back, so that only the provider's own run reports it to callbacks.
 */
import { AIMessageChunk, type AIMessage, type BaseMessage, type UsageMetadata } from "@langchain/core/messages";

type AnyAI = AIMessage | AIMessageChunk;

/** Copies `message` as an `AIMessageChunk`, optionally replacing usage and adding response metadata. */
export function toAIMessageChunk(
  message: BaseMessage,
  patch: { readonly usage?: UsageMetadata | null; readonly responseMetadata?: Record<string, unknown> } = {},
): AIMessageChunk {
  const m = message as AnyAI;
  const chunks = (m as AIMessageChunk).tool_call_chunks;
  const toolCallChunks =
    Array.isArray(chunks) && chunks.length > 0
      ? chunks
      : [
          ...(m.tool_calls ?? []).map((call, index) => ({
            type: "tool_call_chunk" as const,
            name: call.name,
            args: JSON.stringify(call.args ?? {}),
            ...(call.id !== undefined ? { id: call.id } : {}),
            index,
          })),
          ...(m.invalid_tool_calls ?? []).map((call, i) => ({
            type: "tool_call_chunk" as const,
            ...(call.name !== undefined ? { name: call.name } : {}),
            ...(call.args !== undefined ? { args: call.args } : {}),
            ...(call.id !== undefined ? { id: call.id } : {}),
            index: (m.tool_calls?.length ?? 0) + i,
          })),
        ];
  const usage = patch.usage === undefined ? m.usage_metadata : (patch.usage ?? undefined);
  return new AIMessageChunk({
    content: m.content,
    ...(m.id !== undefined ? { id: m.id } : {}),
    ...(m.name !== undefined ? { name: m.name } : {}),
    additional_kwargs: m.additional_kwargs ?? {},
    response_metadata: patch.responseMetadata
      ? { ...(m.response_metadata ?? {}), ...patch.responseMetadata }
      : (m.response_metadata ?? {}),
    tool_call_chunks: toolCallChunks,
    ...(usage !== undefined ? { usage_metadata: usage } : {}),
  });
}

/** Sums two usage records (either may be missing). */
export function addUsage(a: UsageMetadata | undefined, b: UsageMetadata | undefined): UsageMetadata | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

/** Concatenates streamed chunks into one message (an empty chunk when there were none). */
export function concatChunks(chunks: readonly AIMessageChunk[]): AIMessageChunk {
  if (chunks.length === 0) return new AIMessageChunk({ content: "" });
  let out = chunks[0]!;
  for (let i = 1; i < chunks.length; i++) out = out.concat(chunks[i]!);
  return out;
}
