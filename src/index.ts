/**
 * langgraph-firebreak: reliability for LangGraph.js multi-agent graphs.
 *
 * The root import is light: it never loads `pg`, OpenTelemetry or an embedding model.
 * Durability lives in `langgraph-firebreak/checkpointers`, prebuilt nodes in
 * `langgraph-firebreak/nodes`, tracing in `langgraph-firebreak/tracing`, fault injection
 * in `langgraph-firebreak/chaos`.
 */
export * from "./errors.js";
export * from "./events.js";
export * from "./claims/index.js";
export * from "./breaker/index.js";
export * from "./topology/index.js";
export * from "./effects/index.js";
