/**
 * `firebreak prune`: retention for the checkpoint tables, for cron. Keeps the last N
 * checkpoints per thread and/or drops threads idle longer than a TTL, in short batches that
 * never hold up live runs. Exit codes: 0 done, 1 the database failed, 2 usage error.
 */
import { parseArgs } from "node:util";
import type { CreateCheckpointerOptions } from "../../checkpointers/checkpointer.js";
import { isCheckpointerError } from "../../checkpointers/checkpointer-error.js";
import { isInvalidOptionsError } from "../internal/options-schema.js";
import { UsageError, isUsageError } from "./usage-error.js";
import { optionProblem } from "./parse-command.js";

/** Where the command writes (the CLI's `CliIo`; every field optional). */
export interface PruneIo {
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

/** Help text of `firebreak prune`. */
export const PRUNE_HELP = `Usage: firebreak prune [--keep-last <n>] [--idle-ttl <duration>] [options]

Deletes old checkpoints (with their writes and the blobs only they reference) in short
batches, safely while other threads run. Give --keep-last, --idle-ttl or both.

Retention:
  --keep-last <n>         keep the n newest checkpoints of every thread (n ≥ 1)
  --idle-ttl <duration>   drop threads whose newest checkpoint is older, e.g. 30d, 12h, 90m,
                          45s or plain milliseconds; threads with a run in flight are kept
  --batch-size <n>        most checkpoints per statement (default 500; shrinks by itself
                          when a statement takes over 25 ms)

Database (the same resolution as createCheckpointer):
  --url <postgres-url>    PostgreSQL (default: DATABASE_URL); the password is never printed
  --schema <name>         schema of the checkpoint tables (default "public")
  --embedded              the embedded PGlite database instead
  --data-dir <dir>        its directory (default .firebreak/pglite)

Output:
  --json                  the result as JSON
  -h, --help              show this help

Exit codes: 0 done, 1 the database failed, 2 usage error.

Example (cron, daily): firebreak prune --keep-last 50 --idle-ttl 30d
`;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "30d", "12h", "90m", "45s", "500ms" or a plain number of milliseconds. */
export function parseDuration(flag: string, raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  const value = match ? Number(match[1]) * UNITS[match[2] ?? "ms"]! : Number.NaN;
  if (!Number.isFinite(value) || value < 1 || !Number.isSafeInteger(Math.round(value))) {
    throw new UsageError(`${flag} must be a duration like 30d, 12h, 90m, 45s or milliseconds, got "${raw}".`);
  }
  return Math.round(value);
}

function wholeNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`${flag} must be a whole number ≥ 1, got "${raw}".`);
  }
  return value;
}

/**
 * Runs `firebreak prune` with `argv` (the arguments after `prune`); returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runPrune(["--keep-last", "20", "--idle-ttl", "30d"]);
 * ```
 */
export async function runPrune(argv: readonly string[], io: PruneIo = {}): Promise<number> {
  const { stdout, stderr } = await redactingIo(argv, io);
  let values: PruneValues;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: PRUNE_OPTIONS }));
  } catch (error) {
    stderr(`firebreak prune: ${optionProblem(error)}\nRun "firebreak prune --help".\n`);
    return 2;
  }
  if (values.help) {
    stdout(PRUNE_HELP);
    return 0;
  }
  let request: PruneRequest;
  try {
    request = pruneRequest(values);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    stderr(`firebreak prune: ${error.message}\n`);
    return 2;
  }
  return prune(request, values.json === true, stdout, stderr);
}

const PRUNE_OPTIONS = {
  "keep-last": { type: "string" },
  "idle-ttl": { type: "string" },
  "batch-size": { type: "string" },
  url: { type: "string" },
  schema: { type: "string" },
  embedded: { type: "boolean" },
  "data-dir": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type PruneValues = ReturnType<typeof parseArgs<{ options: typeof PRUNE_OPTIONS; strict: true; allowPositionals: false }>>["values"];

/** What to delete and from which database. */
interface PruneRequest {
  readonly retention: { keepLast?: number; idleTtlMs?: number; batchSize?: number };
  readonly target: CreateCheckpointerOptions;
}

/**
 * stdout and stderr writers that pass everything through the redaction: a URL given in the
 * wrong place (a positional argument, a flag's value) is quoted back without its password.
 */
async function redactingIo(argv: readonly string[], io: PruneIo): Promise<{ stdout: (text: string) => void; stderr: (text: string) => void }> {
  const { redactText } = await import("../../checkpointers/redact.js");
  const urls = [...argv.filter((a) => a.includes("://") || /password=/i.test(a)), process.env["DATABASE_URL"]];
  // Also any user:password part or password parameter in the text, cut short or not.
  const redact = (text: string) =>
    urls
      .reduce<string>((t, url) => redactText(t, url), text)
      .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s"']*:)[^@\s"']+/gi, "$1***")
      .replace(/((?:ssl)?(?:password|passwd|pass)=)[^&\s"']+/gi, "$1***");
  const rawOut = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const rawErr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  return { stdout: (text) => rawOut(redact(text)), stderr: (text) => rawErr(redact(text)) };
}

/** The retention and database the flags ask for; throws a {@link UsageError} when they do not fit together. */
function pruneRequest(values: PruneValues): PruneRequest {
  const retention = {
    ...(values["keep-last"] !== undefined ? { keepLast: wholeNumber("--keep-last", values["keep-last"]) } : {}),
    ...(values["idle-ttl"] !== undefined ? { idleTtlMs: parseDuration("--idle-ttl", values["idle-ttl"]) } : {}),
    ...(values["batch-size"] !== undefined ? { batchSize: wholeNumber("--batch-size", values["batch-size"]) } : {}),
  };
  if (retention.keepLast === undefined && retention.idleTtlMs === undefined) {
    throw new UsageError('Give --keep-last <n>, --idle-ttl <duration>, or both (see "firebreak prune --help").');
  }
  if (values.embedded && values.url !== undefined) throw new UsageError("Choose one of --url and --embedded.");
  if (values["data-dir"] !== undefined && !values.embedded) throw new UsageError("--data-dir goes with --embedded.");
  const target: CreateCheckpointerOptions = {
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(values.embedded ? { backend: "embedded" as const } : {}),
    ...(values["data-dir"] !== undefined ? { dataDir: values["data-dir"] } : {}),
    ...(values.schema !== undefined ? { schema: values.schema } : {}),
    log: () => {},
  };
  if (!values.embedded && values.url === undefined && !process.env["DATABASE_URL"]?.trim()) {
    throw new UsageError("No database: pass --url <postgres-url>, set DATABASE_URL, or pass --embedded.");
  }
  return { retention, target };
}

/** Connects, prunes and reports; exit code 0 done, 1 the database failed, 2 bad options. */
async function prune(
  { retention, target }: PruneRequest,
  json: boolean,
  stdout: (text: string) => void,
  stderr: (text: string) => void,
): Promise<number> {
  const { createCheckpointer } = await import("../../checkpointers/create-checkpointer.js");
  const { pruneCheckpoints } = await import("../../checkpointers/prune.js");
  try {
    const cp = await createCheckpointer(target);
    try {
      const result = await pruneCheckpoints(cp, retention);
      if (json) {
        stdout(`${JSON.stringify({ database: cp.describe(), ...retention, ...result }, null, 2)}\n`);
      } else {
        stdout(
          `Pruned ${cp.describe()}:\n` +
            `  ${result.checkpointsDeleted} checkpoints, ${result.writesDeleted} writes, ${result.blobsDeleted} blobs deleted; ` +
            `${result.threadsDeleted} idle threads removed of ${result.threadsScanned} scanned\n` +
            `  ${result.batches} statements in ${(result.durationMs / 1000).toFixed(1)} s, the longest ${result.longestBatchMs.toFixed(0)} ms\n`,
        );
      }
      return 0;
    } finally {
      await cp.close();
    }
  } catch (error) {
    if (isInvalidOptionsError(error)) {
      stderr(`firebreak prune: ${error.code}: ${error.message}\n`);
      return 2;
    }
    if (isCheckpointerError(error)) {
      stderr(`firebreak prune: ${error.code}${error.reason ? ` (${error.reason})` : ""}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
