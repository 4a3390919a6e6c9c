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
  // A streamed message keeps its tool-call chunks; a whole message keeps its parsed tool
  // calls and its invalid ones (re-chunking would let partial-JSON parsing "repair" them).
  const fromChunks = Array.isArray(chunks) && chunks.length > 0;
  const usage = patch.usage === undefined ? m.usage_metadata : (patch.usage ?? undefined);
  const out = new AIMessageChunk({
    content: m.content,
    ...(m.id !== undefined ? { id: m.id } : {}),
    ...(m.name !== undefined ? { name: m.name } : {}),
    additional_kwargs: m.additional_kwargs ?? {},
    response_metadata: patch.responseMetadata
      ? { ...(m.response_metadata ?? {}), ...patch.responseMetadata }
      : (m.response_metadata ?? {}),
    ...(fromChunks ? { tool_call_chunks: chunks } : { tool_calls: m.tool_calls ?? [] }),
    ...(usage !== undefined ? { usage_metadata: usage } : {}),
  });
  if (!fromChunks && (m.invalid_tool_calls?.length ?? 0) > 0) {
    out.invalid_tool_calls = m.invalid_tool_calls!;
    (out.lc_kwargs as Record<string, unknown>).invalid_tool_calls = m.invalid_tool_calls;
  }
  return out;
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
