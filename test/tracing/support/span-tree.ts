import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { outline } from "./outline.js";

/** Spans of one trace as an indented outline: `name [KIND]`, children in start order (see {@link outline}). */
export function renderSpanTree(spans: readonly ReadableSpan[], filter: (s: ReadableSpan) => boolean = () => true): string {
  return outline(spans, filter);
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
