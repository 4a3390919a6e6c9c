/**
 * The options of `createCheckpointer`, checked once with zod: unknown keys, wrong types,
 * unknown backends, blank URLs, empty directories and timer values Node would mangle are
 * rejected with `INVALID_OPTIONS` naming the option. Never echoes a value that might be a secret.
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import type { CreateCheckpointerOptions, ResolvedCheckpointerOptions } from "./checkpointer.js";
import { CheckpointerError } from "./checkpointer-error.js";
import { describeConnectionUrl } from "./connection-errors.js";
import { quote } from "../src/internal/quote.js";

/** The embedded data directory used when `dataDir` is not given, relative to `process.cwd()`. */
export const DEFAULT_EMBEDDED_DATA_DIR = ".firebreak/pglite";

/** Node clamps a timer delay above 2³¹−1 ms to 1 ms (with a warning): a "30-day" timeout would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The defaults, in one place (the README lists the same numbers). */
export const CHECKPOINTER_DEFAULTS = {
  schema: "public",
  poolSize: 10,
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 30_000,
  setupLockTimeoutMs: 30_000,
  keepAliveMs: 10_000,
} as const;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const timer = z.number().int().positive().max(MAX_TIMER_MS);

const schema = z.strictObject({
  url: z.string().optional(),
  backend: z.enum(["postgres", "embedded"]).optional(),
  schema: z.string().regex(SCHEMA_NAME).optional(),
  poolSize: z.number().int().min(1).max(10_000).optional(),
  dataDir: z.string().optional(),
  connectTimeoutMs: timer.optional(),
  statementTimeoutMs: timer.optional(),
  setupLockTimeoutMs: timer.optional(),
  keepAliveMs: timer.optional(),
  log: z.custom<(line: string) => void>((v) => typeof v === "function").optional(),
});

function invalid(message: string): CheckpointerError {
  return new CheckpointerError("INVALID_OPTIONS", `createCheckpointer: ${message}`);
}

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);

/** One sentence per problem; values are shown only where they cannot be a secret. */
function describeIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const key = String(issue.path[0] ?? "");
  const value = input[key];
  if (issue.code === "unrecognized_keys") {
    return `unknown option${issue.keys.length > 1 ? "s" : ""} ${issue.keys.slice(0, 5).map((k) => `\`${k.length > 40 ? `${k.slice(0, 39)}…` : k}\``).join(", ")}${issue.keys.length > 5 ? ` (+${issue.keys.length - 5} more)` : ""} ` +
      `(known: ${Object.keys(schema.shape).join(", ")})`;
  }
  switch (key) {
    case "url":
      return `\`url\` must be a string (postgres://user:password@host:port/db), got ${kind(value)}`;
    case "backend":
      return `\`backend\` must be "postgres" or "embedded", got ${typeof value === "string" ? quote(value) : kind(value)}`;
    case "schema":
      return typeof value === "string"
        ? `schema ${quote(value)} is not a plain identifier. Use letters, digits and "_" (at most 63, not starting with a digit)`
        : `\`schema\` must be a string, got ${kind(value)}`;
    case "poolSize":
      return `\`poolSize\` must be a whole number from 1 to 10000, got ${typeof value === "number" ? quote(value) : kind(value)}`;
    case "dataDir":
      return `\`dataDir\` must be a string (a directory path), got ${kind(value)}`;
    case "log":
      return `\`log\` must be a function (line: string) => void, got ${kind(value)}`;
    default:
      return `\`${key}\` must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS} (2³¹−1, the most ` +
        `a Node timer can wait), got ${typeof value === "number" ? String(value) : kind(value)}`;
  }
}

/** Applies defaults and checks the options once; throws `INVALID_OPTIONS` naming the option. */
export function resolveCheckpointerOptions(
  options: CreateCheckpointerOptions | undefined = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedCheckpointerOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalid(`options must be an object or omitted, got ${kind(options)}.`);
  }
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const input = options as Record<string, unknown>;
    throw invalid(`${parsed.error.issues.map((i) => describeIssue(i, input)).join("; ")}.`);
  }
  const o = parsed.data;
  if (o.url !== undefined && o.url.trim() === "") {
    throw invalid(
      "`url` is blank. Pass a postgres:// URL, or leave `url` out (DATABASE_URL, else the embedded default).",
    );
  }
  if (o.dataDir !== undefined && o.dataDir.trim() === "") {
    throw invalid(
      "`dataDir` is empty, which would put the database files in the current directory. " +
        `Name a directory (e.g. "${DEFAULT_EMBEDDED_DATA_DIR}"), or leave \`dataDir\` out for that default.`,
    );
  }
  const rawEnv = env["DATABASE_URL"];
  if (o.url === undefined && o.backend !== "embedded" && rawEnv !== undefined && rawEnv.trim() === "") {
    throw invalid(
      "DATABASE_URL is set but blank. Set it to a postgres:// URL, unset it to use the embedded default, " +
        'or pass backend: "embedded".',
    );
  }
  const url = o.backend === "embedded" ? undefined : (o.url?.trim() ?? rawEnv?.trim());
  const backend = o.backend ?? (url ? "postgres" : "embedded");
  if (backend === "postgres" && !url) {
    throw invalid(
      `backend "postgres" needs a URL. Pass \`url\` or set DATABASE_URL ` +
        `(e.g. postgres://postgres@127.0.0.1:5432/postgres), or drop \`backend\` to use the embedded default.`,
    );
  }
  if (backend === "postgres" && url) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw invalid(
        `the database URL is not a URL (${describeConnectionUrl(url).redactedUrl}). ` +
          `Use postgres://user:password@host:port/database.`,
      );
    }
    if (protocol !== "postgres:" && protocol !== "postgresql:") {
      throw invalid(`the database URL must start with postgres:// or postgresql://, not ${protocol}//.`);
    }
  }
  const dir = o.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR;
  return {
    backend,
    url: backend === "postgres" ? url : undefined,
    schema: o.schema ?? CHECKPOINTER_DEFAULTS.schema,
    poolSize: o.poolSize ?? CHECKPOINTER_DEFAULTS.poolSize,
    dataDir: isAbsolute(dir) ? dir : resolve(process.cwd(), dir),
    connectTimeoutMs: o.connectTimeoutMs ?? CHECKPOINTER_DEFAULTS.connectTimeoutMs,
    statementTimeoutMs: o.statementTimeoutMs ?? CHECKPOINTER_DEFAULTS.statementTimeoutMs,
    setupLockTimeoutMs: o.setupLockTimeoutMs ?? CHECKPOINTER_DEFAULTS.setupLockTimeoutMs,
    keepAliveMs: o.keepAliveMs ?? CHECKPOINTER_DEFAULTS.keepAliveMs,
    embeddedByDefault: backend === "embedded" && o.backend === undefined,
    log: o.log ?? ((line: string) => void process.stderr.write(`${line}\n`)),
  };
}
