/**
 * Classifies a thrown provider error by its shape (`status`, `name`, `code`,
 * `lc_error_code`), never by `instanceof`: the `openai` SDK is a transitive dependency and
 * may be installed twice.
 */
import type { FailureKind } from "./types.js";

/** What the breaker makes of one thrown error. */
export interface FailureClass {
  /** The classified cause. */
  readonly kind: FailureKind;
  /** HTTP status, when present on the error. */
  readonly status?: number;
  /** `retry-after` hint in milliseconds (header, `retryAfterMs`, or "try again in 2s"). */
  readonly retryAfterMs?: number;
  /** The error's message, for reports. */
  readonly reason: string;
}

/**
 * Kinds that count against the provider's circuit. The others are neutral — neither a
 * failure nor a success: `client` (400, 409, 413, 422: the request is malformed), `abort`
 * (the caller's signal) and `auth` (401, 403, 404: the caller's key or model name, not the
 * provider's health).
 */
export function isCountedKind(kind: FailureKind): boolean {
  return kind !== "client" && kind !== "abort" && kind !== "auth";
}

/**
 * Kinds that move the call to the next provider: every counted kind, and `auth` — the
 * backup has its own key and model name, while a malformed request (`client`) or the
 * caller's abort would fail there too.
 */
export function failsOver(kind: FailureKind): boolean {
  return isCountedKind(kind) || kind === "auth";
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const RETRY_AFTER_IN_MESSAGE = /(?:try again in|retry after)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b/i;

/**
 * Classifies `error`. `timedOut` says the breaker's own attempt timer fired; `callerAborted`
 * says the caller's signal fired (both are known to the breaker, so no guessing from shape).
 */
export function classifyFailure(
  error: unknown,
  flags: { readonly timedOut?: boolean; readonly callerAborted?: boolean } = {},
): FailureClass {
  const reason = messageOf(error);
  if (flags.callerAborted) return { kind: "abort", reason };
  if (flags.timedOut) return { kind: "timeout", reason };
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const status = statusOf(e);
  const name = typeof e.name === "string" ? e.name : "";
  const code = typeof e.code === "string" ? e.code : "";
  const lcCode = typeof e.lc_error_code === "string" ? e.lc_error_code : "";
  const withStatus = (kind: FailureKind, extra?: { retryAfterMs?: number }): FailureClass => ({
    kind,
    reason,
    ...(status !== undefined ? { status } : {}),
    ...(extra?.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
  });

  if (status === 429 || lcCode === "MODEL_RATE_LIMIT") {
    return withStatus("rate-limit", { retryAfterMs: retryAfterOf(e, reason) });
  }
  if (status !== undefined && status >= 500) return withStatus("server");
  if (status === 408) return withStatus("timeout");
  if (status === 401 || status === 403 || lcCode === "MODEL_AUTHENTICATION") return withStatus("auth");
  if (status === 404 || lcCode === "MODEL_NOT_FOUND") return withStatus("auth");
  // Output that does not parse or does not match the schema is an HTTP-200 failure.
  if (
    lcCode === "OUTPUT_PARSING_FAILURE" ||
    name === "SyntaxError" ||
    name === "ZodError" ||
    name === "$ZodError" ||
    (Array.isArray(e.issues) && status === undefined) ||
    name === "OutputParserException" ||
    name === "LengthFinishReasonError" ||
    name === "ContentFilterFinishReasonError"
  ) {
    return withStatus("semantic");
  }
  if (status !== undefined && status >= 400) return withStatus("client");
  if (lcCode === "INVALID_PROMPT_INPUT" || lcCode === "MESSAGE_COERCION_FAILURE") return withStatus("client");
  if (/timeout|timed out/i.test(name) || code === "ETIMEDOUT" || code === "ECONNABORTED") {
    return withStatus("timeout");
  }
  if (name === "AbortError" || name === "APIUserAbortError") return withStatus("abort");
  const causeCode = codeOfCause(e);
  if (
    NETWORK_CODES.has(code) ||
    NETWORK_CODES.has(causeCode) ||
    name === "APIConnectionError" ||
    /fetch failed|socket hang up|connection error/i.test(reason)
  ) {
    return withStatus("network");
  }
  return withStatus("unknown");
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function statusOf(e: Record<string, unknown>): number | undefined {
  const direct = e.status ?? e.statusCode;
  if (typeof direct === "number") return direct;
  const response = e.response as Record<string, unknown> | undefined;
  if (response && typeof response.status === "number") return response.status;
  return undefined;
}

function codeOfCause(e: Record<string, unknown>): string {
  const cause = e.cause as Record<string, unknown> | undefined;
  return cause && typeof cause.code === "string" ? cause.code : "";
}

function retryAfterOf(e: Record<string, unknown>, message: string): number | undefined {
  if (typeof e.retryAfterMs === "number") return e.retryAfterMs;
  const header = headerOf(e.headers) ?? headerOf((e.response as Record<string, unknown> | undefined)?.headers);
  if (header !== undefined) {
    const seconds = Number(header);
    if (header.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const match = RETRY_AFTER_IN_MESSAGE.exec(message);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2]!.toLowerCase();
  if (unit === "ms" || unit.startsWith("milli")) return value;
  if (unit.startsWith("m")) return value * 60_000;
  return value * 1000;
}

function headerOf(headers: unknown): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const h = headers as { get?: (k: string) => string | null } & Record<string, unknown>;
  if (typeof h.get === "function") return h.get("retry-after") ?? undefined;
  const v = h["retry-after"] ?? h["Retry-After"];
  return typeof v === "string" ? v : undefined;
}
