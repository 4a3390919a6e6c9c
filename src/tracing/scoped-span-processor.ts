import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";

/**
 * Passes to `inner` only the spans `accepts` admits, from start to end, so one backend
 * never sees (nor stamps attributes on) another backend's spans.
 */
export class ScopedSpanProcessor implements SpanProcessor {
  constructor(
    private readonly inner: SpanProcessor,
    private readonly accepts: (span: ReadableSpan) => boolean,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    if (this.accepts(span)) this.inner.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    if (this.inner.onEnding !== undefined && this.accepts(span)) this.inner.onEnding(span);
  }

  onEnd(span: ReadableSpan): void {
    if (this.accepts(span)) this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
