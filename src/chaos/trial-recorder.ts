/**
 * Internal: a callback handler that records what one trial spent and what the guards did:
 * tokens (from usage metadata, or estimated at 4 characters a token when a model reports
 * none, e.g. scripted models), and the `GuardRecord` of every guarded handoff (the final
 * `firebreak/bicr` event of each).
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import type { Serialized } from "@langchain/core/load/serializable";

/** The parts of a guard's record the campaign reads. */
export interface GuardRecordLike {
  readonly guard: string;
  readonly blocked: number;
  readonly outcome: string;
  readonly blockedTaints: readonly string[];
}

/** Records one trial. */
export class TrialRecorder extends BaseCallbackHandler {
  name = "firebreak-chaos-trial";
  override awaitHandlers = true;
  /** Tokens spent (reported plus estimated). */
  tokens = 0;
  /** Whether any count was estimated from text length. */
  estimated = false;
  /** Model calls seen. */
  modelCalls = 0;
  /** Guard records, in commit order. */
  readonly guardRecords: GuardRecordLike[] = [];
  private readonly llmRuns = new Map<string, number>();

  override handleChatModelStart(
    _llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
  ): void {
    // A model wrapped in another model (breaker, fault wrapper) is counted once: at the outer run.
    if (parentRunId !== undefined && this.llmRuns.has(parentRunId)) {
      this.llmRuns.set(runId, -1);
      return;
    }
    let chars = 0;
    for (const list of messages) for (const m of list) chars += textLength(m.content);
    this.llmRuns.set(runId, chars);
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const promptChars = this.llmRuns.get(runId);
    if (promptChars === -1) return;
    this.modelCalls++;
    let reported = 0;
    let outputChars = 0;
    for (const gens of output.generations) {
      for (const g of gens) {
        const usage = (g as { message?: { usage_metadata?: { total_tokens?: number } } }).message?.usage_metadata;
        if (usage?.total_tokens) reported += usage.total_tokens;
        outputChars += g.text?.length ?? 0;
        const calls = (g as { message?: { tool_calls?: unknown[] } }).message?.tool_calls;
        if (calls?.length) outputChars += JSON.stringify(calls).length;
      }
    }
    const llmUsage = (output.llmOutput as { tokenUsage?: { totalTokens?: number } } | undefined)?.tokenUsage?.totalTokens;
    if (reported === 0 && llmUsage) reported = llmUsage;
    if (reported > 0) this.tokens += reported;
    else {
      this.tokens += Math.ceil(((promptChars ?? 0) + outputChars) / 4);
      this.estimated = true;
    }
  }

  override handleCustomEvent(eventName: string, data: unknown): void {
    if (eventName !== "firebreak/bicr") return;
    const record = (data as { record?: unknown } | undefined)?.record;
    if (typeof record === "object" && record !== null && (record as { kind?: unknown }).kind === "firebreak/guard-record") {
      this.guardRecords.push(record as GuardRecordLike);
    }
  }
}

function textLength(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (Array.isArray(content)) {
    let n = 0;
    for (const part of content) n += typeof part === "string" ? part.length : typeof part?.text === "string" ? part.text.length : 0;
    return n;
  }
  return 0;
}
