/** The `firebreak` command line: dispatches sub-commands and maps errors to exit codes. */
import { audit, AUDIT_HELP, type CliIo } from "./audit.js";
import { UsageError, isUsageError } from "./usage-error.js";

const HELP = `Usage: firebreak <command> [options]

Commands:
  audit <module>[:<export>]   audit a LangGraph graph's topology (see "firebreak audit --help")
  chaos <module>[:<export>]   inject faults and measure their spread (see "firebreak chaos --help")
  prune [options]             delete old checkpoints (see "firebreak prune --help")

Options:
  -h, --help                  show this help

Exit codes: 0 pass (a report was written and has no error), 1 the report has an error
finding, 2 usage or load error (one message naming module, export and cause).
`;

/**
 * Runs the CLI with `argv` (without node and script); returns the exit code: 0 pass,
 * 1 a rule failed, 2 usage or load error.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(["audit", "src/graph.ts:graph", "--json"]);
 * ```
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const out: CliIo = {
    stdout: io.stdout ?? ((text) => process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => process.stderr.write(text)),
    cwd: io.cwd ?? process.cwd(),
  };
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "-h" || command === "--help" || command === "help") {
      out.stdout(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === "audit") return await audit(rest, out);
    if (command === "chaos") return await (await import("./chaos.js")).chaos(rest, out);
    if (command === "prune") return await (await import("./prune.js")).runPrune(rest, out);
    throw new UsageError(`Unknown command "${command}". Commands: audit, chaos, prune.`);
  } catch (error) {
    if (isUsageError(error)) {
      // One line, whatever the parser said (Node's parseArgs writes some errors over several lines).
      out.stderr(`firebreak: ${error.message.replace(/\s*\n\s*/g, " ").trim()}\n`);
      return 2;
    }
    // Still one line: the contract is one message on stderr, exit code 2.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    out.stderr(`firebreak: unexpected error: ${message.replace(/\s*\n\s*/g, " ").trim()}\n`);
    return 2;
  }
}

export { AUDIT_HELP };
