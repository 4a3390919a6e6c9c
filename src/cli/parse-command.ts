import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./usage-error.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The option values `parseArgs` reads for `options`. */
export type CommandValues<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>
>["values"];

/**
 * Internal: what every `firebreak <command> <module>:<export> [options]` shares. Parses the
 * options strictly, prints `help` for `--help` (then returns `undefined`: exit 0), and requires
 * exactly one `<module>:<export>`; anything else is a {@link UsageError} (exit 2).
 */
export function parseCommand<const O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
  help: string,
  stdout: (text: string) => void,
): { values: CommandValues<O>; target: string } | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    // docs/topology.md: every stderr line names the <module>:<export> when exactly one can be told
    // apart from the options ("firebreak: <module>:<export>: <cause>"); the cause names the flag.
    const loose = parseArgs({ args: [...argv], allowPositionals: true, strict: false, options });
    const graph = loose.positionals.length === 1 ? loose.positionals[0] : undefined;
    throw new UsageError(`${optionProblem(error)}\nRun "firebreak ${command} --help".`, graph);
  }
  const { values, positionals } = parsed;
  if ((values as Record<string, unknown>)["help"]) {
    stdout(help);
    return undefined;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `Missing <module>:<export>, e.g. "firebreak ${command} src/graph.ts:graph".`
        : `Expected one <module>:<export>, got ${positionals.length}: ${positionals.join(" ")}.`,
    );
  }
  return { values, target: positionals[0]! };
}

/**
 * One sentence for a `parseArgs` error. Node's unknown-option text goes on about positionals
 * and ends in an unclosed quote, so that one is rewritten; the others are short already.
 */
export function optionProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'([^']*)'/.exec(message)?.[1];
    if (flag !== undefined) return `Unknown option '${flag}'.`;
  }
  const first = message.split("\n")[0]!.trim();
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
