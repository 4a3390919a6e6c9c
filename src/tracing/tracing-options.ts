import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import type { FirebreakError } from "../internal/errors.js";
import { fn, invalidOption, parseOptions, strict, text, timerMs } from "../internal/options-schema.js";

/** Where to send OpenInference spans: Arize Phoenix or any OTLP/HTTP (protobuf) collector. */
export interface OtlpTracingOptions {
  /**
   * The traces URL, e.g. `http://localhost:6006/v1/traces` for a local Phoenix.
   * @default `${PHOENIX_COLLECTOR_ENDPOINT}/v1/traces` when that variable is set
   */
  endpoint?: string;
  /** Extra HTTP headers, e.g. `{ authorization: "Bearer …" }` for Phoenix Cloud. @default {} */
  headers?: Record<string, string>;
}

/** Langfuse connection. Unset fields fall back to the `LANGFUSE_*` environment variables. */
export interface LangfuseTracingOptions {
  /** @default process.env.LANGFUSE_PUBLIC_KEY */
  publicKey?: string;
  /** @default process.env.LANGFUSE_SECRET_KEY */
  secretKey?: string;
  /** @default process.env.LANGFUSE_BASE_URL, else "https://cloud.langfuse.com" */
  baseUrl?: string;
  /** Langfuse environment label. @default process.env.LANGFUSE_TRACING_ENVIRONMENT */
  environment?: string;
  /**
   * Also send the OpenInference spans to Langfuse when OTLP/in-memory tracing is on too
   * (Langfuse's default filter drops them). Langfuse then shows both trees of a run; set
   * `false` to keep only the Langfuse handler's own tree there.
   * @default true
   */
  openInferenceSpans?: boolean;
}

/** Options of {@link setupTracing}. Nothing configured gives a no-op that costs nothing. */
export interface TracingOptions {
  /**
   * Phoenix / OTLP export of OpenInference spans; `false` turns it off even when
   * `PHOENIX_COLLECTOR_ENDPOINT` is set.
   * @default on when `PHOENIX_COLLECTOR_ENDPOINT` is set, else off
   */
  otlp?: OtlpTracingOptions | false;
  /**
   * Langfuse export through its LangChain callback handler; `true` reads everything from
   * the environment, `false` turns it off even when the keys are set.
   * @default on when `LANGFUSE_PUBLIC_KEY` and `LANGFUSE_SECRET_KEY` are both set, else off
   */
  langfuse?: LangfuseTracingOptions | boolean;
  /**
   * Keep every finished span in memory (read them with `handle.spans()`), for tests and
   * local inspection. Turns OpenInference instrumentation on.
   * @default false
   */
  inMemory?: boolean;
  /** More span processors for the tracer provider (turns OpenInference on). @default [] */
  spanProcessors?: SpanProcessor[];
  /** Session id put on every trace (Langfuse session, OpenInference `session.id`). @default undefined */
  sessionId?: string;
  /** User id put on every trace (Langfuse user, OpenInference `user.id`). @default undefined */
  userId?: string;
  /** Tags put on every trace. @default [] */
  tags?: string[];
  /** OpenTelemetry `service.name`. @default "langgraph-firebreak" */
  serviceName?: string;
  /** Phoenix project (`openinference.project.name`). @default Phoenix's "default" project */
  projectName?: string;
  /**
   * Register the tracer provider as the global OpenTelemetry provider. Off by default so a
   * provider the application already registered is never replaced.
   * @default false
   */
  registerGlobal?: boolean;
  /** How long one export may take, retries included, before it is given up. @default 10_000 */
  exportTimeoutMillis?: number;
  /**
   * Called once per backend the first time its export fails (collector down, bad key).
   * The application keeps running either way.
   * @default console.warn
   */
  onError?: (error: FirebreakError) => void;
}

/** Options after defaults and environment variables are applied. */
export interface ResolvedTracingOptions {
  readonly otlp: { readonly endpoint: string; readonly headers: Readonly<Record<string, string>> } | undefined;
  readonly langfuse:
    | {
        readonly publicKey: string;
        readonly secretKey: string;
        readonly baseUrl: string;
        readonly environment: string | undefined;
        readonly openInferenceSpans: boolean;
      }
    | undefined;
  readonly inMemory: boolean;
  readonly spanProcessors: readonly SpanProcessor[];
  /** True when OpenInference instrumentation is needed (some span consumer is configured). */
  readonly openInference: boolean;
  readonly sessionId: string | undefined;
  readonly userId: string | undefined;
  readonly tags: readonly string[];
  readonly serviceName: string;
  readonly projectName: string | undefined;
  readonly registerGlobal: boolean;
  readonly exportTimeoutMillis: number;
  readonly onError: (error: FirebreakError) => void;
}

/** Most span processors, tags. */
const MAX_LIST = 64;

const bool = () => z.boolean({ error: "true or false" });

/** An http(s) URL (never quoted whole when it is wrong: it may carry a key). */
const HttpUrlSchema = z.string({ error: "an http(s) URL, e.g. http://localhost:6006/v1/traces" }).refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  },
  { error: "an http(s) URL, e.g. http://localhost:6006/v1/traces" },
);

/** A secret or header value: any non-empty string (never cut or quoted when it is one). */
const secret = (what: string) => z.string({ error: what }).min(1, { error: what });

/** `otlp`. */
export const OtlpTracingOptionsSchema = strict(
  {
    endpoint: HttpUrlSchema.optional(),
    headers: z
      .record(z.string().min(1, { error: "a header name" }), z.string({ error: "a header value (a string)" }), { error: "an object: header name → value" })
      .optional(),
  },
  "false, or { endpoint?, headers? }",
);

/** `langfuse` as an object. */
export const LangfuseTracingOptionsSchema = strict(
  {
    publicKey: secret("a non-empty string (pk-lf-…)").optional(),
    secretKey: secret("a non-empty string (sk-lf-…)").optional(),
    baseUrl: HttpUrlSchema.optional(),
    environment: text(200).optional(),
    openInferenceSpans: bool().optional(),
  },
  "true, false, or { publicKey?, secretKey?, baseUrl?, environment?, openInferenceSpans? }",
);

const SpanProcessorSchema = z.custom<SpanProcessor>(
  (v) =>
    typeof v === "object" &&
    v !== null &&
    ["onStart", "onEnd", "forceFlush", "shutdown"].every((k) => typeof (v as Record<string, unknown>)[k] === "function"),
  { error: "an OpenTelemetry SpanProcessor (onStart, onEnd, forceFlush, shutdown)" },
);

/** Every option of `setupTracing`. */
export const TracingOptionsSchema = strict({
  otlp: z.union([z.literal(false), OtlpTracingOptionsSchema], { error: "false, or { endpoint?, headers? }" }).optional(),
  langfuse: z.union([bool(), LangfuseTracingOptionsSchema], { error: "true, false, or { publicKey?, secretKey?, baseUrl?, environment?, openInferenceSpans? }" }).optional(),
  inMemory: bool().optional(),
  spanProcessors: z
    .array(SpanProcessorSchema, { error: "a list of OpenTelemetry span processors" })
    .max(MAX_LIST, { error: `at most ${MAX_LIST} span processors` })
    .optional(),
  sessionId: text(200).optional(),
  userId: text(200).optional(),
  tags: z.array(text(200), { error: "a list of tags" }).max(MAX_LIST, { error: `at most ${MAX_LIST} tags` }).optional(),
  serviceName: text(200).optional(),
  projectName: text(200).optional(),
  registerGlobal: bool().optional(),
  exportTimeoutMillis: timerMs({ min: 1 }).optional(),
  onError: fn<(error: FirebreakError) => void>("a function (error) => void").optional(),
});

/** Applies defaults and `LANGFUSE_*` / `PHOENIX_COLLECTOR_ENDPOINT`; throws `INVALID_OPTIONS` on a bad option or a contradiction. */
export function resolveTracingOptions(
  input: TracingOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedTracingOptions {
  const options: TracingOptions = parseOptions(TracingOptionsSchema, input, "setupTracing");
  const otlp = resolveOtlp(options.otlp, env);
  const langfuse = resolveLangfuse(options.langfuse, env);
  const inMemory = options.inMemory ?? false;
  const spanProcessors = options.spanProcessors ?? [];
  const exportTimeoutMillis = options.exportTimeoutMillis ?? 10_000;
  return {
    otlp,
    langfuse,
    inMemory,
    spanProcessors,
    openInference: otlp !== undefined || inMemory || spanProcessors.length > 0,
    sessionId: options.sessionId,
    userId: options.userId,
    tags: options.tags ?? [],
    serviceName: options.serviceName ?? "langgraph-firebreak",
    projectName: options.projectName,
    registerGlobal: options.registerGlobal ?? false,
    exportTimeoutMillis,
    onError: options.onError ?? ((error) => console.warn(error.message)),
  };
}

function resolveOtlp(
  option: TracingOptions["otlp"],
  env: Readonly<Record<string, string | undefined>>,
): ResolvedTracingOptions["otlp"] {
  if (option === false) return undefined;
  const fromEnv = env.PHOENIX_COLLECTOR_ENDPOINT
    ? `${env.PHOENIX_COLLECTOR_ENDPOINT.replace(/\/+$/, "")}/v1/traces`
    : undefined;
  if (option === undefined) return fromEnv === undefined ? undefined : { endpoint: fromEnv, headers: {} };
  const endpoint = option.endpoint ?? fromEnv;
  if (endpoint === undefined) {
    throw invalidOption(
      "setupTracing",
      "otlp.endpoint",
      undefined,
      'an http(s) URL when otlp is on: pass otlp: { endpoint: "http://localhost:6006/v1/traces" } or set PHOENIX_COLLECTOR_ENDPOINT',
    );
  }
  return { endpoint, headers: { ...option.headers } };
}

function resolveLangfuse(
  option: TracingOptions["langfuse"],
  env: Readonly<Record<string, string | undefined>>,
): ResolvedTracingOptions["langfuse"] {
  if (option === false) return undefined;
  const given = typeof option === "object" ? option : {};
  const publicKey = given.publicKey ?? env.LANGFUSE_PUBLIC_KEY;
  const secretKey = given.secretKey ?? env.LANGFUSE_SECRET_KEY;
  if (option === undefined && (!publicKey || !secretKey)) return undefined;
  if (!publicKey || !secretKey) {
    const which = !publicKey ? "publicKey" : "secretKey";
    throw invalidOption(
      "setupTracing",
      `langfuse.${which}`,
      undefined,
      `a key when Langfuse is on (its ${!publicKey ? "public" : "secret"} key is missing): set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY, or pass langfuse: { publicKey, secretKey }`,
    );
  }
  return {
    publicKey,
    secretKey,
    baseUrl: (given.baseUrl ?? env.LANGFUSE_BASE_URL ?? env.LANGFUSE_BASEURL ?? "https://cloud.langfuse.com").replace(/\/+$/, ""),
    environment: given.environment ?? env.LANGFUSE_TRACING_ENVIRONMENT,
    openInferenceSpans: given.openInferenceSpans ?? true,
  };
}
