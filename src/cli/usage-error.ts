/** A command-line usage problem: the CLI prints the message and exits with code 2. */
import { FirebreakError, hasFirebreakCode } from "../internal/errors.js";

/**
 * Code `USAGE`: wrong command-line arguments, a missing module or export: exit code 2. `graph` is the `<module>:<export>`
 * the message already names (a load error); an option error gets it from {@link forGraph}.
 */
export class UsageError extends FirebreakError {
  override name = "UsageError";
  /** The `<module>:<export>` the message starts with, when it names one. */
  readonly graph: string | undefined;

  constructor(message: string, graph?: string) {
    super("USAGE", graph === undefined ? message : `${graph}: ${message}`);
    this.graph = graph;
  }
}

/** True for a {@link UsageError}, even one thrown by another copy of the package. */
export function isUsageError(error: unknown): error is UsageError {
  return hasFirebreakCode(error, "USAGE");
}

/**
 * Runs `step` (reading options for the graph `graph`, loading it); a {@link UsageError} that does
 * not name a graph yet is thrown again naming it: `firebreak: <module>:<export>: <cause>`.
 */
export async function forGraph<T>(graph: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof UsageError && error.graph === undefined) throw new UsageError(error.message, graph);
    throw error;
  }
}
