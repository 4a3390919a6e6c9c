/**
 * Small helpers for the second attack suite on docs/effects.md (on top of ../attacks/harness.ts):
 * tool call objects, a release gate, and a reader of the guard's effect events.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { GuardRecord } from "langgraph-firebreak/nodes";

/** A model-style tool call object (what `ToolNode` hands a tool). */
export const call = (name: string, args: Record<string, unknown>, id: string | undefined) => ({ name, args, id, type: "tool_call" as const });

/** A promise released by hand: an event to wait on instead of a sleep. */
export function gate<T = void>(): { promise: Promise<T>; release: (value: T) => void } {
  let release!: (value: T) => void;
  const promise = new Promise<T>((resolve) => { release = resolve; });
  return { promise, release };
}

/** `<attempt>:<toolCallId>:<status>:<input>` of every effect of the first guard record. */
export const ids = (records: readonly GuardRecord[] | undefined) =>
  (records?.[0]?.effects ?? []).map((e) => `${e.attempt}:${e.toolCallId}:${e.status}:${JSON.stringify(e.input)}`);

/** Every effect entry of the first guard record. */
export const entries = (records: readonly GuardRecord[] | undefined) => records?.[0]?.effects ?? [];

/** Records each effect stage event: key → statuses in order. */
export function effectEvents(guard: { onStage: (l: (e: Record<string, unknown>) => void) => unknown }) {
  const byKey = new Map<string, string[]>();
  const toolCallIds = new Map<string, string>();
  guard.onStage((e) => {
    if (e["stage"] !== "effect") return;
    const key = String(e["key"]);
    byKey.set(key, [...(byKey.get(key) ?? []), String(e["effect"])]);
    toolCallIds.set(key, String(e["toolCallId"]));
  });
  return { byKey, toolCallIds };
}

/** The producer's config type, re-exported for brevity. */
export type Config = RunnableConfig;
