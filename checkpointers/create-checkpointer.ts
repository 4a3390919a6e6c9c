import { isAbsolute, resolve } from "node:path";
import type { Checkpointer, CreateCheckpointerOptions, ResolvedCheckpointerOptions } from "./checkpointer.js";
import { CheckpointerError } from "./checkpointer-error.js";
import { describeConnectionUrl } from "./connection-errors.js";

/** The embedded data directory used when `dataDir` is not given, relative to `process.cwd()`. */
export const DEFAULT_EMBEDDED_DATA_DIR = ".firebreak/pglite";

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function invalid(message: string): CheckpointerError {
  return new CheckpointerError("INVALID_OPTIONS", message);
}

/** Applies defaults and checks the options once; throws `INVALID_OPTIONS`. */
export function resolveCheckpointerOptions(options: CreateCheckpointerOptions = {}): ResolvedCheckpointerOptions {
  const envUrl = process.env["DATABASE_URL"]?.trim() || undefined;
  const url = options.url?.trim() || (options.backend === "embedded" ? undefined : envUrl);
  const backend = options.backend ?? (url ? "postgres" : "embedded");
  if (backend === "postgres" && !url) {
    throw invalid(
      `createCheckpointer: backend "postgres" needs a URL. Pass \`url\` or set DATABASE_URL ` +
        `(e.g. postgres://postgres@127.0.0.1:5432/postgres), or drop \`backend\` to use the embedded default.`,
    );
  }
  if (backend === "postgres" && url) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw invalid(
        `createCheckpointer: the database URL is not a URL (${describeConnectionUrl(url).redactedUrl}). ` +
          `Use postgres://user:password@host:port/database.`,
      );
    }
    if (protocol !== "postgres:" && protocol !== "postgresql:") {
      throw invalid(
        `createCheckpointer: the database URL must start with postgres:// or postgresql://, not ${protocol}//.`,
      );
    }
  }
  const schema = options.schema ?? "public";
  if (!SCHEMA_NAME.test(schema)) {
    throw invalid(
      `createCheckpointer: schema ${JSON.stringify(schema)} is not a plain identifier. ` +
        `Use letters, digits and "_" (at most 63, not starting with a digit).`,
    );
  }
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw invalid(`createCheckpointer: poolSize must be a whole number ≥ 1, got ${String(poolSize)}.`);
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  if (!(connectTimeoutMs > 0)) {
    throw invalid(`createCheckpointer: connectTimeoutMs must be > 0, got ${String(connectTimeoutMs)}.`);
  }
  const dir = options.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR;
  const dataDir = isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
  return { backend, url: backend === "postgres" ? url : undefined, schema, poolSize, dataDir, connectTimeoutMs };
}

/**
 * Creates a ready checkpointer: a migrated `PostgresSaver` plus `close()`.
 *
 * With `url` (or `DATABASE_URL`) it talks to a real PostgreSQL through a `pg.Pool`; setup
 * is idempotent and serialised by an advisory lock, so several processes may start at
 * once. Without one it opens the **embedded default**: a file-backed PGlite in `dataDir`
 * (`.firebreak/pglite`), served on loopback to the same saver through one connection.
 * The embedded directory belongs to one process at a time; a second gets a clear error.
 *
 * Run with `durability: "sync"` (see `durableConfig`) so a crash never loses a finished node.
 * Connection problems throw a `CheckpointerError` (`CHECKPOINTER_UNREACHABLE`,
 * `CHECKPOINTER_AUTH`, `CHECKPOINTER_SETUP`) naming host and port, never the password.
 *
 * @example
 * ```ts
 * import { createCheckpointer, durableConfig } from "langgraph-firebreak/checkpointers";
 *
 * const cp = await createCheckpointer(); // DATABASE_URL, or the embedded default
 * const graph = builder.compile({ checkpointer: cp.saver, interruptBefore: ["writer"] });
 * try {
 *   await graph.invoke({ task: "…" }, durableConfig("thread-1"));
 * } finally {
 *   await cp.close();
 * }
 * ```
 */
export async function createCheckpointer(options: CreateCheckpointerOptions = {}): Promise<Checkpointer> {
  const resolved = resolveCheckpointerOptions(options);
  if (resolved.backend === "postgres") {
    const { openPostgres } = await import("./postgres-backend.js");
    return openPostgres({ ...resolved, url: resolved.url! });
  }
  const { openEmbedded } = await import("./embedded-backend.js");
  return openEmbedded(resolved);
}
