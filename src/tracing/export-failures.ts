import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { TracingError } from "./tracing-error.js";

/** A backend spans are exported to, as named in failure reports. */
export type TracingBackend = "otlp" | "langfuse" | "in-memory" | "custom";

/** Reports the first export failure of each backend, once; later ones are dropped. */
export class FailureReporter {
  private readonly reported = new Set<TracingBackend>();

  constructor(private readonly onError: (error: TracingError) => void) {}

  /** Reports `cause` for `backend` unless that backend already reported a failure. */
  report(backend: TracingBackend, target: string, cause: unknown): void {
    if (this.reported.has(backend)) return;
    this.reported.add(backend);
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new TracingError(
      `Tracing: export to ${backend} (${target}) failed: ${reason || "unknown error"}. ` +
        "Spans of this run may be lost; the application keeps running. Check that the collector is up and the endpoint and keys are right. " +
        "Further failures of this backend are not reported.",
      { cause, backend },
    );
    try {
      this.onError(error);
    } catch {
      // A throwing onError must not turn a lost trace into a crash.
    }
  }
}

/**
 * Wraps an exporter so failed background exports are reported (the SDK's batch processor
 * would otherwise hand them to the global OTel error handler, usually silent).
 */
export function reportingExporter(
  inner: SpanExporter,
  onFailure: (error: unknown) => void,
): SpanExporter {
  return {
    export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
      inner.export(spans, (result) => {
        // ExportResultCode.SUCCESS is 0.
        if (result.code !== 0) onFailure(result.error ?? new Error("export failed"));
        resultCallback(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

/**
 * Settles `work` within `timeoutMillis`: resolves on success, reports and resolves on
 * rejection or timeout. Never rejects.
 */
export async function settle(
  work: () => Promise<unknown>,
  timeoutMillis: number,
  onFailure: (error: unknown) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMillis);
    timer.unref?.();
  });
  try {
    const outcome = await Promise.race([
      Promise.resolve().then(work).then(() => "done" as const),
      timeout,
    ]);
    if (outcome === "timeout") onFailure(new Error(`no answer within ${timeoutMillis} ms`));
  } catch (error) {
    onFailure(error);
  } finally {
    clearTimeout(timer);
  }
}
