/**
 * Every error the pack throws has a stable `code`. Callers branch on the code,
 * never on the message; `isFirebreakError` works across duplicate installs.
 */
/** Every code the pack throws, listed once; `FirebreakErrorCode` is derived from it. */
export const FIREBREAK_ERROR_CODES = [
  "INVALID_OPTIONS",
  "INVALID_OUTPUT",
  "INVALID_RESUME",
  "USAGE",
  "CHECKPOINTER_UNREACHABLE",
  "CHECKPOINTER_AUTH",
  "CHECKPOINTER_SETUP",
  "THREAD_NOT_FOUND",
  "CHECKPOINT_NOT_FOUND",
  "INVALID_CLAIM",
  "INTENT_ALREADY_SET",
  "WRITE_CONTRACT",
  "GUARD_EXHAUSTED",
  "EFFECT_FAILED",
  "BROKEN_CIRCUIT",
  "CALL_FAILED",
  "TOPOLOGY",
  "TRACING",
  "CHAOS",
] as const;

/** A code from {@link FIREBREAK_ERROR_CODES}. */
export type FirebreakErrorCode = (typeof FIREBREAK_ERROR_CODES)[number];

const FIREBREAK_ERROR = Symbol.for("langgraph-firebreak.error");

/**
 * Base class of every error thrown by langgraph-firebreak. Each code has exactly one
 * subclass (and one `isX` guard); throw the subclass, never this base with a bare code.
 */
export class FirebreakError extends Error {
  readonly [FIREBREAK_ERROR] = true;
  override name = "FirebreakError";
  readonly code: FirebreakErrorCode;

  constructor(code: FirebreakErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for any firebreak error, even one thrown by another copy of the package. */
export function isFirebreakError(error: unknown): error is FirebreakError {
  if (typeof error !== "object" || error === null) return false;
  try {
    return (error as Record<symbol, unknown>)[FIREBREAK_ERROR] === true && typeof (error as { code?: unknown }).code === "string";
  } catch {
    return false; // a revoked Proxy, or a getter that throws: not an error this package made
  }
}

/**
 * True for a firebreak error (from any copy of the package) carrying `code`: the one test
 * every `isX` guard is built on (the brand, then the code; no duck typing).
 */
export function hasFirebreakCode<C extends FirebreakErrorCode>(error: unknown, code: C): error is FirebreakError & { readonly code: C } {
  if (!isFirebreakError(error)) return false;
  try {
    return error.code === code;
  } catch {
    return false; // a branded look-alike whose `code` getter throws
  }
}
