/**
 * Reading an answer: its text, the JSON inside it, its tool calls. Shared by the
 * ready-made checks and handy for custom ones.
 */
import type { BreakerAnswer } from "./types.js";

/** The answer's text: string content as is, or the text blocks of array content joined. */
export function answerText(answer: BreakerAnswer): string {
  const content = answer.content as unknown;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let out = "";
  for (const block of content) {
    if (typeof block === "string") out += block;
    else if (block && typeof block === "object" && typeof (block as { text?: unknown }).text === "string") {
      out += (block as { text: string }).text;
    }
  }
  return out;
}

/** Result of reading JSON out of an answer. */
export type JsonReading = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

const FENCE = /^\s*```(?:json|JSON)?\s*\n?([\s\S]*?)\n?\s*```\s*$/;

/**
 * The JSON value of an answer: a provider-parsed value (`additional_kwargs.parsed`, set by
 * ChatOpenAI's native structured output) when present, else the text parsed as JSON
 * (a single surrounding Markdown code fence is tolerated).
 */
export function answerJson(answer: BreakerAnswer): JsonReading {
  // Several checks read the same answer's JSON: parse it once.
  let reading = jsonCache.get(answer);
  if (!reading) {
    reading = readJson(answer);
    jsonCache.set(answer, reading);
  }
  return reading;
}

const jsonCache = new WeakMap<object, JsonReading>();

function readJson(answer: BreakerAnswer): JsonReading {
  const kwargs = answer.additional_kwargs as Record<string, unknown> | undefined;
  if (kwargs && "parsed" in kwargs && kwargs.parsed != null) return { ok: true, value: kwargs.parsed };
  const text = answerText(answer);
  const fenced = FENCE.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  if (body === "") return { ok: false, error: "the answer is empty, not JSON" };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (e) {
    return { ok: false, error: `the answer is not valid JSON (${(e as Error).message})` };
  }
}

/** The answer's tool calls (parsed ones; malformed ones are in `invalid_tool_calls`). */
export function answerToolCalls(answer: BreakerAnswer): ReadonlyArray<{ name: string; args: Record<string, unknown>; id?: string }> {
  return (answer.tool_calls ?? []) as ReadonlyArray<{ name: string; args: Record<string, unknown>; id?: string }>;
}
