import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { makeDirectory } from "./make-directory.js";
import { dirname } from "node:path";
import { checkpointerError } from "./checkpointer-error.js";

/** A held lock on an embedded data directory; `release()` removes the lock file. */
export interface DataDirLock {
  /** The lock file's path. */
  readonly path: string;
  /** Removes the lock file if this process still owns it. Safe to call twice. */
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes an exclusive lock on an embedded data directory with a lock file
 * (`<dataDir>.lock`) holding the owner's pid. PGlite is a single process database:
 * two processes writing one directory corrupt it, so the second one gets a clear
 * `CHECKPOINTER_SETUP` error instead. A lock left by a process that died (for
 * example `SIGKILL`) is stale and is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = `${dataDir}.lock`;
  makeDirectory(dirname(path));
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(path);
      if (owner !== undefined && isAlive(owner)) {
        const who = owner === process.pid ? "this process already has it open" : `process ${owner} has it open`;
        throw checkpointerError(
          "CHECKPOINTER_SETUP",
          `The embedded checkpointer database at ${dataDir} is in use: ${who}. ` +
            `PGlite allows one process per data directory. Stop the other process (or close() ` +
            `the first checkpointer), give this one another \`dataDir\`, or set DATABASE_URL to ` +
            `share a PostgreSQL server between processes. If no such process exists, delete ${path}.`,
        );
      }
      // Stale: the owner died without releasing it. Re-check the pid just before removing
      // so that two processes recovering at once do not delete each other's fresh lock.
      if (readOwner(path) === owner) rmSync(path, { force: true });
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let held = true;
    return {
      path,
      release() {
        if (!held) return;
        held = false;
        if (readOwner(path) === process.pid) rmSync(path, { force: true });
      },
    };
  }
  throw checkpointerError(
    "CHECKPOINTER_SETUP",
    `Could not lock the embedded checkpointer database at ${dataDir}: ${path} keeps reappearing. ` +
      `Another process is starting on the same directory; retry, or give each process its own \`dataDir\`.`,
  );
}
