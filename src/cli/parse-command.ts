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
    // Name the graph when exactly one <module>:<export> can be told apart from the options.
    const loose = parseArgs({ args: [...argv], allowPositionals: true, strict: false, options });
    const graph = loose.positionals.length === 1 ? loose.positionals[0] : undefined;
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\nRun "firebreak ${command} --help".`, graph);
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
