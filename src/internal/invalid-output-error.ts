/**
 * A value a node or a user-supplied function produced at run time is not of the shape the
 * pack needs (a guarded producer returned an array, a supervisor chose a node that is not a
 * worker, a breaker check returned something other than a verdict). Distinct from
 * `INVALID_OPTIONS` (what was passed at construction): the construction was fine, the
 * output of this run was not.
 */
import { FirebreakError, hasFirebreakCode } from "./errors.js";

/** Where and what: carried by {@link InvalidOutputError}. */
export interface InvalidOutputDetails {
  /** Who produced the value: a node name, or the function's label (`check "schema"`). */
  readonly source: string;
  /** What the value must be. */
  readonly expected: string;
  /** A short rendering of what was received. */
  readonly received: string;
}

/** Code `INVALID_OUTPUT`: a node's (or a user function's) run-time output has the wrong shape. */
export class InvalidOutputError extends FirebreakError {
  override name = "InvalidOutputError";
  /** Who produced the value. */
  readonly source: string;
  /** What the value must be. */
  readonly expected: string;
  /** A short rendering of what was received. */
  readonly received: string;

  /** `message` says what was wrong, where, and what to do; `details` carry the same as data. */
  constructor(details: InvalidOutputDetails, message: string, options?: { readonly cause?: unknown }) {
    super("INVALID_OUTPUT", message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.source = details.source;
    this.expected = details.expected;
    this.received = details.received;
  }
}

/** True for an {@link InvalidOutputError}, even one thrown by another copy of the package. */
export function isInvalidOutputError(error: unknown): error is InvalidOutputError {
  return hasFirebreakCode(error, "INVALID_OUTPUT");
}
