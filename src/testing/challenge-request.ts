/**
 * Reads what the challenger sent its model: the original intent, the claims under review and
 * the evidence, each parsed back from its delimited JSON block. For scripted judges in tests
 * and offline examples, so none of them parses the prompt by hand.
 */
import type { BaseMessage } from "@langchain/core/messages";
import { CHALLENGER_TAGS } from "../../nodes/challenger/challenger-prompt.js";
import type { ClaimUnderReview, EvidenceItem } from "../../nodes/challenger/types.js";
import { InvalidOptionsError } from "../internal/options-schema.js";

/** The challenger's request, as its model received it. */
export interface ReadChallengeRequest {
  /** The original intent (the user's task). */
  readonly intent: unknown;
  /** The claims under review, in the order given. */
  readonly claims: readonly ClaimUnderReview[];
  /** The evidence the challenger fetched, when it fetched any (absent in the evidence phase). */
  readonly evidence?: readonly EvidenceItem[];
}

/**
 * Parses the challenger's prompt (the last message of `messages`) back into its data.
 * Throws `INVALID_OPTIONS` when the messages are not a challenger prompt, naming the missing block.
 *
 * @example
 * ```ts
 * const judge = new ScriptedChatModel({
 *   script: ({ messages }) => {
 *     const { claims } = readChallengeRequest(messages);
 *     return { structured: { verdicts: claims.map((c) => ({ claim_id: c.id, verdict: "yellow", reasons: ["unchecked"] })) } };
 *   },
 * });
 * ```
 */
export function readChallengeRequest(messages: readonly BaseMessage[]): ReadChallengeRequest {
  const last = messages.at(-1);
  const text = typeof last?.content === "string" ? last.content : "";
  const intent = block(text, CHALLENGER_TAGS.intent);
  const claims = block(text, CHALLENGER_TAGS.claims);
  if (intent === undefined || claims === undefined || !Array.isArray(claims.value)) {
    throw new InvalidOptionsError("readChallengeRequest", [{ option: "messages", received: "a last message without the challenger's blocks", allowed: "the messages a challenger sent its model" }], {
      message: `readChallengeRequest: the last message is not a challenger prompt (no <${CHALLENGER_TAGS.claims}> block); pass the messages your scripted judge received.`,
    });
  }
  const evidence = block(text, CHALLENGER_TAGS.evidence);
  return {
    intent: intent.value,
    claims: claims.value as ClaimUnderReview[],
    ...(evidence !== undefined && Array.isArray(evidence.value) ? { evidence: evidence.value as EvidenceItem[] } : {}),
  };
}

/** The JSON inside `<tag>\n…\n</tag>`. The encoder escapes `<`, so the first closing tag is the real one. */
function block(text: string, tag: string): { value: unknown } | undefined {
  const open = `<${tag}>\n`;
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const end = text.indexOf(`\n</${tag}>`, start + open.length);
  if (end < 0) return undefined;
  try {
    return { value: JSON.parse(text.slice(start + open.length, end)) };
  } catch {
    return undefined;
  }
}
