/**
 * Internal: create a directory and its missing parents one level at a time.
 *
 * Node's `mkdirSync(path, { recursive: true })` is not enough for a data directory: under
 * `/proc` it loops without end (the process hangs), and on a read-only filesystem it reports
 * `ENOENT` for a parent that exists. Walking the path ourselves is bounded by its depth and
 * reports the real cause: the first component that cannot be created fails with its own errno
 * (`EROFS`, `EACCES`, `ENOTDIR` …), and a parent that exists but is not writable is probed.
 */
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Creates `path` and its missing parents; throws the errno of the first step that fails. */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  // Walk up to the nearest existing ancestor (bounded: a path has finitely many components).
  for (;;) {
    let exists = false;
    try {
      exists = statSync(current).isDirectory() || notDirectory(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (exists) break;
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") continue;
      // ENOENT for a parent that exists: the filesystem refused (read-only, or no write access).
      if (code === "ENOENT") probeWritable(dirname(dir), error as Error);
      throw error;
    }
  }
}

function notDirectory(path: string): never {
  throw Object.assign(new Error(`ENOTDIR: not a directory, '${path}'`), { code: "ENOTDIR", path });
}

function probeWritable(parent: string, original: Error): void {
  try {
    statSync(parent);
  } catch {
    return; // the parent really is missing: ENOENT is right
  }
  try {
    accessSync(parent, constants.W_OK);
  } catch (error) {
    throw Object.assign(error as Error, { cause: original });
  }
}
