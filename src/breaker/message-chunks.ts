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
  const responseMetadata = patch.responseMetadata
    ? { ...(m.response_metadata ?? {}), ...patch.responseMetadata }
    : (m.response_metadata ?? {});
  if (!fromChunks) return wholeChunk(m, responseMetadata, usage);
  return new AIMessageChunk({
    content: m.content,
    ...(m.id !== undefined ? { id: m.id } : {}),
    ...(m.name !== undefined ? { name: m.name } : {}),
    additional_kwargs: m.additional_kwargs ?? {},
    response_metadata: responseMetadata,
    tool_call_chunks: chunks,
    ...(usage !== undefined ? { usage_metadata: usage } : {}),
  });
}

/**
 * The `AIMessageChunk` that `new AIMessageChunk({ content, id?, name?, additional_kwargs,
 * response_metadata, tool_calls, usage_metadata? })` builds — same fields, same `lc_kwargs`
 * (same keys in the same order, same references), so it serialises identically — built
 * from the constructor's string form and filled in. Why: on Node 20 the object form of
 * that constructor costs 10–20 µs a message (the string form well under 1 µs), more than
 * the rest of the wrapper together; this runs once per guarded call.
 */
function wholeChunk(m: AnyAI, responseMetadata: Record<string, unknown>, usage: UsageMetadata | undefined): AIMessageChunk {
  const out = new AIMessageChunk(m.content as string);
  const additional = m.additional_kwargs ?? {};
  const toolCalls = m.tool_calls ?? [];
  const invalid = (m.invalid_tool_calls?.length ?? 0) > 0 ? m.invalid_tool_calls! : [];
  const toolCallChunks: NonNullable<AIMessageChunk["tool_call_chunks"]> = [];
  const kwargs: Record<string, unknown> = { content: m.content };
  if (m.id !== undefined) kwargs.id = m.id;
  if (m.name !== undefined) kwargs.name = m.name;
  kwargs.additional_kwargs = additional;
  kwargs.response_metadata = responseMetadata;
  kwargs.tool_calls = toolCalls;
  if (usage !== undefined) kwargs.usage_metadata = usage;
  kwargs.invalid_tool_calls = invalid;
  kwargs.tool_call_chunks = toolCallChunks;
  if (usage === undefined) kwargs.usage_metadata = undefined;
  (out as { lc_kwargs: Record<string, unknown> }).lc_kwargs = kwargs;
  out.id = m.id;
  out.name = m.name;
  out.additional_kwargs = additional;
  out.response_metadata = responseMetadata;
  out.tool_calls = toolCalls;
  out.invalid_tool_calls = invalid;
  out.tool_call_chunks = toolCallChunks;
  out.usage_metadata = usage;
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
