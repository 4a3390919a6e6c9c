import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { TracerProvider } from "@opentelemetry/api";
import type { ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { FailureReporter, reportingExporter, settle, type TracingBackend } from "./export-failures.js";
import { FirebreakSpanProcessor, OPENINFERENCE_SCOPE_PREFIX } from "./firebreak-span-processor.js";
import { loadPeer } from "./load-peer.js";
import { ScopedSpanProcessor } from "./scoped-span-processor.js";
import { topologyMetadata } from "./topology-metadata.js";
import { resolveTracingOptions, type ResolvedTracingOptions, type TracingOptions } from "./tracing-options.js";

/** What {@link setupTracing} returns. */
export interface TracingHandle {
  /**
   * Pass these in every run's config (`graph.invoke(input, { callbacks })`) for Langfuse.
   * OpenInference needs nothing: it instruments LangChain's callback manager process-wide.
   * A fresh array on each read (LangChain may append to the array it is given).
   */
  readonly callbacks: BaseCallbackHandler[];
  /**
   * The config for one run of `graph`: `config` plus this handle's callbacks and the graph's
   * `firebreak.topology.*` metadata (ρ, effective ρ, R, tier, verdict; analysed once per
   * graph), which lands on the graph's span. The no-op handle returns `config` unchanged.
   *
   * @example
   * await graph.invoke(input, tracing.runConfig(graph, { configurable: { thread_id } }));
   */
  runConfig<C extends RunnableConfig>(graph: unknown, config?: C): C;
  /** False for the no-op handle returned when nothing is configured. */
  readonly enabled: boolean;
  /** The tracer provider this handle owns (undefined for the no-op handle). */
  readonly tracerProvider: TracerProvider | undefined;
  /** Finished spans kept by `inMemory: true` (kept after `shutdown()`); otherwise empty. */
  spans(): readonly ReadableSpan[];
  /** Exports every pending span. Never rejects: a failing backend is reported once. */
  flush(): Promise<void>;
  /** Flushes, stops exporting and removes the instrumentation. Never rejects; idempotent. */
  shutdown(): Promise<void>;
}

interface Backend {
  readonly backend: TracingBackend;
  readonly target: string;
  readonly processor: SpanProcessor;
}

const LANGFUSE_SCOPE = "langfuse-sdk";

/** The handle whose OpenInference patch is live: the latest setup wins. */
let liveOpenInference: object | undefined;

/**
 * Sends every LangGraph/LangChain run — with firebreak's decisions as `firebreak/*` child
 * runs carrying `firebreak.*` attributes — to Phoenix (any OTLP collector, through
 * OpenInference), to Langfuse, to memory, or to several at once. Each backend gets only its
 * own spans. With nothing configured it loads nothing and returns a no-op handle.
 * Optional peers are imported here, on first use, never by the root import.
 *
 * @example
 * const tracing = await setupTracing({ otlp: { endpoint: "http://localhost:6006/v1/traces" }, sessionId: "demo" });
 * await graph.invoke(input, { callbacks: tracing.callbacks });
 * await tracing.shutdown();
 */
export async function setupTracing(options?: TracingOptions): Promise<TracingHandle> {
  const resolved = resolveTracingOptions(options);
  if (!resolved.openInference && resolved.langfuse === undefined) return noopHandle();

  // Every peer is loaded before anything global is touched, so a missing one leaves no trace.
  const peers = await loadPeers(resolved);
  const reporter = new FailureReporter(resolved.onError);
  const exporting = spanProcessors(resolved, peers, reporter);
  const { provider, unregisterGlobal } = createProvider(resolved, peers, exporting.processors);
  const removeOpenInference = peers.openInference !== undefined ? instrumentOpenInference(peers.openInference, provider) : undefined;
  const langfuse = peers.langfuse !== undefined ? langfuseHandlers(resolved, peers.api, peers.langfuse, provider) : undefined;
  return liveHandle({
    provider,
    backends: exporting.backends,
    memory: exporting.memory,
    handlers: langfuse?.handlers ?? [],
    reporter,
    settleMillis: resolved.exportTimeoutMillis + 2_000,
    // Order matters: stop feeding the provider before it is flushed and shut down.
    teardown: [removeOpenInference, langfuse?.restore, unregisterGlobal],
  });
}

type Peers = Awaited<ReturnType<typeof loadPeers>>;
type MemoryExporter = InstanceType<Peers["base"]["InMemorySpanExporter"]>;

/** The span processors in order (firebreak's attributes first), and the backends they export to. */
function spanProcessors(
  resolved: ResolvedTracingOptions,
  peers: Peers,
  reporter: FailureReporter,
): { processors: SpanProcessor[]; backends: Backend[]; memory: MemoryExporter | undefined } {
  const { base } = peers;
  const processors: SpanProcessor[] = [];
  const backends: Backend[] = [];
  let memory: MemoryExporter | undefined;
  if (resolved.openInference) {
    processors.push(
      new FirebreakSpanProcessor({ sessionId: resolved.sessionId, userId: resolved.userId, tags: resolved.tags }),
    );
  }
  if (resolved.inMemory) {
    memory = new base.InMemorySpanExporter();
    const processor = new base.SimpleSpanProcessor(memory);
    processors.push(processor);
    backends.push({ backend: "in-memory", target: "memory", processor });
  }
  if (resolved.otlp !== undefined && peers.otlp !== undefined) {
    processors.push(otlpProcessor(resolved.otlp, resolved.exportTimeoutMillis, base, peers.otlp, reporter, backends));
  }
  if (resolved.langfuse !== undefined && peers.langfuse !== undefined) {
    processors.push(langfuseProcessor(resolved, peers.langfuse.otel, backends));
  }
  for (const processor of resolved.spanProcessors) {
    processors.push(processor);
    backends.push({ backend: "custom", target: processor.constructor?.name ?? "span processor", processor });
  }
  return { processors, backends, memory };
}

/** The tracer provider, registered globally when asked, with how to unregister it. */
function createProvider(resolved: ResolvedTracingOptions, peers: Peers, processors: SpanProcessor[]) {
  const attributes: Record<string, string> = { "service.name": resolved.serviceName };
  if (resolved.projectName !== undefined) attributes["openinference.project.name"] = resolved.projectName;
  const provider = new peers.node.NodeTracerProvider({
    ...(peers.resources ? { resource: peers.resources.resourceFromAttributes(attributes) } : {}),
    spanProcessors: processors,
  });
  let unregisterGlobal: (() => void) | undefined;
  if (resolved.registerGlobal) {
    provider.register();
    const { trace } = peers.api;
    unregisterGlobal = () => {
      const global = trace.getTracerProvider() as { getDelegate?: () => unknown };
      if (global.getDelegate?.() === provider) trace.disable();
    };
  }
  return { provider, unregisterGlobal };
}

/** Patches LangChain's callback manager for OpenInference; returns how to remove the patch. */
function instrumentOpenInference(openInference: NonNullable<Peers["openInference"]>, provider: TracerProvider): () => void {
  // Disabled: no require/import hooks. ESM needs the manual patch of the callback manager.
  const instrumentation = new openInference.LangChainInstrumentation({
    tracerProvider: provider,
    instrumentationConfig: { enabled: false },
  });
  instrumentation.manuallyInstrument(CallbackManagerModule);
  liveOpenInference = instrumentation;
  return () => {
    // A later setup re-patched the callback manager: that patch is not ours to remove.
    if (liveOpenInference !== instrumentation) return;
    liveOpenInference = undefined;
    // `unpatch` is not public API; without it the patch stays, feeding a shut-down provider.
    (instrumentation as unknown as { unpatch?: (m: unknown) => void }).unpatch?.(CallbackManagerModule);
  };
}

/** Langfuse's callback handler on `provider`, and how to restore Langfuse's global state. */
function langfuseHandlers(
  resolved: ResolvedTracingOptions,
  api: Peers["api"],
  { tracing, langchain, contextHooks }: NonNullable<Peers["langfuse"]>,
  provider: TracerProvider,
): { handlers: BaseCallbackHandler[]; restore: () => void } {
  // Langfuse's handler creates its spans on this provider, not on the global one.
  tracing.setLangfuseTracerProvider(provider);
  const releaseContext = ensureContextManager(api, contextHooks);
  const restore = () => {
    if (tracing.getLangfuseTracerProvider() === provider) tracing.setLangfuseTracerProvider(null);
    releaseContext();
  };
  const handler = new langchain.CallbackHandler({
    ...(resolved.sessionId !== undefined ? { sessionId: resolved.sessionId } : {}),
    ...(resolved.userId !== undefined ? { userId: resolved.userId } : {}),
    tags: [...resolved.tags],
  });
  return { handlers: [handler], restore };
}

/** The live handle: flushes settle per backend and report failures; shutdown is idempotent. */
function liveHandle(parts: {
  provider: Peers["node"]["NodeTracerProvider"]["prototype"];
  backends: readonly Backend[];
  memory: MemoryExporter | undefined;
  handlers: BaseCallbackHandler[];
  reporter: FailureReporter;
  settleMillis: number;
  teardown: readonly ((() => void) | undefined)[];
}): TracingHandle {
  const { provider, backends, memory, handlers, reporter, settleMillis } = parts;
  const eachBackend = (work: (processor: SpanProcessor) => Promise<void>) =>
    Promise.all(
      backends.map((b) =>
        settle(() => work(b.processor), settleMillis, (error) => reporter.report(b.backend, b.target, error)),
      ),
    ).then(() => undefined);

  let retained: readonly ReadableSpan[] | undefined;
  let shuttingDown: Promise<void> | undefined;
  return {
    get callbacks() {
      return [...handlers];
    },
    runConfig: (graph, config) => withRunConfig(graph, config, handlers),
    enabled: true,
    tracerProvider: provider,
    spans: () => retained ?? memory?.getFinishedSpans() ?? [],
    flush: () => (shuttingDown ? shuttingDown : eachBackend((p) => p.forceFlush())),
    shutdown: () =>
      (shuttingDown ??= (async () => {
        for (const undo of parts.teardown) undo?.();
        await eachBackend((p) => p.forceFlush());
        retained = [...(memory?.getFinishedSpans() ?? [])];
        // Every backend was flushed and reported above; what is left is only the SDK's teardown.
        await settle(() => provider.shutdown(), settleMillis, () => undefined);
      })()),
  };
}

/**
 * Langfuse's handler passes session, user and tags to its root span through the OTel
 * context; without a global context manager they are silently lost. Registers an
 * AsyncLocalStorage one only if the application has none, and returns how to remove it.
 */
function ensureContextManager(
  api: typeof import("@opentelemetry/api"),
  hooks: typeof import("@opentelemetry/context-async-hooks") | undefined,
): () => void {
  if (hooks === undefined) return () => undefined;
  const manager = new hooks.AsyncLocalStorageContextManager().enable();
  if (!api.context.setGlobalContextManager(manager)) {
    manager.disable();
    return () => undefined;
  }
  return () => {
    manager.disable();
    api.context.disable();
  };
}

/** Imports the optional peers the resolved options need, all at once. */
async function loadPeers(resolved: ResolvedTracingOptions) {
  const [api, base, node, resources, otlp, openInference, langfuse] = await Promise.all([
    loadPeer(() => import("@opentelemetry/api"), "@opentelemetry/api", "tracing"),
    loadPeer(() => import("@opentelemetry/sdk-trace-base"), "@opentelemetry/sdk-trace-base", "tracing"),
    loadPeer(() => import("@opentelemetry/sdk-trace-node"), "@opentelemetry/sdk-trace-node", "tracing"),
    // Only for service and Phoenix project names; spans still flow without it.
    import("@opentelemetry/resources").catch(() => undefined),
    resolved.otlp === undefined
      ? undefined
      : loadPeer(() => import("@opentelemetry/exporter-trace-otlp-proto"), "@opentelemetry/exporter-trace-otlp-proto", "OTLP tracing"),
    !resolved.openInference
      ? undefined
      : loadPeer(
          () => import("@arizeai/openinference-instrumentation-langchain"),
          "@arizeai/openinference-instrumentation-langchain",
          "OTLP / in-memory tracing",
        ),
    resolved.langfuse === undefined
      ? undefined
      : Promise.all([
          loadPeer(() => import("@langfuse/otel"), "@langfuse/otel", "Langfuse tracing"),
          loadPeer(() => import("@langfuse/langchain"), "@langfuse/langchain", "Langfuse tracing"),
          loadPeer(() => import("@langfuse/tracing"), "@langfuse/tracing", "Langfuse tracing"),
          // A dependency of sdk-trace-node; without it Langfuse loses session, user and tags.
          import("@opentelemetry/context-async-hooks").catch(() => undefined),
        ]).then(([otel, langchain, tracing, contextHooks]) => ({ otel, langchain, tracing, contextHooks })),
  ]);
  return { api, base, node, resources, otlp, openInference, langfuse };
}

/** `config` with `handlers` appended to its callbacks and the graph's topology metadata added. */
function withRunConfig<C extends RunnableConfig>(graph: unknown, config: C | undefined, handlers: readonly BaseCallbackHandler[]): C {
  const base = (config ?? {}) as C;
  const metadata = { ...base.metadata, ...topologyMetadata(graph) };
  if (handlers.length === 0) return { ...base, metadata };
  const given = base.callbacks;
  const callbacks =
    given === undefined || given === null
      ? [...handlers]
      : Array.isArray(given)
        ? [...given, ...handlers]
        : given.copy([...handlers]);
  return { ...base, metadata, callbacks };
}

function noopHandle(): TracingHandle {
  return {
    get callbacks() {
      return [];
    },
    runConfig: <C extends RunnableConfig>(_graph: unknown, config?: C) => ({ ...config }) as C,
    enabled: false,
    tracerProvider: undefined,
    spans: () => [],
    flush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

function otlpProcessor(
  otlp: NonNullable<ResolvedTracingOptions["otlp"]>,
  exportTimeoutMillis: number,
  base: typeof import("@opentelemetry/sdk-trace-base"),
  { OTLPTraceExporter }: typeof import("@opentelemetry/exporter-trace-otlp-proto"),
  reporter: FailureReporter,
  backends: Backend[],
): SpanProcessor {
  const exporter = new OTLPTraceExporter({ url: otlp.endpoint, headers: { ...otlp.headers }, timeoutMillis: exportTimeoutMillis });
  const batch = new base.BatchSpanProcessor(
    reportingExporter(exporter, (error) => reporter.report("otlp", otlp.endpoint, error)),
    { exportTimeoutMillis: exportTimeoutMillis + 1_000 },
  );
  backends.push({ backend: "otlp", target: otlp.endpoint, processor: batch });
  // No cross-talk: Langfuse's own spans belong to Langfuse only.
  return new ScopedSpanProcessor(batch, (span) => span.instrumentationScope.name !== LANGFUSE_SCOPE);
}

function langfuseProcessor(
  resolved: ResolvedTracingOptions,
  { LangfuseSpanProcessor }: typeof import("@langfuse/otel"),
  backends: Backend[],
): SpanProcessor {
  const langfuse = resolved.langfuse!;
  const processor = new LangfuseSpanProcessor({
    publicKey: langfuse.publicKey,
    secretKey: langfuse.secretKey,
    baseUrl: langfuse.baseUrl,
    ...(langfuse.environment !== undefined ? { environment: langfuse.environment } : {}),
    timeout: Math.max(1, Math.ceil(resolved.exportTimeoutMillis / 1_000)),
    // Filtering happens in the scoped wrapper below; Langfuse's default would drop OpenInference spans.
    shouldExportSpan: () => true,
  });
  const target = `${langfuse.baseUrl}/api/public/otel/v1/traces`;
  backends.push({ backend: "langfuse", target, processor });
  const keepOpenInference = langfuse.openInferenceSpans && resolved.openInference;
  return new ScopedSpanProcessor(processor, (span) => {
    const scope = span.instrumentationScope.name;
    return scope === LANGFUSE_SCOPE || (keepOpenInference && scope.startsWith(OPENINFERENCE_SCOPE_PREFIX));
  });
}
