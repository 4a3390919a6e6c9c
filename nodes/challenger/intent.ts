/**
 * Where the original intent lives in a graph's state: a state key, or a function of the state.
 * By default the `intent` channel, then `task`. The conversation is never read unless asked
 * for by name: `"messages"` (or any key holding a message list) gives its first human message.
 */
export type IntentSelector = string | ((state: Record<string, unknown>) => unknown);

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value.length > 0 ? value : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  // The claims channel's intent: { text, constraints } — constraints are part of the intent.
  if (typeof record["text"] === "string" && Array.isArray(record["constraints"]) && record["constraints"].length > 0) {
    return `${record["text"]}\nConstraints:\n${(record["constraints"] as unknown[]).map((c) => `- ${String(c)}`).join("\n")}`;
  }
  for (const key of ["text", "intent", "task", "content"]) {
    if (typeof record[key] === "string" && (record[key] as string).length > 0) return record[key] as string;
  }
  return undefined;
}

function firstHumanMessage(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (const m of messages) {
    const type = typeof m?.getType === "function" ? m.getType() : (m?.type ?? m?.role);
    if (type === "human" || type === "user") {
      const content = m.content;
      if (typeof content === "string") return content;
      if (Array.isArray(content)) return content.map((p: { text?: unknown }) => (typeof p?.text === "string" ? p.text : "")).join("");
    }
  }
  return undefined;
}

/**
 * Reads the original intent out of a state, as text. Returns `""` when there is none (the
 * challenger then judges on evidence alone).
 */
export function readIntent(state: Record<string, unknown>, selector: IntentSelector | undefined): string {
  if (typeof selector === "function") return asText(selector(state)) ?? "";
  if (typeof selector === "string") return (Array.isArray(state[selector]) ? firstHumanMessage(state[selector]) : asText(state[selector])) ?? "";
  return asText(state["intent"]) ?? asText(state["task"]) ?? "";
}
