import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

/** Spans of one trace as an indented outline: `name [KIND]`, children in start order. */
export function renderSpanTree(spans: readonly ReadableSpan[], filter: (s: ReadableSpan) => boolean = () => true): string {
  const kept = spans.filter(filter);
  const ids = new Set(kept.map((s) => s.spanContext().spanId));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of kept) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent !== undefined && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort(
      (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
    );
    for (const span of list) {
      const kind = span.attributes["openinference.span.kind"];
      lines.push(`${"  ".repeat(depth)}${span.name}${kind ? ` [${String(kind)}]` : ""}`);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}

/** Names from the root down to `span`. */
export function ancestry(spans: readonly ReadableSpan[], span: ReadableSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const path = [span.name];
  let parent = span.parentSpanContext?.spanId;
  while (parent !== undefined && byId.has(parent)) {
    const next = byId.get(parent)!;
    path.unshift(next.name);
    parent = next.parentSpanContext?.spanId;
  }
  return path;
}

/** The one span named `name`; throws when there are none or several. */
export function only(spans: readonly ReadableSpan[], name: string, where: (s: ReadableSpan) => boolean = () => true): ReadableSpan {
  const found = spans.filter((s) => s.name === name && where(s));
  if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}: ${spans.map((s) => s.name).join(", ")}`);
  return found[0]!;
}
