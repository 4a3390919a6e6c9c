import { FirebreakError, isFirebreakError, type FirebreakErrorCode } from "../src/errors.js";

/** Codes a checkpointer error can carry. */
export type CheckpointerErrorCode = Extract<
  FirebreakErrorCode,
  | "INVALID_OPTIONS"
  | "CHECKPOINTER_UNREACHABLE"
  | "CHECKPOINTER_AUTH"
  | "CHECKPOINTER_SETUP"
  | "THREAD_NOT_FOUND"
  | "CHECKPOINT_NOT_FOUND"
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
 * Thrown by `langgraph-firebreak/checkpointers` when a database cannot be reached or
 * set up, a thread has no checkpoint, or a rollback target does not exist. The original
 * driver error, if any, is kept in `cause`; the message never includes a password.
 */
export class CheckpointerError extends FirebreakError {
  override name = "CheckpointerError";
  declare readonly code: CheckpointerErrorCode;
  /** The finer cause, when known; see {@link CheckpointerFaultReason}. */
  readonly reason: CheckpointerFaultReason | undefined;

  constructor(
    code: CheckpointerErrorCode,
    message: string,
    options?: { cause?: unknown; reason?: CheckpointerFaultReason },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options?.reason;
  }
}

/**
 * True when `error` is a firebreak error from the checkpointers (optionally with the given
 * `code`); works across duplicate installs, like `isFirebreakError`.
 */
export function isCheckpointerError(error: unknown, code?: CheckpointerErrorCode): error is CheckpointerError {
  return isFirebreakError(error) && CHECKPOINTER_CODES.has(error.code) && (code === undefined || error.code === code);
}

const CHECKPOINTER_CODES: ReadonlySet<string> = new Set<CheckpointerErrorCode>([
  "INVALID_OPTIONS",
  "CHECKPOINTER_UNREACHABLE",
  "CHECKPOINTER_AUTH",
  "CHECKPOINTER_SETUP",
  "THREAD_NOT_FOUND",
  "CHECKPOINT_NOT_FOUND",
]);
