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

/** Prefix of the graph-level keys that {@link topologyMetadata} puts on a run's metadata. */
const TOPOLOGY_PREFIX = `${FIREBREAK_PREFIX}topology.`;

/**
 * Makes firebreak decisions filterable in any OTel backend. OpenInference records a run's
 * metadata as one JSON string (`metadata`) and a model's answer as one JSON string
 * (`output.value`); this lifts their `firebreak.*` keys into span attributes of their own
 * (from the metadata of every run, and from the `response_metadata` of a model's answer,
 * where the semantic breaker reports failovers and rejections), and stamps the configured
 * session, user and tags, just before the span ends (so every exporter downstream sees them).
 *
 * Run metadata is inherited by every child run: `firebreak.topology.*` keys are lifted only
 * onto the graph's own span (the run without `langgraph_node` metadata), not onto each node.
 */
export class FirebreakSpanProcessor implements SpanProcessor {
  constructor(private readonly identity: TraceIdentity) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    try {
      if (!span.instrumentationScope.name.startsWith(OPENINFERENCE_SCOPE_PREFIX)) return;
      liftFirebreakMetadata(span);
      if (span.attributes["openinference.span.kind"] === "LLM") liftResponseMetadata(span);
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
  const inNode = "langgraph_node" in parsed;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!key.startsWith(FIREBREAK_PREFIX) || (inNode && key.startsWith(TOPOLOGY_PREFIX))) continue;
    setFirebreakAttribute(span, key, value);
  }
}

/** Lifts `firebreak.*` keys of the `response_metadata` of each message a model span returned. */
function liftResponseMetadata(span: Span): void {
  const output = span.attributes["output.value"];
  if (typeof output !== "string" || !output.includes(`"${FIREBREAK_PREFIX}`)) return;
  const parsed = JSON.parse(output) as { generations?: unknown };
  if (!Array.isArray(parsed?.generations)) return;
  for (const generation of parsed.generations.flat()) {
    const message = (generation as { message?: { kwargs?: { response_metadata?: unknown }; response_metadata?: unknown } } | null)?.message;
    const metadata = message?.kwargs?.response_metadata ?? message?.response_metadata;
    if (typeof metadata !== "object" || metadata === null) continue;
    for (const [key, value] of Object.entries(metadata as Record<string, unknown>)) {
      if (key.startsWith(FIREBREAK_PREFIX)) setFirebreakAttribute(span, key, value);
    }
  }
}

function setFirebreakAttribute(span: Span, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (isAttributeValue(value)) span.setAttribute(key, value);
  else span.setAttribute(key, JSON.stringify(value));
}

function isAttributeValue(value: unknown): value is string | number | boolean | string[] | number[] | boolean[] {
  const t = typeof value;
  if (t === "string" || t === "number" || t === "boolean") return true;
  if (!Array.isArray(value) || value.length === 0) return Array.isArray(value);
  const first = typeof value[0];
  return (first === "string" || first === "number" || first === "boolean") && value.every((v) => typeof v === first);
}
