/** The error of `langgraph-firebreak/tracing`: a backend is missing or an export failed. */
import { FirebreakError, hasFirebreakCode } from "../internal/errors.js";

/**
 * Code `TRACING`: an optional tracing peer is not installed (thrown by `setupTracing`), or an
 * export to a backend failed (handed to `onError`, never thrown into the run). `backend`
 * names the exporter when one is concerned.
 */
export class TracingError extends FirebreakError {
  override name = "TracingError";
  /** The backend concerned (`"langfuse"`, `"otlp"`, …), when one is. */
  readonly backend: string | undefined;

  /** `message` names the package or endpoint and what to do. */
  constructor(message: string, options?: { readonly cause?: unknown; readonly backend?: string }) {
    super("TRACING", message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.backend = options?.backend;
  }
}

/** True for a {@link TracingError}, even one thrown by another copy of the package. */
export function isTracingError(error: unknown): error is TracingError {
  return hasFirebreakCode(error, "TRACING");
}
