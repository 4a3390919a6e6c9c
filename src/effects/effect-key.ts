/**
 * Idempotency keys: one per effect, the same for the same call across retries of a node and
 * restarts of the process, different for another attempt, another handoff or another thread.
 */
import { createHash } from "node:crypto";
import type { RunnableConfig } from "@langchain/core/runnables";

/** The thread of a config, when it has one. */
export function threadOf(config: RunnableConfig | undefined): string | undefined {
  const id = config?.configurable?.["thread_id"];
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}

/**
 * The guarded handoff a producer's config belongs to: its checkpoint namespace without the
 * guard's own node (`researcher:<task>|produce:<task>` → `researcher:<task>`). LangGraph derives
 * task ids from the checkpoint, so the scope is the same when a killed run resumes.
 */
export function handoffScope(config: RunnableConfig | undefined): string {
  const ns = String(config?.configurable?.["checkpoint_ns"] ?? "");
  return ns.split("|").filter(Boolean).slice(0, -1).join("|");
}

/** The key of an effect made in a guarded attempt: readable head, hashed thread and handoff. */
export function guardedKey(parts: { threadId?: string; scope: string; guard: string; attempt: number; toolCallId: string }): string {
  const where = createHash("sha256").update(`${parts.threadId ?? ""}\n${parts.scope}`).digest("hex").slice(0, 16);
  return `${parts.guard}:${parts.attempt}:${parts.toolCallId}@${where}`;
}

/** The key of an effect made outside a guard: the thread and the tool call when known, else unique. */
export function unguardedKey(threadId: string | undefined, toolCallId: string | undefined): string {
  return toolCallId === undefined ? `unguarded:${globalThis.crypto.randomUUID()}` : `${threadId ?? "no-thread"}:${toolCallId}`;
}
