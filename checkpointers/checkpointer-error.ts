import { FirebreakError, hasFirebreakCode, isFirebreakError, type FirebreakErrorCode } from "../src/internal/errors.js";
import { invalidOption } from "../src/internal/options-schema.js";

/** Codes a checkpointer error can carry: one per subclass of {@link CheckpointerError}. */
export type CheckpointerErrorCode = Extract<
  FirebreakErrorCode,
  "CHECKPOINTER_UNREACHABLE" | "CHECKPOINTER_AUTH" | "CHECKPOINTER_SETUP" | "THREAD_NOT_FOUND" | "CHECKPOINT_NOT_FOUND"
>;

/**
 * What exactly went wrong, finer than the `code` and just as stable (branch on it, never on
 * the message):
 * - `"timeout"`: the database did not answer within `connectTimeoutMs`, `statementTimeoutMs`
 *   or `setupLockTimeoutMs` (code `CHECKPOINTER_UNREACHABLE`, or `CHECKPOINTER_SETUP` for the lock);
 * - `"connection-lost"`: an open connection died (server stopped, network cut, pooler
 *   dropped it) (`CHECKPOINTER_UNREACHABLE`);
 * - `"refused"`: nothing accepts connections at that address, or the server is starting up
 *   or shutting down (`CHECKPOINTER_UNREACHABLE`);
 * - `"thread-busy"`: another run of the same thread is in flight (`CHECKPOINTER_SETUP`);
 * - `"permission-denied"`, `"not-found"`, `"disk-full"`, `"read-only"`: the embedded data
 *   directory's filesystem said so (`CHECKPOINTER_SETUP`).
 */
export type CheckpointerFaultReason =
  | "timeout"
  | "connection-lost"
  | "refused"
  | "thread-busy"
  | "permission-denied"
  | "not-found"
  | "disk-full"
  | "read-only";

/**
 * The family of errors thrown by `langgraph-firebreak/checkpointers` when a database cannot
 * be reached or set up, a thread has no checkpoint, or a rollback target does not exist.
 * Abstract: each code has its own subclass ({@link CheckpointerUnreachableError},
 * {@link CheckpointerAuthError}, {@link CheckpointerSetupError}, {@link ThreadNotFoundError},
 * {@link CheckpointNotFoundError}). The original driver error, if any, is kept in `cause`;
 * the message never includes a password. Bad options are an `InvalidOptionsError`, not this.
 */
export abstract class CheckpointerError extends FirebreakError {
  override name = "CheckpointerError";
  declare readonly code: CheckpointerErrorCode;
  /** The finer cause, when known; see {@link CheckpointerFaultReason}. */
  readonly reason: CheckpointerFaultReason | undefined;

  /** Each subclass takes `(message, options)`; its code is the one {@link checkpointerError} maps to it. */
  constructor(message: string, options?: CheckpointerErrorOptions) {
    super(codeOfClass(new.target), message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options?.reason;
  }
}

/** The driver error and the finer reason a checkpointer error carries. */
export interface CheckpointerErrorOptions {
  /** The driver's or filesystem's own error. */
  readonly cause?: unknown;
  /** The finer reason, when known. */
  readonly reason?: CheckpointerFaultReason;
}

/** Code `CHECKPOINTER_UNREACHABLE`: the database did not answer (timeout, refused, connection lost). Retry later or check the address. */
export class CheckpointerUnreachableError extends CheckpointerError {
  override name = "CheckpointerUnreachableError";
  declare readonly code: "CHECKPOINTER_UNREACHABLE";
}

/** Code `CHECKPOINTER_AUTH`: the database refused the credentials or the role lacks a privilege. */
export class CheckpointerAuthError extends CheckpointerError {
  override name = "CheckpointerAuthError";
  declare readonly code: "CHECKPOINTER_AUTH";
}

/** Code `CHECKPOINTER_SETUP`: tables, the data directory, a setup lock or a thread claim could not be prepared. */
export class CheckpointerSetupError extends CheckpointerError {
  override name = "CheckpointerSetupError";
  declare readonly code: "CHECKPOINTER_SETUP";
}

/** Code `THREAD_NOT_FOUND`: the thread has no checkpoint (or the config names no thread). */
export class ThreadNotFoundError extends CheckpointerError {
  override name = "ThreadNotFoundError";
  declare readonly code: "THREAD_NOT_FOUND";
}

/** Code `CHECKPOINT_NOT_FOUND`: a rollback or fork target is not in the thread's history. */
export class CheckpointNotFoundError extends CheckpointerError {
  override name = "CheckpointNotFoundError";
  declare readonly code: "CHECKPOINT_NOT_FOUND";
}

const CLASSES = {
  CHECKPOINTER_UNREACHABLE: CheckpointerUnreachableError,
  CHECKPOINTER_AUTH: CheckpointerAuthError,
  CHECKPOINTER_SETUP: CheckpointerSetupError,
  THREAD_NOT_FOUND: ThreadNotFoundError,
  CHECKPOINT_NOT_FOUND: CheckpointNotFoundError,
} as const satisfies Record<CheckpointerErrorCode, new (message: string, options?: CheckpointerErrorOptions) => CheckpointerError>;

/** The code of a checkpointer class (or of the class it extends): the inverse of {@link CLASSES}. */
function codeOfClass(target: unknown): CheckpointerErrorCode {
  for (let c = target; typeof c === "function" && c !== CheckpointerError; c = Object.getPrototypeOf(c) as unknown) {
    const code = (Object.keys(CLASSES) as CheckpointerErrorCode[]).find((k) => CLASSES[k] === c);
    if (code !== undefined) return code;
  }
  throw invalidOption("CheckpointerError", "class", (target as { name?: unknown } | null)?.name, "one of its five subclasses or a class extending one (CheckpointerUnreachableError, CheckpointerAuthError, CheckpointerSetupError, ThreadNotFoundError, CheckpointNotFoundError)");
}

/** The checkpointer error of class `code` (for code that classifies a fault, then throws it). */
export function checkpointerError(code: CheckpointerErrorCode, message: string, options?: CheckpointerErrorOptions): CheckpointerError {
  return new CLASSES[code](message, options);
}

/**
 * True for any of the five checkpointer errors (optionally only the one with `code`), from
 * any copy of the package. Never true for an `InvalidOptionsError`.
 */
export function isCheckpointerError(error: unknown, code?: CheckpointerErrorCode): error is CheckpointerError {
  if (!isFirebreakError(error)) return false;
  try {
    return Object.hasOwn(CLASSES, error.code) && (code === undefined || error.code === code);
  } catch {
    return false; // a branded look-alike whose `code` getter throws
  }
}

/** The `isX` guard of one checkpointer class: its brand and its code, so another copy's errors pass too. */
function guardOf<E extends CheckpointerError>(code: E["code"]): (error: unknown) => error is E {
  return (error: unknown): error is E => hasFirebreakCode(error, code);
}

/** True for a {@link CheckpointerUnreachableError}, even one thrown by another copy of the package. */
export const isCheckpointerUnreachableError = guardOf<CheckpointerUnreachableError>("CHECKPOINTER_UNREACHABLE");
/** True for a {@link CheckpointerAuthError}, even one thrown by another copy of the package. */
export const isCheckpointerAuthError = guardOf<CheckpointerAuthError>("CHECKPOINTER_AUTH");
/** True for a {@link CheckpointerSetupError}, even one thrown by another copy of the package. */
export const isCheckpointerSetupError = guardOf<CheckpointerSetupError>("CHECKPOINTER_SETUP");
/** True for a {@link ThreadNotFoundError}, even one thrown by another copy of the package. */
export const isThreadNotFoundError = guardOf<ThreadNotFoundError>("THREAD_NOT_FOUND");
/** True for a {@link CheckpointNotFoundError}, even one thrown by another copy of the package. */
export const isCheckpointNotFoundError = guardOf<CheckpointNotFoundError>("CHECKPOINT_NOT_FOUND");
