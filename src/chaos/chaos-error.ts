/** The error of `langgraph-firebreak/chaos` when a campaign or an injection cannot be set up. */
import { FirebreakError, hasFirebreakCode } from "../internal/errors.js";

/**
 * Code `CHAOS`: a fault cannot be placed (an unknown target, a role no node has, a graph
 * without nodes, a compiled graph where a builder is needed). Nothing was injected.
 */
export class ChaosError extends FirebreakError {
  override name = "ChaosError";

  /** `message` names the target or graph concerned and what to pass instead. */
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super("CHAOS", message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** True for a {@link ChaosError}, even one thrown by another copy of the package. */
export function isChaosError(error: unknown): error is ChaosError {
  return hasFirebreakCode(error, "CHAOS");
}
