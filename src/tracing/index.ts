/**
 * `langgraph-firebreak/tracing`: Phoenix (OpenInference over OTLP), Langfuse and in-memory
 * tracing for LangGraph runs, with firebreak's decisions as `firebreak/*` child runs whose
 * `firebreak.*` attributes can be filtered on. OpenTelemetry, OpenInference and Langfuse are
 * optional peers, imported only when `setupTracing` turns them on.
 */
export { setupTracing, type TracingHandle } from "./setup-tracing.js";
export type { TracingOptions, OtlpTracingOptions, LangfuseTracingOptions } from "./tracing-options.js";
export { topologyMetadata, type TopologyMetadata } from "./topology-metadata.js";
export { FIREBREAK_PREFIX as FIREBREAK_ATTRIBUTE_PREFIX } from "../internal/events.js";
export { TracingError, isTracingError } from "./tracing-error.js";
