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
 * Thrown by `langgraph-firebreak/checkpointers` when a database cannot be reached or
 * set up, a thread has no checkpoint, or a rollback target does not exist. The original
 * driver error, if any, is kept in `cause`; the message never includes a password.
 */
export class CheckpointerError extends FirebreakError {
  override name = "CheckpointerError";
  declare readonly code: CheckpointerErrorCode;

  constructor(code: CheckpointerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
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
