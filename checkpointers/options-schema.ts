/**
 * The options of `createCheckpointer`, checked once with zod: unknown keys, wrong types,
 * unknown backends, blank URLs, empty directories and timer values Node would mangle are
 * rejected with `INVALID_OPTIONS` naming the option. Never echoes a value that might be a secret.
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import type { CreateCheckpointerOptions, ResolvedCheckpointerOptions } from "./checkpointer.js";
import { describeConnectionUrl } from "./connection-errors.js";
import { quote } from "../src/internal/quote.js";
import { fn, integer, InvalidOptionsError, oneOf, parseOptions, strict, timerMs } from "../src/internal/options-schema.js";

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

const WHERE = "createCheckpointer";

const schema = strict(
  {
    url: z.string({ error: "a postgres:// URL string (postgres://user:password@host:port/db)" }).optional(),
    backend: oneOf(["postgres", "embedded"]).optional(),
    schema: z
      .string({ error: "a plain identifier: letters, digits and _ (at most 63, not starting with a digit)" })
      .regex(SCHEMA_NAME, { error: "a plain identifier: letters, digits and _ (at most 63, not starting with a digit)" })
      .optional(),
    poolSize: integer(1, 10_000).optional(),
    dataDir: z.string({ error: "a directory path string" }).optional(),
    connectTimeoutMs: timerMs({ min: 1 }).int({ error: "a whole number of milliseconds" }).optional(),
    statementTimeoutMs: timerMs({ min: 1 }).int({ error: "a whole number of milliseconds" }).optional(),
    setupLockTimeoutMs: timerMs({ min: 1 }).int({ error: "a whole number of milliseconds" }).optional(),
    keepAliveMs: timerMs({ min: 1 }).int({ error: "a whole number of milliseconds" }).optional(),
    log: fn<(line: string) => void>("a function (line: string) => void").optional(),
  },
  "an options object, or nothing",
);

/** The options error for a rule the schema cannot express; `shown` is what may be quoted (never a password). */
function invalid(option: string, shown: string, allowed: string): InvalidOptionsError {
  return new InvalidOptionsError(WHERE, [{ option, received: shown, allowed }]);
}

/**
 * Applies defaults and checks the options once; throws `INVALID_OPTIONS`
 * ({@link InvalidOptionsError}) naming the option. A URL is only ever shown redacted.
 */
export function resolveCheckpointerOptions(
  options: CreateCheckpointerOptions | undefined = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedCheckpointerOptions {
  const o = parseOptions(schema, options, WHERE);
  if (o.url !== undefined && o.url.trim() === "") {
    throw invalid("url", "a blank string", "a postgres:// URL, or leave url out (DATABASE_URL, else the embedded default)");
  }
  if (o.dataDir !== undefined && o.dataDir.trim() === "") {
    throw invalid(
      "dataDir",
      "an empty path (the database files would go into the current directory)",
      `a directory (e.g. "${DEFAULT_EMBEDDED_DATA_DIR}"), or leave dataDir out for that default`,
    );
  }
  const rawEnv = env["DATABASE_URL"];
  if (o.url === undefined && o.backend !== "embedded" && rawEnv !== undefined && rawEnv.trim() === "") {
    throw invalid("DATABASE_URL", "a blank value", 'a postgres:// URL; unset it to use the embedded default, or pass backend: "embedded"');
  }
  const url = o.backend === "embedded" ? undefined : (o.url?.trim() ?? rawEnv?.trim());
  const backend = o.backend ?? (url ? "postgres" : "embedded");
  if (backend === "postgres" && !url) {
    throw invalid(
      "backend",
      '"postgres" with no URL',
      "a URL in url or DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres), or drop backend to use the embedded default",
    );
  }
  if (backend === "postgres" && url) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw invalid(o.url === undefined ? "DATABASE_URL" : "url", `${quote(describeConnectionUrl(url).redactedUrl)} (not a URL)`, "postgres://user:password@host:port/database");
    }
    if (protocol !== "postgres:" && protocol !== "postgresql:") {
      throw invalid(o.url === undefined ? "DATABASE_URL" : "url", `a ${quote(protocol.slice(0, 20))}// URL`, "a URL starting with postgres:// or postgresql://");
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
