/**
 * Internal: LangGraph's `Overwrite` replaces a reducer channel's value without calling the
 * reducer, which would skip every rule of the claims channel. It is refused whole.
 */
import type { ResolvedClaimsOptions } from "./claims-options.js";
import { InvalidClaimError, preview } from "./errors.js";

const OVERWRITE = "__overwrite__";

/** Whether `value` is what LangGraph treats as an `Overwrite` (the class, its wire form, or its JSON form). */
export function isOverwrite(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (OVERWRITE in value) return true;
  const rec = value as { type?: unknown };
  return rec.type === OVERWRITE && "value" in value;
}

/** The error for an `Overwrite` of the claims channel. */
export function overwriteRejected(opts: ResolvedClaimsOptions, received?: unknown): InvalidClaimError {
  return new InvalidClaimError({
    index: 0,
    field: opts.key,
    expected:
      "a claims update (new claims, stored claims, or a verdict batch): Overwrite is not allowed on a claims channel, " +
      "since it would replace the claims without the channel's checks",
    received: received === undefined ? "an Overwrite" : preview(received),
  });
}
