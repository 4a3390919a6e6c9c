import { accessSync, constants, existsSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { checkpointerError, type CheckpointerError, type CheckpointerFaultReason } from "./checkpointer-error.js";

/** errno names (Node) and numbers (Emscripten's FS inside PGlite) → what they mean. */
const FS_FAULTS: Record<string, { reason: CheckpointerFaultReason; what: string; fix: string }> = {
  EACCES: {
    reason: "permission-denied",
    what: "permission denied",
    fix: "give this process's user read and write access to it (chown/chmod), or choose another `dataDir`",
  },
  EPERM: {
    reason: "permission-denied",
    what: "operation not permitted",
    fix: "give this process's user read and write access to it (chown/chmod), or choose another `dataDir`",
  },
  EROFS: {
    reason: "read-only",
    what: "the filesystem is read-only",
    fix: "mount it read-write, or choose a `dataDir` on a writable filesystem",
  },
  ENOENT: {
    reason: "not-found",
    what: "a path component does not exist",
    fix: "create the parent directory, or fix the `dataDir` path",
  },
  ENOTDIR: {
    reason: "not-found",
    what: "a path component is a file, not a directory",
    fix: "fix the `dataDir` path",
  },
  ENOSPC: {
    reason: "disk-full",
    what: "no space left on the device",
    fix: "free disk space (the database is intact; do not delete it), or move `dataDir` to a larger disk",
  },
  EDQUOT: {
    reason: "disk-full",
    what: "the disk quota is exhausted",
    fix: "free space or raise the quota (the database is intact; do not delete it)",
  },
};
/** Emscripten errno numbers PGlite's filesystem reports. */
const EMSCRIPTEN_ERRNO: Record<number, string> = { 2: "EACCES", 44: "ENOENT", 54: "ENOTDIR", 51: "ENOSPC", 63: "EPERM", 69: "EROFS" };

/** The errno name of a filesystem error, looking into `cause` chains and PGlite's `ErrnoError`. */
export function fsErrorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 4) return undefined;
  const { code, errno, cause, message } = error as { code?: unknown; errno?: unknown; cause?: unknown; message?: unknown };
  if (typeof code === "string" && code in FS_FAULTS) return code;
  if (typeof errno === "number" && (error as Error).name === "ErrnoError" && EMSCRIPTEN_ERRNO[errno]) return EMSCRIPTEN_ERRNO[errno];
  if (typeof message === "string") {
    const named = /\b(EACCES|EPERM|EROFS|ENOENT|ENOTDIR|ENOSPC|EDQUOT)\b/.exec(message)?.[1];
    if (named) return named;
    if (/permission denied/i.test(message)) return "EACCES";
    if (/no space left on device/i.test(message)) return "ENOSPC";
    if (/read-only file system/i.test(message)) return "EROFS";
  }
  return fsErrorCode(cause, depth + 1);
}

/**
 * A `CheckpointerError` that names a filesystem fault of the embedded data directory as
 * what it is (permission denied, not found, full disk, read-only), or `undefined` when
 * `error` is not one. Never advises moving the directory away: the data in it is fine.
 */
export function toFsCheckpointerError(error: unknown, dataDir: string, doing: string): CheckpointerError | undefined {
  const code = fsErrorCode(error);
  if (code === undefined) return undefined;
  const fault = FS_FAULTS[code]!;
  const path = typeof (error as { path?: unknown }).path === "string" ? (error as { path: string }).path : dataDir;
  return checkpointerError(
    "CHECKPOINTER_SETUP",
    `${doing} the embedded checkpointer database at ${dataDir} failed: ${fault.what} (${code}` +
      `${path === dataDir ? "" : ` on ${path}`}). To fix it, ${fault.fix}. Or set DATABASE_URL to use a PostgreSQL server.`,
    { cause: error, reason: fault.reason },
  );
}

const LOW_SPACE_BYTES = 16 * 1024 * 1024;

/**
 * Looks for the filesystem reason an opaque open failure may have (PGlite reports a read-only
 * data directory as "failed to initialize properly"): no read/write access to the directory
 * or its key files, or (almost) no free space. Returns an errno-shaped error, or `undefined`.
 */
export function probeDataDir(dataDir: string): NodeJS.ErrnoException | undefined {
  const paths = [dataDir, ...["global", "base", "pg_wal", "global/pg_control", "PG_VERSION"].map((p) => join(dataDir, p))];
  for (const path of paths) {
    if (!existsSync(path)) continue;
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch (error) {
      return error as NodeJS.ErrnoException;
    }
  }
  try {
    const stats = statfsSync(dataDir);
    if (stats.bavail * stats.bsize < LOW_SPACE_BYTES) {
      return Object.assign(new Error(`ENOSPC: ${stats.bavail * stats.bsize} bytes free on ${dataDir}`), {
        code: "ENOSPC",
        path: dataDir,
      });
    }
  } catch {
    // statfs unsupported here: nothing more to learn
  }
  return undefined;
}
