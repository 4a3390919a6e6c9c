import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { FIREBREAK_PREFIX } from "../internal/events.js";

/** Instrumentation scope prefix of the OpenInference LangChain tracer's spans. */
export const OPENINFERENCE_SCOPE_PREFIX = "@arizeai/openinference";

/** Session, user and tags stamped on every OpenInference span. */
export interface TraceIdentity {
  readonly sessionId: string | undefined;
  readonly userId: string | undefined;
  readonly tags: readonly string[];
}

/**
 * Makes firebreak decisions filterable in any OTel backend. OpenInference records a run's
 * metadata as one JSON string (`metadata`); this lifts its `firebreak.*` keys into span
 * attributes of their own, and stamps the configured session, user and tags, just before
 * the span ends (so every exporter downstream sees them).
 */
export class FirebreakSpanProcessor implements SpanProcessor {
  constructor(private readonly identity: TraceIdentity) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    try {
      if (!span.instrumentationScope.name.startsWith(OPENINFERENCE_SCOPE_PREFIX)) return;
      liftFirebreakMetadata(span);
      const { sessionId, userId, tags } = this.identity;
      if (sessionId !== undefined) span.setAttribute("session.id", sessionId);
      if (userId !== undefined) span.setAttribute("user.id", userId);
      if (tags.length > 0) span.setAttribute("tag.tags", [...tags]);
    } catch {
      // A malformed metadata string must not cost the span.
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function liftFirebreakMetadata(span: Span): void {
  const metadata = span.attributes["metadata"];
  // Cheap pre-check: most spans carry no firebreak keys and are never parsed.
  if (typeof metadata !== "string" || !metadata.includes(`"${FIREBREAK_PREFIX}`)) return;
  const parsed: unknown = JSON.parse(metadata);
  if (typeof parsed !== "object" || parsed === null) return;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!key.startsWith(FIREBREAK_PREFIX)) continue;
    if (isAttributeValue(value)) span.setAttribute(key, value);
    else span.setAttribute(key, JSON.stringify(value));
  }
}

function isAttributeValue(value: unknown): value is string | number | boolean | string[] | number[] | boolean[] {
  const t = typeof value;
  if (t === "string" || t === "number" || t === "boolean") return true;
  if (!Array.isArray(value) || value.length === 0) return Array.isArray(value);
  const first = typeof value[0];
  return (first === "string" || first === "number" || first === "boolean") && value.every((v) => typeof v === first);
}
