/** A command-line usage problem: the CLI prints the message and exits with code 2. */
import { FirebreakError } from "../internal/errors.js";

/** Wrong arguments, a missing module or export: exit code 2. */
export class UsageError extends FirebreakError {
  override name = "UsageError";

  constructor(message: string) {
    super("INVALID_OPTIONS", message);
  }
}
