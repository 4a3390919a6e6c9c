import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

/**
 * An indented outline of the spans `keep` admits, each under its nearest kept ancestor
 * (LangChain's plumbing — RunnableMap, RunnableLambda, … — is skipped, not its children),
 * as `name [KIND] label`, children in start order.
 */
export function outline(
  spans: readonly ReadableSpan[],
  keep: (span: ReadableSpan) => boolean,
  label: (span: ReadableSpan) => string = () => "",
): string {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const keptParent = (span: ReadableSpan): string | undefined => {
    let id = span.parentSpanContext?.spanId;
    while (id !== undefined) {
      const parent = byId.get(id);
      if (parent === undefined) return undefined;
      if (keep(parent)) return id;
      id = parent.parentSpanContext?.spanId;
    }
    return undefined;
  };
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans.filter(keep)) {
    const parent = keptParent(span);
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort(
      (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
    );
    for (const span of list) {
      const kind = span.attributes["openinference.span.kind"];
      const text = label(span);
      lines.push(`${"  ".repeat(depth)}${span.name}${kind ? ` [${String(kind)}]` : ""}${text ? ` ${text}` : ""}`);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}
